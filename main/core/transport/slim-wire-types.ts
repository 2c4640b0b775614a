/**
 * TypeScript shapes of the data-plane messages as protobufjs reads and writes them (field names kept in
 * the .proto's snake_case, so each field here can be found in shared/proto/slim-data-plane.proto by name).
 * Every field is optional and nullable because decoded frames are untrusted input: the reader in
 * slim-message-reader.ts checks them before anything else in Kizuna sees them.
 */
import type { WireU64Value } from './wire-u64.js';

export interface WireNameId {
  id_0?: WireU64Value | null;
  id_1?: WireU64Value | null;
}

export interface WireEncodedName {
  component_0?: WireU64Value | null;
  component_1?: WireU64Value | null;
  component_2?: WireU64Value | null;
  name_id?: WireNameId | null;
}

export interface WireStringName {
  str_component_0?: string | null;
  str_component_1?: string | null;
  str_component_2?: string | null;
}

export interface WireName {
  name?: WireEncodedName | null;
  str_name?: WireStringName | null;
}

export interface WireSlimHeader {
  source?: WireName | null;
  destination?: WireName | null;
  identity?: string | null;
  fanout?: number | null;
  version?: string | null;
  ttl?: number | null;
  recv_from?: WireU64Value | null;
  forward_to?: WireU64Value | null;
  incoming_conn?: WireU64Value | null;
  error?: boolean | null;
  header_mac?: Uint8Array | null;
  e2e_header_sig?: Uint8Array | null;
}

export interface WireSessionHeader {
  session_type?: number | null;
  session_message_type?: number | null;
  session_id?: number | null;
  message_id?: number | null;
}

export interface WireApplicationPayload {
  payload_type?: string | null;
  blob?: Uint8Array | null;
}

export interface WireContent {
  app_payload?: WireApplicationPayload | null;
  /** SLIM session-control payloads; Kizuna does not interpret them (see slim-message-reader.ts). */
  command_payload?: object | null;
}

export interface WirePublish {
  header?: WireSlimHeader | null;
  session?: WireSessionHeader | null;
  msg?: WireContent | null;
}

export interface WireSubscribe {
  header?: WireSlimHeader | null;
  subscription_id?: WireU64Value | null;
}

export type WireUnsubscribe = WireSubscribe;

export interface WireSubscriptionAck {
  subscription_id?: WireU64Value | null;
  success?: boolean | null;
  error?: string | null;
}

export interface WireLinkNegotiation {
  link_id?: string | null;
  slim_version?: string | null;
  is_reply?: boolean | null;
  link_ecdh_public_key?: Uint8Array | null;
  connection_type?: number | null;
  node_id?: string | null;
  deployment_name?: string | null;
  link_kem_payload?: Uint8Array | null;
}

export interface WireLink {
  link_negotiation?: WireLinkNegotiation | null;
}

/** The one frame type of the OpenChannel stream: exactly one of the oneof fields is set. */
export interface WireMessage {
  subscribe?: WireSubscribe | null;
  unsubscribe?: WireUnsubscribe | null;
  publish?: WirePublish | null;
  link?: WireLink | null;
  subscription_ack?: WireSubscriptionAck | null;
  metadata?: Record<string, string> | null;
}
