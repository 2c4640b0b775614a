/**
 * MLSMessage framing (RFC 9420 §6) for everything this layer sends or receives: key packages,
 * commits, welcomes and application messages. Input from the network is untrusted: size-capped,
 * decoded completely (no trailing bytes), checked for version and wire format, and any failure is a
 * KizunaError.
 */
import { decodeMlsMessage, encodeMlsMessage, type MLSMessage, type MlsMessageContent, type MlsMessageProtocol } from 'ts-mls';
import type { ErrorCode } from '../../../../shared/errors/error-codes.js';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { toMlsError } from './mls-errors.js';

/** Largest MLSMessage accepted (a welcome carries the whole ratchet tree: ~250 bytes per member). */
export const MAX_MLS_MESSAGE_BYTES = 8 * 1024 * 1024;

export type WireFormat = MlsMessageContent['wireformat'];
export type WireMessage<W extends WireFormat> = MlsMessageProtocol & Extract<MlsMessageContent, { wireformat: W }>;

export function decodeWire<W extends WireFormat>(bytes: Uint8Array, accepted: readonly W[], code: ErrorCode): WireMessage<W> {
  if (!(bytes instanceof Uint8Array)) throw new KizunaError(code, undefined, { reason: 'not bytes' });
  if (bytes.length > MAX_MLS_MESSAGE_BYTES) throw new KizunaError('ENVELOPE_TOO_LARGE', undefined, { size: bytes.length });
  let decoded: [MLSMessage, number] | undefined;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch (error) {
    throw toMlsError(error, code);
  }
  if (decoded === undefined) throw new KizunaError(code, undefined, { reason: 'undecodable MLSMessage' });
  const [message, offset] = decoded;
  if (offset !== bytes.length) throw new KizunaError(code, undefined, { reason: 'trailing bytes after MLSMessage' });
  if (message.version !== 'mls10') throw new KizunaError(code, undefined, { reason: 'unsupported MLS version' });
  if (!(accepted as readonly string[]).includes(message.wireformat)) {
    throw new KizunaError(code, undefined, { reason: `unexpected wire format ${message.wireformat}` });
  }
  return message as WireMessage<W>;
}

export function encodeWire(content: MlsMessageContent): Uint8Array {
  return encodeMlsMessage({ version: 'mls10', ...content } as MLSMessage);
}
