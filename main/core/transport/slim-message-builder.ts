/**
 * Builds the frames we send after negotiation. Rules the node enforces silently (it drops rather than
 * complains), learnt by measurement and kept here in one place:
 *  - a Publish needs encoded source and destination, ttl ≥ 2 and a session header (possibly empty);
 *  - a Subscribe needs the string name as well as the encoded one;
 *  - a non-zero subscription id asks for a SubscriptionAck.
 */
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { DEFAULT_TTL, FANOUT_ONE, MIN_TTL, SessionMessageType, SessionType } from './slim-wire-enums.js';
import { u64ToWire } from './wire-u64.js';
import type { WireMessage, WireName, WireSlimHeader } from './slim-wire-types.js';

/** Session header fields (SLIM's); the transport carries them, the session layer gives them meaning. */
export interface SessionHeaderFields {
  readonly sessionType: SessionType;
  readonly messageType: SessionMessageType;
  /** uint32 */
  readonly sessionId: number;
  /** uint32 */
  readonly messageId: number;
}

export interface PublishFrameInput {
  readonly source: WireName;
  readonly destination: WireName;
  readonly payloadType: string;
  readonly blob: Uint8Array;
  readonly fanout?: number;
  readonly ttl?: number;
  readonly session?: Partial<SessionHeaderFields>;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly identity?: string;
}

const EMPTY_SESSION: SessionHeaderFields = Object.freeze({
  sessionType: SessionType.UNSPECIFIED,
  messageType: SessionMessageType.UNSPECIFIED,
  sessionId: 0,
  messageId: 0,
});

function checkUint32(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new KizunaError('INVALID_INPUT', `${field} must be an integer between 0 and 4294967295.`, { field });
  }
  return value;
}

export function buildPublish(input: PublishFrameInput): WireMessage {
  const ttl = checkUint32(input.ttl ?? DEFAULT_TTL, 'ttl');
  if (ttl < MIN_TTL) throw new KizunaError('INVALID_INPUT', `ttl must be at least ${MIN_TTL}; the node drops anything lower.`, { ttl });
  const session = { ...EMPTY_SESSION, ...input.session };
  const header: WireSlimHeader = {
    source: input.source,
    destination: input.destination,
    identity: input.identity ?? '',
    fanout: checkUint32(input.fanout ?? FANOUT_ONE, 'fanout'),
    ttl,
  };
  const frame: WireMessage = {
    publish: {
      header,
      // Always present, even when empty: the node drops publishes without one.
      session: {
        session_type: session.sessionType,
        session_message_type: session.messageType,
        session_id: checkUint32(session.sessionId, 'sessionId'),
        message_id: checkUint32(session.messageId, 'messageId'),
      },
      msg: { app_payload: { payload_type: input.payloadType, blob: input.blob } },
    },
  };
  if (input.metadata !== undefined) frame.metadata = { ...input.metadata };
  return frame;
}

function subscriptionHeader(source: WireName, name: WireName): WireSlimHeader {
  return { source, destination: name, fanout: FANOUT_ONE, ttl: DEFAULT_TTL };
}

export function buildSubscribe(source: WireName, name: WireName, subscriptionId: bigint): WireMessage {
  return { subscribe: { header: subscriptionHeader(source, name), subscription_id: u64ToWire(subscriptionId) } };
}

export function buildUnsubscribe(source: WireName, name: WireName, subscriptionId: bigint): WireMessage {
  return { unsubscribe: { header: subscriptionHeader(source, name), subscription_id: u64ToWire(subscriptionId) } };
}
