/**
 * Turns a received frame (untrusted) into a typed inbound event, or says why it is dropped. Nothing here
 * throws past its caller: every problem becomes a `drop` with a reason the client counts.
 */
import { isKizunaError } from '../../../shared/errors/kizuna-error.js';
import { decodeWireName, type NameHasher, type ReceivedName } from './slim-name-encoding.js';
import { wireToU64 } from './wire-u64.js';
import type { WireLinkNegotiation, WireMessage } from './slim-wire-types.js';

/** Session header of a received publish (numbers as sent; unknown enum values are passed through). */
export interface ReceivedSessionHeader {
  readonly sessionType: number;
  readonly messageType: number;
  readonly sessionId: number;
  readonly messageId: number;
}

/** An application publish delivered to us by the node. */
export interface IncomingPublish {
  readonly source: ReceivedName;
  readonly destination: ReceivedName;
  readonly payloadType: string;
  readonly blob: Uint8Array;
  readonly session: ReceivedSessionHeader;
  readonly metadata: Readonly<Record<string, string>>;
  readonly fanout: number;
  /** SLIM's identity header, as claimed by the sender: the node does not check it. */
  readonly identity: string;
}

export type DropReason =
  /** Bytes that are not a data-plane Message. */
  | 'undecodable'
  /** A Message with missing or inconsistent required parts. */
  | 'malformed'
  /** SLIM session-control payloads from official SLIM apps; Kizuna does not speak that protocol. */
  | 'command-payload'
  /** Publishes flagged as error notifications. */
  | 'error-notification'
  /** Frames a node never sends to an application (subscribe, unsubscribe, empty). */
  | 'unexpected';

export type InboundFrame =
  | { readonly kind: 'publish'; readonly publish: IncomingPublish }
  | { readonly kind: 'subscription-ack'; readonly subscriptionId: bigint; readonly success: boolean; readonly error: string }
  | { readonly kind: 'link'; readonly negotiation: WireLinkNegotiation; readonly frame: WireMessage }
  | { readonly kind: 'drop'; readonly reason: DropReason; readonly detail: string };

const drop = (reason: DropReason, detail: string): InboundFrame => ({ kind: 'drop', reason, detail });

function u32(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

function readMetadata(value: unknown): Readonly<Record<string, string>> {
  if (value === null || typeof value !== 'object') return Object.freeze({});
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  return Object.freeze(out);
}

export function readInboundFrame(frame: WireMessage, hasher: NameHasher): InboundFrame {
  try {
    if (frame.publish) return readPublish(frame, hasher);
    if (frame.subscription_ack) {
      const id = wireToU64(frame.subscription_ack.subscription_id);
      if (id === undefined) return drop('malformed', 'subscription ack id');
      return {
        kind: 'subscription-ack',
        subscriptionId: id,
        success: frame.subscription_ack.success === true,
        error: frame.subscription_ack.error ?? '',
      };
    }
    if (frame.link?.link_negotiation) return { kind: 'link', negotiation: frame.link.link_negotiation, frame };
    return drop('unexpected', frame.subscribe ? 'subscribe' : frame.unsubscribe ? 'unsubscribe' : 'empty frame');
  } catch (error) {
    return drop('malformed', isKizunaError(error) ? error.message : 'unreadable frame');
  }
}

function readPublish(frame: WireMessage, hasher: NameHasher): InboundFrame {
  const publish = frame.publish ?? {};
  const header = publish.header;
  if (!header) return drop('malformed', 'publish without SLIM header');
  if (header.error === true) return drop('error-notification', 'publish flagged as error');
  const content = publish.msg;
  if (content?.command_payload) return drop('command-payload', 'SLIM session command');
  const app = content?.app_payload;
  if (!app) return drop('malformed', 'publish without application payload');
  const source = decodeWireName(hasher, header.source, 'source');
  const destination = decodeWireName(hasher, header.destination, 'destination');
  const session = publish.session ?? {};
  return {
    kind: 'publish',
    publish: {
      source,
      destination,
      payloadType: typeof app.payload_type === 'string' ? app.payload_type : '',
      blob: app.blob instanceof Uint8Array ? app.blob : new Uint8Array(0),
      session: {
        sessionType: u32(session.session_type),
        messageType: u32(session.session_message_type),
        sessionId: u32(session.session_id),
        messageId: u32(session.message_id),
      },
      metadata: readMetadata(frame.metadata),
      fanout: u32(header.fanout),
      identity: typeof header.identity === 'string' ? header.identity : '',
    },
  };
}
