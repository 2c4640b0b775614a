/**
 * Enum values of SLIM's data-plane protocol (shared/proto/slim-data-plane.proto), as plain constants so
 * that callers (the session layer above all) can name them without touching protobufjs. A unit test
 * checks that every value here equals the one in the .proto.
 */

export const SessionType = {
  UNSPECIFIED: 0,
  POINT_TO_POINT: 1,
  MULTICAST: 2,
} as const;
export type SessionType = (typeof SessionType)[keyof typeof SessionType];

export const SessionMessageType = {
  UNSPECIFIED: 0,
  MSG: 1,
  MSG_ACK: 2,
  RTX_REQUEST: 3,
  RTX_REPLY: 4,
  DISCOVERY_REQUEST: 5,
  DISCOVERY_REPLY: 6,
  JOIN_REQUEST: 7,
  JOIN_REPLY: 8,
  LEAVE_REQUEST: 9,
  LEAVE_REPLY: 10,
  GROUP_UPDATE: 11,
  GROUP_WELCOME: 12,
  GROUP_CLOSE: 13,
  GROUP_PROPOSAL: 14,
  GROUP_ACK: 15,
  GROUP_NACK: 16,
  HEARTBEAT: 17,
  UPDATE_PARTICIPANT_STATE: 18,
  REJOIN_REQUEST: 19,
  REJOIN_REPLY: 20,
} as const;
export type SessionMessageType = (typeof SessionMessageType)[keyof typeof SessionMessageType];

export const LinkConnectionType = {
  REMOTE: 0,
  PEER: 1,
  /** An application (us) connected to its first-hop node. */
  EDGE: 2,
} as const;
export type LinkConnectionType = (typeof LinkConnectionType)[keyof typeof LinkConnectionType];

/** SLIM's own default TTL for new messages; each node hop decrements it and drops at 0. */
export const DEFAULT_TTL = 8;
/** The node decrements before forwarding, so anything below 2 never reaches a subscriber. */
export const MIN_TTL = 2;

/** fanout 1: one matching subscriber, chosen round robin (anycast). */
export const FANOUT_ONE = 1;
/** Any fanout other than 1 reaches every matching subscriber; 256 is an explicit "all". */
export const FANOUT_ALL = 256;
