/**
 * Learned routes: what SLIM's own control plane does so that nodes carry each other's traffic without a
 * route per name. A node tells the controller when a local application subscribes to a name (a
 * ConfigurationCommand with routes_to_set and no link) or stops (routes_to_delete); the controller then
 * sets that name, on every node linked to it, as a route over the link, and removes it again when the
 * name goes. A group whose members sit on different nodes therefore chats as soon as the nodes are
 * connected (CreateConnection): the members' own names and the group's channel travel on their own.
 *
 * Learned routes are not stored: nodes replay their local subscriptions whenever they register.
 * Explicit subscriptions (CreateSubscription) are stored, and a learned route never deletes one.
 */
import type { Logger } from '../log/logger.js';
import { endpointReaches } from './connection-config.js';
import type { ControllerStore } from './controller-store.js';

/** A route in a ConfigurationCommand (field names as in the .proto): a name sent over a link. */
export interface WireRoute {
  name: object;
  link_id: string;
  direction: 'CONNECTION_DIRECTION_OUTGOING' | 'CONNECTION_DIRECTION_INCOMING';
}

/** The dataplane Name as a node reports it (decoded with 64-bit numbers as decimal strings). */
export interface ReportedName {
  name?: { component_0: string; component_1: string; component_2: string; name_id?: { id_0: string; id_1: string } | null } | null;
  str_name?: { str_component_0: string; str_component_1: string; str_component_2: string } | null;
}

export interface Link {
  readonly linkId: string;
  /** The node at the other end. */
  readonly peer: string;
  /** How the peer sees the link. */
  readonly peerDirection: 'outgoing' | 'incoming';
}

export interface RouteSetter {
  isConnected(nodeId: string): boolean;
  applyRoute(nodeId: string, route: WireRoute, remove?: boolean): Promise<void>;
}

function keyOf(n: ReportedName): string | undefined {
  const s = n.str_name;
  const e = n.name;
  if (s === undefined || s === null || e === undefined || e === null) return undefined;
  if (s.str_component_0 === '' || s.str_component_1 === '' || s.str_component_2 === '') return undefined;
  return `${e.component_0}/${e.component_1}/${e.component_2}/${e.name_id?.id_0 ?? ''}/${e.name_id?.id_1 ?? ''}`;
}

export class LearnedRoutes {
  /** node → local names (by key). */
  private readonly local = new Map<string, Map<string, ReportedName>>();

  constructor(
    private readonly store: ControllerStore,
    private readonly routes: RouteSetter,
    private readonly log: Logger,
  ) {}

  /** Every link that ends at `nodeId`, with the node at the other end. */
  linksOf(nodeId: string): Link[] {
    const self = this.store.node(nodeId);
    if (self === undefined) return [];
    const links: Link[] = [];
    const nodes = this.store.nodes();
    for (const c of this.store.connections(nodeId)) {
      const peer = nodes.find((n) => n.nodeId !== nodeId && endpointReaches(c.endpoint, n.endpoints));
      if (peer !== undefined) links.push({ linkId: c.linkId, peer: peer.nodeId, peerDirection: 'incoming' });
    }
    for (const n of nodes) {
      if (n.nodeId === nodeId) continue;
      for (const c of this.store.connections(n.nodeId)) {
        if (endpointReaches(c.endpoint, self.endpoints)) links.push({ linkId: c.linkId, peer: n.nodeId, peerDirection: 'outgoing' });
      }
    }
    return links;
  }

  /** A node (re)registered: what it had is gone; it replays its local subscriptions. */
  forget(nodeId: string): void {
    this.local.delete(nodeId);
  }

  /** A node reported local subscriptions (set) or their end (delete). */
  onNotification(nodeId: string, set: readonly ReportedName[], removed: readonly ReportedName[]): void {
    let names = this.local.get(nodeId);
    if (names === undefined) {
      names = new Map();
      this.local.set(nodeId, names);
    }
    // The node's links cannot change while one notification is handled: looked up once, if needed.
    let links: Link[] | undefined;
    const spread = (n: ReportedName, remove: boolean): void => {
      links ??= this.linksOf(nodeId);
      for (const link of links) this.push(link.peer, n, link.linkId, link.peerDirection, remove);
    };
    for (const n of set) {
      const key = keyOf(n);
      if (key === undefined || names.has(key)) continue;
      names.set(key, n);
      spread(n, false);
    }
    for (const n of removed) {
      const key = keyOf(n);
      // Only names this node reported as its own: deletions of routes over links are echoes.
      if (key === undefined || !names.delete(key)) continue;
      spread(n, true);
    }
  }

  /** After a link (re)opened: each end learns the other end's local names over it. */
  onLinkOpened(ownerId: string, linkId: string): void {
    const link = this.linksOf(ownerId).find((l) => l.linkId === linkId);
    if (link === undefined) return;
    for (const n of this.local.get(ownerId)?.values() ?? []) this.push(link.peer, n, linkId, link.peerDirection, false);
    for (const n of this.local.get(link.peer)?.values() ?? []) this.push(ownerId, n, linkId, link.peerDirection === 'incoming' ? 'outgoing' : 'incoming', false);
  }

  /** Names local to `nodeId`'s peers, pushed onto `nodeId` (after it registered again). */
  pushPeersTo(nodeId: string): void {
    for (const link of this.linksOf(nodeId)) {
      const selfDirection = link.peerDirection === 'incoming' ? 'outgoing' : 'incoming';
      for (const n of this.local.get(link.peer)?.values() ?? []) this.push(nodeId, n, link.linkId, selfDirection, false);
    }
  }

  private push(nodeId: string, n: ReportedName, linkId: string, direction: 'outgoing' | 'incoming', remove: boolean): void {
    if (!this.routes.isConnected(nodeId)) return;
    const s = n.str_name;
    if (remove && s !== undefined && s !== null) {
      // An operator's explicit route for the same name over the same link stays.
      const explicit = this.store
        .subscriptions(nodeId)
        .some((x) => x.linkId === linkId && x.component0 === s.str_component_0 && x.component1 === s.str_component_1 && x.component2 === s.str_component_2);
      if (explicit) return;
    }
    const route: WireRoute = {
      name: n as object,
      link_id: linkId,
      direction: direction === 'outgoing' ? 'CONNECTION_DIRECTION_OUTGOING' : 'CONNECTION_DIRECTION_INCOMING',
    };
    this.routes.applyRoute(nodeId, route, remove).catch((error: unknown) =>
      this.log.warn('learned route not applied', { node: nodeId, link: linkId, remove, reason: error instanceof Error ? error.message : String(error) }),
    );
  }
}
