import { parseSlimName } from '../../../shared/domain/slim-name.js';
import { KizunaError, toKizunaError } from '../../../shared/errors/kizuna-error.js';
import type { SessionPort } from '../engine/session-port.js';
import type { Logger } from '../log/logger.js';
import { FANOUT_ALL, FANOUT_ONE } from '../transport/slim-wire-enums.js';
import type { SlimClient } from '../transport/slim-client.js';
import { MAX_ENVELOPE_BYTES, type EnvelopeType } from '../wire/wire-schemas.js';
import { sessionHeader } from './session-header.js';
import { KIZUNA_PAYLOAD_TYPE, type SessionOptions } from './session-options.js';

export interface PublishMeta {
  type: EnvelopeType;
  groupId: Uint8Array;
  toChannel: boolean;
  seq: number;
}

/**
 * What became of one publish: out on the wire; not now (offline, the write buffer is full: try again
 * later); or never, as it is (a bad name, too large): retrying the same bytes can only fail again.
 */
export type PublishOutcome = { kind: 'sent' } | { kind: 'later' } | { kind: 'refused'; error: KizunaError };

/** What the parts of the session layer share: the engine's port, the transport and how to publish. */
export interface SessionContext {
  readonly engine: SessionPort;
  readonly client: SlimClient;
  readonly options: SessionOptions;
  readonly log: Logger;
  /** True while the transport is online. */
  online(): boolean;
  /**
   * Publishes one envelope to a group channel (every subscriber) or to one SLIM name, best effort.
   * Returns false when it did not go out (see `send` for why).
   */
  publish(to: string, bytes: Uint8Array, meta: PublishMeta): boolean;
  /** Publishes, and says why not when it did not go out. */
  send(to: string, bytes: Uint8Array, meta: PublishMeta): PublishOutcome;
}

const names = new Map<string, ReturnType<typeof parseSlimName>>();

/** Parsed SLIM names, cached: the same few names are published to over and over. */
export function slimName(text: string): ReturnType<typeof parseSlimName> {
  let n = names.get(text);
  if (n === undefined) {
    n = parseSlimName(text);
    if (names.size > 10_000) names.clear();
    names.set(text, n);
  }
  return n;
}

/**
 * Errors about the envelope itself (its name, its size, its header): the same bytes can never go out.
 * Anything else (the link went down mid-write, something unforeseen in the stream) is worth another try.
 */
const PERMANENT = new Set(['INVALID_SLIM_NAME', 'INVALID_INPUT', 'ENVELOPE_MALFORMED', 'ENVELOPE_TOO_LARGE']);

export function sendVia(client: SlimClient, online: () => boolean): SessionContext['send'] {
  return (to, bytes, meta) => {
    if (!online()) return { kind: 'later' };
    if (bytes.byteLength > MAX_ENVELOPE_BYTES) {
      return { kind: 'refused', error: new KizunaError('ENVELOPE_TOO_LARGE', 'The envelope is larger than any node or member accepts.', { size: bytes.byteLength }) };
    }
    try {
      const written = client.publish(slimName(to), bytes, {
        payloadType: KIZUNA_PAYLOAD_TYPE,
        fanout: meta.toChannel ? FANOUT_ALL : FANOUT_ONE,
        session: sessionHeader(meta.type, meta.groupId, meta.toChannel, meta.seq),
      });
      return written ? { kind: 'sent' } : { kind: 'later' };
    } catch (err) {
      const error = toKizunaError(err);
      return PERMANENT.has(error.code) ? { kind: 'refused', error } : { kind: 'later' };
    }
  };
}
