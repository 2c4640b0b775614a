/**
 * SLIM session messages as frames of the data-plane stream: what a received one holds (read from untrusted
 * input, checked here) and how we build ours. Command payloads follow shared/proto/slim-data-plane.proto
 * (field names in its snake_case, as protobufjs reads and writes them with keepCase).
 */
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { DEFAULT_TTL, SessionMessageType } from '../transport/slim-wire-enums.js';
import type { WireMessage, WireName } from '../transport/slim-wire-types.js';
import { encodeHeaderAad } from './header-aad.js';

/** SLIM's SessionMessageType numbers: the transport's wire enum, named once. */
export const SlimMsg = SessionMessageType;

export const SESSION_TYPE_MULTICAST = 2;
export const FANOUT_CHANNEL = 256;
export const DEFAULT_PAYLOAD_TYPE = 'msg';
export const TRUE_VALUE = 'TRUE';

/** Control messages (DISCOVERY_REQUEST and up) are signed; MSG, MSG_ACK and RTX are not. */
export function isControlMessage(messageType: number): boolean {
  return messageType >= SlimMsg.DISCOVERY_REQUEST && messageType <= SlimMsg.REJOIN_REPLY;
}

export interface WireParticipant {
  name?: WireName | null;
  settings?: { sends_data?: boolean | null; receives_data?: boolean | null } | null;
  status?: number | null;
}

export interface WireMlsPayload {
  commit_id?: number | null;
  mls_content?: Uint8Array | null;
}

/** The command payloads we read or write (one field set). */
export interface WireCommandPayload {
  discovery_request?: object | null;
  discovery_reply?: object | null;
  join_request?: {
    timer_settings?: { timeout?: number | null; max_retries?: number | null } | null;
    channel?: WireName | null;
    control?: WireName | null;
    mls_settings?: { header_integrity_validation_percent?: number | null } | null;
  } | null;
  join_reply?: { key_package?: Uint8Array | null; participant?: WireParticipant | null } | null;
  leave_request?: object | null;
  leave_reply?: object | null;
  group_update?: { op?: number | null; participant?: WireParticipant | null; participants?: WireParticipant[] | null; mls?: WireMlsPayload | null } | null;
  group_welcome?: { participants?: WireParticipant[] | null; mls?: WireMlsPayload | null } | null;
  group_close?: { participants?: WireName[] | null } | null;
  group_ack?: object | null;
  group_nack?: object | null;
  heartbeat?: { epoch?: unknown } | null;
  rejoin_request?: { participant?: WireName | null; key_package?: Uint8Array | null } | null;
  rejoin_reply?: { commit_id?: number | null; mls_content?: Uint8Array | null } | null;
}

/** A received SLIM session frame, checked for the parts every handler needs. */
export interface SessionFrame {
  readonly source: WireName;
  readonly destination: WireName;
  readonly identity: string;
  readonly signature: Uint8Array | undefined;
  readonly sessionType: number;
  readonly messageType: number;
  readonly sessionId: number;
  readonly messageId: number;
  readonly payloadType: string;
  readonly blob: Uint8Array | undefined;
  readonly command: WireCommandPayload | undefined;
  readonly metadata: Readonly<Record<string, string>>;
}

function u32(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff ? value : 0;
}

/** Reads a frame that the transport marked as a SLIM session publish; undefined when it lacks required parts. */
export function readSessionFrame(frame: WireMessage): SessionFrame | undefined {
  const publish = frame.publish;
  const header = publish?.header;
  if (!publish || !header?.source?.name || !header.destination?.name || header.error === true) return undefined;
  const session = publish.session ?? {};
  const content = publish.msg as { app_payload?: { payload_type?: string | null; blob?: Uint8Array | null } | null; command_payload?: WireCommandPayload | null } | null | undefined;
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(frame.metadata ?? {})) if (typeof v === 'string') metadata[k] = v;
  return {
    source: header.source,
    destination: header.destination,
    identity: typeof header.identity === 'string' ? header.identity : '',
    signature: header.e2e_header_sig instanceof Uint8Array && header.e2e_header_sig.byteLength > 0 ? header.e2e_header_sig : undefined,
    sessionType: u32(session.session_type),
    messageType: u32(session.session_message_type),
    sessionId: u32(session.session_id),
    messageId: u32(session.message_id),
    payloadType: typeof content?.app_payload?.payload_type === 'string' ? content.app_payload.payload_type : '',
    blob: content?.app_payload?.blob instanceof Uint8Array ? content.app_payload.blob : undefined,
    command: content?.command_payload ?? undefined,
    metadata,
  };
}

/** The header digest of a received frame, rebuilt as its sender computed it. */
export function frameAad(frame: SessionFrame): Uint8Array {
  return encodeHeaderAad({
    source: frame.source,
    destination: frame.destination,
    identity: frame.identity,
    sessionType: frame.sessionType,
    messageType: frame.messageType,
    sessionId: frame.sessionId,
    messageId: frame.messageId,
    payloadType: isControlMessage(frame.messageType) ? '' : frame.payloadType,
  });
}

export interface OutgoingFrame {
  readonly source: WireName;
  readonly destination: WireName;
  readonly identity: string;
  readonly fanout: number;
  readonly messageType: number;
  readonly sessionId: number;
  readonly messageId: number;
  readonly content: { readonly command: WireCommandPayload } | { readonly payloadType: string; readonly blob: Uint8Array };
  readonly metadata?: Readonly<Record<string, string>>;
}

export function outgoingAad(frame: OutgoingFrame): Uint8Array {
  return encodeHeaderAad({
    source: frame.source,
    destination: frame.destination,
    identity: frame.identity,
    sessionType: SESSION_TYPE_MULTICAST,
    messageType: frame.messageType,
    sessionId: frame.sessionId,
    messageId: frame.messageId,
    payloadType: 'command' in frame.content ? '' : frame.content.payloadType,
  });
}

/** The data-plane frame; `signature` is the e2e header signature for control messages. */
export function buildSessionFrame(frame: OutgoingFrame, signature?: Uint8Array): WireMessage {
  if (!Number.isInteger(frame.messageId) || frame.messageId < 0 || frame.messageId > 0xffff_ffff) {
    throw new KizunaError('INVALID_INPUT', 'A SLIM message id is a u32.');
  }
  const msg = 'command' in frame.content
    ? { command_payload: frame.content.command }
    : { app_payload: { payload_type: frame.content.payloadType, blob: frame.content.blob } };
  const wire: WireMessage = {
    publish: {
      header: {
        source: frame.source,
        destination: frame.destination,
        identity: frame.identity,
        fanout: frame.fanout,
        ttl: DEFAULT_TTL,
        ...(signature === undefined ? {} : { e2e_header_sig: signature }),
      },
      session: {
        session_type: SESSION_TYPE_MULTICAST,
        session_message_type: frame.messageType,
        session_id: frame.sessionId,
        message_id: frame.messageId,
      },
      msg: msg as WireMessage extends { publish?: infer P } ? NonNullable<P> extends { msg?: infer M } ? NonNullable<M> : never : never,
    },
  };
  if (frame.metadata !== undefined && Object.keys(frame.metadata).length > 0) wire.metadata = { ...frame.metadata };
  return wire;
}
