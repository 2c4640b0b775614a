/**
 * The southbound side: SLIM nodes dial the controller (their `controller.clients` configuration) and
 * open one ControllerService/OpenControlChannel stream each. The first message is a RegisterNodeRequest;
 * after our RegisterNodeResponse the node applies ConfigurationCommands (open links, set and delete
 * routes) and answers each with a ConfigurationCommandAck. This is SLIM's own node-control protocol, as
 * the node inside @agntcy/slim-bindings speaks it (node-control.ts never reaches into a node otherwise).
 *
 * The controller's tables are the desired state: whenever a node registers (first start, restart,
 * reconnect) it gets all of its links and routes again, and routes other nodes set over links this node
 * opened are set again too (they died with the old link).
 */
import { randomUUID } from 'node:crypto';
import { Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import { createSlimName } from '../../../shared/domain/slim-name.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { TypedEmitter } from '../events/typed-emitter.js';
import type { Logger } from '../log/logger.js';
import { encodeSlimName, loadNameHasher } from '../transport/slim-name-encoding.js';
import { nodeClientConfig, parseConnectionConfig } from './connection-config.js';
import type { ConnectionRow, ControllerStore, SubscriptionRow } from './controller-store.js';
import { LearnedRoutes, type ReportedName, type WireRoute } from './learned-routes.js';
import type { NodeIdentities } from './node-identities.js';

/** The southbound messages as grpc-js hands them to us (field names as in the .proto). */
export interface ControlMessage {
  message_id: string;
  payload?: string;
  register_node_request?: { node_id: string; connection_details: { endpoint: string }[] } | null;
  config_command_ack?: ConfigurationCommandAck | null;
  ack?: { original_message_id: string; success: boolean; messages: string[] } | null;
  deregister_node_request?: { node?: { id: string } | null } | null;
  [other: string]: unknown;
}

export interface ConfigurationCommandAck {
  original_message_id: string;
  connections_status: { link_id: string; success: boolean; errorMsg: string }[];
  routes_status: { success: boolean; error_msg: string; route?: { link_id?: string } | null }[];
}

export interface ConfigurationCommand {
  connections_to_create?: { link_id: string; config_data: string }[];
  routes_to_set?: WireRoute[];
  routes_to_delete?: WireRoute[];
  connections_to_delete?: string[];
}

export type NodeControlEvents = {
  registered: { nodeId: string; endpoints: string[] };
  disconnected: { nodeId: string };
  /** A registration resync finished (links and routes re-applied, failures logged). */
  synced: { nodeId: string };
  /** A registration was refused (node id owned by another identity). */
  refused: { nodeId: string; identity: string | undefined; reason: string };
};

interface Session {
  readonly call: ServerDuplexStream<ControlMessage, ControlMessage>;
  nodeId: string | undefined;
  /** The authenticated node principal behind this stream (undefined when the controller runs without auth). */
  readonly identity: string | undefined;
  readonly pending: Map<string, { resolve: (ack: ConfigurationCommandAck) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>;
}

export interface NodeControlOptions {
  readonly store: ControllerStore;
  readonly log: Logger;
  readonly now: () => number;
  /** How long a node has to acknowledge a command (default 15000 ms). */
  readonly commandTimeoutMs?: number;
  /** Spread nodes' local subscriptions over their links, as SLIM's control plane does (default true). */
  readonly learnRoutes?: boolean;
  /** With authentication: who owns which node id (a registration under another identity's id is refused). */
  readonly identities?: NodeIdentities;
}

const RETRY_DELAYS_MS = [100, 250, 500, 1000, 1500, 2000, 3000];

export class NodeControl {
  readonly events = new TypedEmitter<NodeControlEvents>();
  private readonly sessions = new Map<string, Session>();
  private readonly commandTimeoutMs: number;
  private readonly learned: LearnedRoutes | undefined;
  private closed = false;

  constructor(private readonly options: NodeControlOptions) {
    this.commandTimeoutMs = options.commandTimeoutMs ?? 15_000;
    this.learned = options.learnRoutes === false ? undefined : new LearnedRoutes(options.store, this, options.log.child('learned'));
  }

  isConnected(nodeId: string): boolean {
    return this.sessions.has(nodeId);
  }

  connectedNodes(): string[] {
    return [...this.sessions.keys()];
  }

  /** grpc-js handler for ControllerService/OpenControlChannel. */
  handleStream(call: ServerDuplexStream<ControlMessage, ControlMessage>, identity?: string): void {
    // SLIM's client waits for response headers before it sends anything: send them at once.
    call.sendMetadata(new Metadata());
    const session: Session = { call, nodeId: undefined, identity, pending: new Map() };
    call.on('data', (message: ControlMessage) => this.onMessage(session, message));
    const end = (): void => this.onEnd(session);
    call.on('end', () => {
      end();
      call.end();
    });
    call.on('error', end);
    call.on('close', end);
    call.on('cancelled', end);
  }

  private onEnd(session: Session): void {
    for (const [, p] of session.pending) {
      clearTimeout(p.timer);
      p.reject(new KizunaError('NODE_UNREACHABLE', 'The SLIM node closed its control stream.', { node: session.nodeId }));
    }
    session.pending.clear();
    const nodeId = session.nodeId;
    if (nodeId !== undefined && this.sessions.get(nodeId) === session) {
      this.sessions.delete(nodeId);
      this.options.log.info('node disconnected', { node: nodeId });
      this.events.emit('disconnected', { nodeId });
    }
    session.nodeId = undefined;
  }

  private send(session: Session, message: { message_id: string } & Record<string, unknown>): void {
    try {
      session.call.write(message as ControlMessage);
    } catch (error) {
      this.options.log.warn('write to node failed', { node: session.nodeId, reason: error instanceof Error ? error.message : String(error) });
    }
  }

  private onMessage(session: Session, message: ControlMessage): void {
    if (this.closed) return;
    const reg = message.register_node_request;
    if (reg !== undefined && reg !== null && message.payload === 'register_node_request') {
      this.onRegister(session, message.message_id, reg);
      return;
    }
    const ack = message.config_command_ack;
    if (ack !== undefined && ack !== null && message.payload === 'config_command_ack') {
      const pending = session.pending.get(ack.original_message_id);
      if (pending !== undefined) {
        session.pending.delete(ack.original_message_id);
        clearTimeout(pending.timer);
        pending.resolve(ack);
      }
      return;
    }
    if (message.payload === 'config_command' && session.nodeId !== undefined) {
      // The node reports its local applications' subscriptions (routes without a link).
      const cmd = message['config_command'] as { routes_to_set?: { name?: ReportedName | null; link_id?: string | null }[]; routes_to_delete?: { name?: ReportedName | null; link_id?: string | null }[] } | null;
      const local = (routes: { name?: ReportedName | null; link_id?: string | null }[] | undefined): ReportedName[] =>
        (routes ?? []).filter((r) => (r.link_id ?? '') === '' && r.name !== undefined && r.name !== null).map((r) => r.name as ReportedName);
      this.learned?.onNotification(session.nodeId, local(cmd?.routes_to_set), local(cmd?.routes_to_delete));
      return;
    }
    if (message.payload === 'deregister_node_request') {
      this.send(session, { message_id: randomUUID(), deregister_node_response: { original_message_id: message.message_id, success: true } });
      this.onEnd(session);
      return;
    }
    // Route notifications for the node's local subscriptions, list responses, plain acks: not used here.
    this.options.log.debug('control message ignored', { node: session.nodeId, payload: message.payload });
  }

  private onRegister(session: Session, messageId: string, reg: NonNullable<ControlMessage['register_node_request']>): void {
    const nodeId = reg.node_id.trim();
    if (nodeId.length === 0) {
      this.send(session, { message_id: randomUUID(), register_node_response: { original_message_id: messageId, success: false } });
      session.call.end();
      return;
    }
    if (this.options.identities !== undefined) {
      try {
        if (session.identity === undefined) throw new KizunaError('CONTROLLER_UNAUTHENTICATED', 'The node stream carries no identity.');
        this.options.identities.claim(nodeId, session.identity, this.options.now());
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        this.options.log.warn('node registration refused', { node: nodeId, identity: session.identity, reason });
        this.events.emit('refused', { nodeId, identity: session.identity, reason });
        this.send(session, { message_id: randomUUID(), register_node_response: { original_message_id: messageId, success: false } });
        session.call.end();
        return;
      }
    }
    if (session.nodeId !== undefined && session.nodeId !== nodeId) {
      // One stream, one node: a stream may not re-register under a second id.
      this.send(session, { message_id: randomUUID(), register_node_response: { original_message_id: messageId, success: false } });
      return;
    }
    const endpoints = reg.connection_details.map((d) => d.endpoint).filter((e) => e.length > 0);
    const now = this.options.now();
    const known = this.options.store.node(nodeId);
    this.options.store.upsertNode({ nodeId, endpoints, registeredAt: known?.registeredAt ?? now, lastSeenAt: now });
    const previous = this.sessions.get(nodeId);
    if (previous !== undefined && previous !== session) {
      // The node reconnected before we noticed the old stream die.
      this.sessions.delete(nodeId);
      previous.call.end();
    }
    session.nodeId = nodeId;
    this.sessions.set(nodeId, session);
    this.learned?.forget(nodeId);
    this.send(session, { message_id: randomUUID(), register_node_response: { original_message_id: messageId, success: true } });
    this.options.log.info('node registered', { node: nodeId, endpoints });
    this.events.emit('registered', { nodeId, endpoints });
    void this.resync(nodeId).finally(() => {
      this.learned?.pushPeersTo(nodeId);
      this.events.emit('synced', { nodeId });
    });
  }

  /** Sends one command and waits for its ConfigurationCommandAck. NODE_UNREACHABLE when not connected. */
  apply(nodeId: string, command: ConfigurationCommand): Promise<ConfigurationCommandAck> {
    const session = this.sessions.get(nodeId);
    if (session === undefined) return Promise.reject(new KizunaError('NODE_UNREACHABLE', `The SLIM node ${nodeId} is not connected to the controller.`, { node: nodeId }));
    const messageId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        session.pending.delete(messageId);
        reject(new KizunaError('TIMEOUT', `The SLIM node ${nodeId} did not acknowledge the configuration in time.`, { node: nodeId }));
      }, this.commandTimeoutMs);
      session.pending.set(messageId, { resolve, reject, timer });
      this.send(session, {
        message_id: messageId,
        config_command: {
          connections_to_create: command.connections_to_create ?? [],
          routes_to_set: command.routes_to_set ?? [],
          routes_to_delete: command.routes_to_delete ?? [],
          connections_to_delete: command.connections_to_delete ?? [],
          reconcile: false,
        },
      });
    });
  }

  /** Opens one link on a connected node; throws NODE_COMMAND_FAILED with the node's reason. */
  async openLink(row: ConnectionRow): Promise<void> {
    const ack = await this.apply(row.nodeId, { connections_to_create: [{ link_id: row.linkId, config_data: nodeClientConfig(parseConnectionConfig(row.configData), row.linkId) }] });
    const status = ack.connections_status.find((s) => s.link_id === row.linkId) ?? ack.connections_status[0];
    if (status === undefined || !status.success) {
      throw new KizunaError('NODE_COMMAND_FAILED', `The node ${row.nodeId} could not open the connection: ${status?.errorMsg || 'no status'}.`, { node: row.nodeId, reason: status?.errorMsg });
    }
  }

  /** A link is open and recorded: both ends learn each other's local names over it. */
  linkReady(row: ConnectionRow): void {
    this.learned?.onLinkOpened(row.nodeId, row.linkId);
  }

  /**
   * Sets (or deletes) one route on a connected node. Routes over an incoming link may come before the
   * link finished its negotiation on this side: those are retried for a few seconds.
   */
  async setRoute(row: SubscriptionRow, remove = false): Promise<void> {
    await this.applyRoute(row.nodeId, await wireRoute(row), remove);
  }

  /** Sets or deletes one route given in wire form; see setRoute. */
  async applyRoute(nodeId: string, route: WireRoute, remove = false): Promise<void> {
    let lastError = '';
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      const ack = await this.apply(nodeId, remove ? { routes_to_delete: [route] } : { routes_to_set: [route] });
      const status = ack.routes_status[0];
      if (status?.success === true) return;
      lastError = status?.error_msg ?? 'no status';
      this.options.log.debug('route not applied', { node: nodeId, link: route.link_id, attempt, reason: lastError });
      const retriable = /not found/i.test(lastError) && !remove;
      const delay = RETRY_DELAYS_MS[attempt];
      if (!retriable || delay === undefined || this.closed || !this.isConnected(nodeId)) break;
      await new Promise((r) => setTimeout(r, delay));
    }
    throw new KizunaError('NODE_COMMAND_FAILED', `The node ${nodeId} could not ${remove ? 'delete' : 'set'} the route: ${lastError}.`, {
      node: nodeId,
      reason: lastError,
    });
  }

  /** Re-applies everything the tables say about `nodeId` (and the routes others set over its links). */
  async resync(nodeId: string): Promise<void> {
    const { store, log } = this.options;
    const failed = (what: string, error: unknown): void =>
      log.warn('resync step failed', { node: nodeId, what, reason: error instanceof Error ? error.message : String(error) });
    for (const connection of store.connections(nodeId)) {
      try {
        await this.openLink(connection);
        this.linkReady(connection);
      } catch (error) {
        failed(`connection ${connection.connectionId}`, error);
        continue;
      }
      // Routes the far end set over this link died with the old link: set them again.
      for (const sub of store.subscriptionsOverLink(connection.linkId)) {
        if (sub.nodeId === nodeId || !this.isConnected(sub.nodeId)) continue;
        await this.setRoute(sub).catch((error: unknown) => failed(`route ${sub.subscriptionId} on ${sub.nodeId}`, error));
      }
    }
    await Promise.all(store.subscriptions(nodeId).map((sub) => this.setRoute(sub).catch((error: unknown) => failed(`route ${sub.subscriptionId}`, error))));
  }

  close(): void {
    this.closed = true;
    for (const session of this.sessions.values()) {
      this.onEnd(session);
      session.call.end();
    }
    this.sessions.clear();
  }
}

/** A stored subscription as the node's Route: the SLIM name (hashed and as text) and the link. */
export async function wireRoute(row: SubscriptionRow): Promise<WireRoute> {
  const hasher = await loadNameHasher();
  const name = createSlimName(row.component0, row.component1, row.component2, row.instanceId === null ? undefined : BigInt(row.instanceId));
  return {
    name: encodeSlimName(hasher, name),
    link_id: row.linkId,
    direction: row.direction === 'outgoing' ? 'CONNECTION_DIRECTION_OUTGOING' : 'CONNECTION_DIRECTION_INCOMING',
  };
}
