import { SessionMessageType, SessionType } from '../transport/slim-wire-enums.js';
import type { EnvelopeType } from '../wire/wire-schemas.js';

/**
 * SLIM's session message type for each of our envelopes, so the headers on the wire read like
 * SLIM's own session protocol (and speaking it fully later is a step, not a rewrite).
 */
const MESSAGE_TYPES: Record<EnvelopeType, SessionMessageType> = {
  MESSAGE: SessionMessageType.MSG,
  GROUP_UPDATE: SessionMessageType.GROUP_UPDATE,
  LEAVE: SessionMessageType.LEAVE_REQUEST,
  TYPING: SessionMessageType.MSG,
  INVITE: SessionMessageType.JOIN_REQUEST,
  JOIN: SessionMessageType.JOIN_REPLY,
  DECLINE: SessionMessageType.JOIN_REPLY,
  WELCOME: SessionMessageType.GROUP_WELCOME,
  SECRET_REQUEST: SessionMessageType.GROUP_PROPOSAL,
  SECRET_REPLY: SessionMessageType.GROUP_ACK,
  ACK: SessionMessageType.MSG_ACK,
  SYNC_REQUEST: SessionMessageType.RTX_REQUEST,
  SYNC_REPLY: SessionMessageType.RTX_REPLY,
  HEARTBEAT: SessionMessageType.HEARTBEAT,
  DISCOVERY_REQUEST: SessionMessageType.DISCOVERY_REQUEST,
  DISCOVERY_REPLY: SessionMessageType.DISCOVERY_REPLY,
};

/** SLIM's session id is 32 bits: the first four bytes of the group id. */
function sessionIdOf(groupId: Uint8Array): number {
  return ((groupId[0] ?? 0) << 24 | (groupId[1] ?? 0) << 16 | (groupId[2] ?? 0) << 8 | (groupId[3] ?? 0)) >>> 0;
}

export function sessionHeader(type: EnvelopeType, groupId: Uint8Array, toChannel: boolean, seq: number) {
  return {
    sessionType: toChannel ? SessionType.MULTICAST : SessionType.POINT_TO_POINT,
    messageType: MESSAGE_TYPES[type],
    sessionId: sessionIdOf(groupId),
    messageId: seq >>> 0,
  };
}
