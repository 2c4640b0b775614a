/**
 * Link negotiation: the first frame each side sends on a new OpenChannel stream. The node closes a stream
 * whose first frame is anything else (within milliseconds) or that stays silent (after about 5 s).
 * We introduce ourselves as an EDGE connection (an application, not a peer node) with a fresh link id;
 * the node answers with is_reply = true and the same link id. We leave the ECDH/KEM fields empty: those
 * enable per-link header MACs between nodes, which an edge link to `runServer` does not use.
 */
import { randomUUID } from 'node:crypto';
import { LinkConnectionType } from './slim-wire-enums.js';
import type { WireMessage } from './slim-wire-types.js';

/** The link protocol version the node we ship speaks (bindings 2.0.0-alpha.10 report 2.0.0-alpha.8). */
export const DEFAULT_SLIM_LINK_VERSION = '2.0.0-alpha.8';

export interface LinkNegotiationRequest {
  readonly linkId: string;
  readonly slimVersion: string;
  readonly nodeId: string;
}

export function newLinkNegotiationRequest(nodeId: string, slimVersion: string = DEFAULT_SLIM_LINK_VERSION): LinkNegotiationRequest {
  return { linkId: randomUUID(), slimVersion, nodeId };
}

export function buildLinkNegotiation(request: LinkNegotiationRequest): WireMessage {
  return {
    link: {
      link_negotiation: {
        link_id: request.linkId,
        slim_version: request.slimVersion,
        is_reply: false,
        connection_type: LinkConnectionType.EDGE,
        node_id: request.nodeId,
      },
    },
  };
}

export type LinkNegotiationResult =
  | { readonly ok: true; readonly remoteVersion: string; readonly remoteNodeId: string }
  | { readonly ok: false; readonly reason: string };

/** Checks that a received frame is the node's answer to `request`. */
export function readLinkNegotiationReply(frame: WireMessage, request: LinkNegotiationRequest): LinkNegotiationResult {
  const reply = frame.link?.link_negotiation;
  if (reply === undefined || reply === null) return { ok: false, reason: 'the first frame from the node was not a link negotiation' };
  if (reply.is_reply !== true) return { ok: false, reason: 'the node sent a negotiation request instead of a reply' };
  if (reply.link_id !== request.linkId) return { ok: false, reason: 'the node answered with a different link id' };
  return { ok: true, remoteVersion: reply.slim_version ?? '', remoteNodeId: reply.node_id ?? '' };
}
