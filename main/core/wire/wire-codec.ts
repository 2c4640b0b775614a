import type protobuf from 'protobufjs';
import type { z } from 'zod';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { ErrorCode } from '../../../shared/errors/error-codes.js';
import { kizunaProto } from './proto-root.js';

/** protobuf names of the kizuna.v1 messages we encode and decode. */
export type WireTypeName =
  | 'Envelope' | 'SignedEnvelope' | 'GroupVersion' | 'SignedGroupVersion' | 'GroupUpdate' | 'Invite' | 'Join' | 'Decline'
  | 'Welcome' | 'SecretRequest' | 'SecretReply' | 'Content' | 'ContactCard' | 'SignedContactCard' | 'SealedSecret'
  | 'Ack' | 'SyncRequest' | 'SyncReply' | 'Heartbeat' | 'DiscoveryReply';

const types = new Map<WireTypeName, protobuf.Type>();

function typeOf(name: WireTypeName): protobuf.Type {
  let t = types.get(name);
  if (t === undefined) {
    t = kizunaProto().lookupType(`kizuna.v1.${name}`);
    types.set(name, t);
  }
  return t;
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, arrays: true, oneofs: true };

/** Encodes a value of one of our wire types. Enum fields take their names ('MESSAGE', 'MLS'). */
export function encodeWire(name: WireTypeName, value: object): Uint8Array {
  const t = typeOf(name);
  return t.encode(t.fromObject(value as Record<string, unknown>)).finish();
}

/**
 * Decodes untrusted bytes and validates them with the schema. Anything malformed, truncated or out
 * of bounds becomes a KizunaError with `code` (ENVELOPE_MALFORMED unless the caller says otherwise).
 */
export function decodeWire<S extends z.ZodType>(name: WireTypeName, schema: S, bytes: Uint8Array, code: ErrorCode = 'ENVELOPE_MALFORMED'): z.infer<S> {
  let raw: Record<string, unknown>;
  try {
    const t = typeOf(name);
    raw = t.toObject(t.decode(bytes), TO_OBJECT);
  } catch (err) {
    throw new KizunaError(code, undefined, { type: name, reason: 'decode' }, { cause: err });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new KizunaError(code, undefined, { type: name, reason: parsed.error.issues[0]?.message ?? 'schema' });
  }
  return parsed.data;
}
