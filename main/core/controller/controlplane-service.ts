/**
 * The northbound ControlPlaneService of seed 000: channels and participants (carried out by the
 * ChannelModerator, then recorded), and node wiring (connections and subscriptions, recorded as desired
 * state and applied to connected nodes through NodeControl). Every request is validated first; every
 * refusal is a KizunaError that grpc-status.ts turns into a gRPC status.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import { formatSlimName, parseSlimName, type SlimName } from '../../../shared/domain/slim-name.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { KeyedMutex } from '../kernel/keyed-mutex.js';
import type { Logger } from '../log/logger.js';
import type { ChannelModerator } from './channel-moderator.js';
import { endpointReaches, hostPort, parseConnectionConfig } from './connection-config.js';
import type { ConnectionRow, ControllerStore, RouteDirection, SubscriptionRow } from './controller-store.js';
import { toGrpcError } from './grpc-status.js';
import type { NodeControl } from './node-control.js';

export interface ControlPlaneDeps {
  readonly store: ControllerStore;
  readonly nodes: NodeControl;
  readonly moderator: ChannelModerator;
  readonly log: Logger;
  readonly now: () => number;
}

type Req = Record<string, unknown>;

function text(req: Req, field: string): string {
  const v = req[field];
  return typeof v === 'string' ? v.trim() : '';
}

function slimName(value: string, what: string): SlimName {
  if (value.length === 0) throw new KizunaError('INVALID_INPUT', `The ${what} is missing.`, { field: what });
  try {
    return parseSlimName(value);
  } catch (error) {
    throw new KizunaError('INVALID_SLIM_NAME', `The ${what} "${value}" is not a SLIM name (organisation/namespace/agent).`, { field: what, value }, { cause: error });
  }
}

function required(value: string, what: string): string {
  if (value.length === 0) throw new KizunaError('INVALID_INPUT', `The ${what} is missing.`, { field: what });
  return value;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randomId(length: number): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('');
}

/** One handler per RPC; each validates, acts, records, answers. */
export function controlPlaneImplementation(deps: ControlPlaneDeps): UntypedServiceImplementation {
  const { store, nodes, moderator, log } = deps;
  // Changes to one channel, or to one node's wiring, happen one at a time (check, act, record).
  const locks = new KeyedMutex();
  const channelLock = <T>(channelId: string, fn: () => Promise<T>): Promise<T> => locks.run(`channel:${channelId}`, fn);
  const nodeLock = <T>(nodeId: string, fn: () => Promise<T>): Promise<T> => locks.run(`node:${nodeId}`, fn);

  const unary =
    <T extends object>(name: string, fn: (req: Req) => Promise<T> | T) =>
    (call: ServerUnaryCall<Req, T>, callback: sendUnaryData<T>): void => {
      Promise.resolve()
        .then(() => fn(call.request))
        .then(
          (response) => callback(null, response),
          (error: unknown) => {
            const grpcError = toGrpcError(error);
            log.info('request refused', { rpc: name, code: grpcError.metadata?.get('kizuna-error-code')[0], reason: grpcError.details });
            callback(grpcError, null);
          },
        );
    };

  const requireChannel = (channelId: string) => {
    const channel = store.channel(channelId);
    if (channel === undefined) throw new KizunaError('CHANNEL_NOT_FOUND', `No channel ${channelId} exists.`, { channel: channelId });
    return channel;
  };

  const requireNode = (nodeId: string) => {
    const node = store.node(required(nodeId, 'node_id'));
    if (node === undefined) throw new KizunaError('NODE_NOT_FOUND', `No SLIM node ${nodeId} has registered with this controller.`, { node: nodeId });
    return node;
  };

  /** The link a subscription on `nodeId` uses: one the node opened, or one opened towards it. */
  const linkFor = (nodeId: string, endpoints: readonly string[], connectionId: string): { connection: ConnectionRow; direction: RouteDirection } => {
    const own = store.connection(nodeId, connectionId);
    if (own !== undefined) return { connection: own, direction: 'outgoing' };
    const incoming = store.connectionsById(connectionId).find((c) => endpointReaches(c.endpoint, endpoints));
    if (incoming !== undefined) return { connection: incoming, direction: 'incoming' };
    throw new KizunaError('CONNECTION_NOT_FOUND', `No connection ${connectionId} starts at or leads to node ${nodeId}.`, { node: nodeId, connection: connectionId });
  };

  return {
    CreateChannel: unary('CreateChannel', async (req) => {
      const raw = Array.isArray(req['moderators']) ? (req['moderators'] as unknown[]) : [];
      if (raw.length === 0) throw new KizunaError('INVALID_INPUT', 'A channel needs at least one moderator.', { field: 'moderators' });
      const moderators = raw.map((m) => formatSlimName(slimName(typeof m === 'string' ? m.trim() : '', 'moderator')));
      const first = parseSlimName(moderators[0] ?? '');
      const requested = text(req, 'channel_id');
      const channelId =
        requested.length > 0 ? formatSlimName(slimName(requested, 'channel_id')) : `${first.org}/${first.namespace}/${first.agent}-${randomId(18)}`;
      return channelLock(channelId, async () => {
        if (store.channel(channelId) !== undefined) throw new KizunaError('CHANNEL_EXISTS', `The channel ${channelId} already exists.`, { channel: channelId });
        await moderator.createChannel({ channelId, moderators });
        store.insertChannel({ channelId, moderators, createdAt: deps.now() });
        log.info('channel created', { channel: channelId });
        return { channel_id: channelId };
      });
    }),

    DeleteChannel: unary('DeleteChannel', async (req) => {
      const channelId = required(text(req, 'channel_id'), 'channel_id');
      return channelLock(channelId, async () => {
        requireChannel(channelId);
        await moderator.deleteChannel(channelId);
        store.deleteChannel(channelId);
        return { original_message_id: randomUUID(), success: true, messages: [] };
      });
    }),

    AddParticipant: unary('AddParticipant', async (req) => {
      const channelId = required(text(req, 'channel_id'), 'channel_id');
      const participantId = formatSlimName(slimName(text(req, 'participant_id'), 'participant_id'));
      return channelLock(channelId, async () => {
        requireChannel(channelId);
        if (store.participant(channelId, participantId) !== undefined) {
          throw new KizunaError('PARTICIPANT_EXISTS', `${participantId} is already in the channel ${channelId}.`, { channel: channelId, participant: participantId });
        }
        const operationId = randomUUID();
        const notes = await moderator.addParticipant(channelId, participantId);
        store.insertParticipant({ channelId, participantId, operationId, addedAt: deps.now() });
        log.info('participant added', { channel: channelId, participant: participantId, operation: operationId });
        return { original_message_id: operationId, success: true, messages: notes === undefined ? [] : [...notes] };
      });
    }),

    DeleteParticipant: unary('DeleteParticipant', async (req) => {
      const channelId = required(text(req, 'channel_id'), 'channel_id');
      const participantId = formatSlimName(slimName(text(req, 'participant_id'), 'participant_id'));
      return channelLock(channelId, async () => {
        requireChannel(channelId);
        if (store.participant(channelId, participantId) === undefined) {
          throw new KizunaError('PARTICIPANT_NOT_FOUND', `${participantId} is not in the channel ${channelId}.`, { channel: channelId, participant: participantId });
        }
        await moderator.removeParticipant(channelId, participantId);
        store.deleteParticipant(channelId, participantId);
        return { original_message_id: randomUUID(), success: true, messages: [] };
      });
    }),

    ListChannels: unary('ListChannels', () => ({ channel_id: store.channels().map((c) => c.channelId) })),

    ListParticipants: unary('ListParticipants', (req) => {
      const channelId = required(text(req, 'channel_id'), 'channel_id');
      requireChannel(channelId);
      return { participant_id: store.participants(channelId).map((p) => p.participantId) };
    }),

    ListNodes: unary('ListNodes', () => ({
      entries: store.nodes().map((n) => {
        const first = n.endpoints[0] === undefined ? undefined : hostPort(n.endpoints[0]);
        return { id: n.nodeId, host: first?.host ?? '', port: first?.port ?? 0, status: nodes.isConnected(n.nodeId) ? 'CONNECTED' : 'NOT_CONNECTED' };
      }),
    })),

    CreateConnection: unary('CreateConnection', async (req) => {
      const node = requireNode(text(req, 'node_id'));
      const connection = req['connection'] as Req | null | undefined;
      if (connection === null || connection === undefined) throw new KizunaError('INVALID_INPUT', 'The connection is missing.', { field: 'connection' });
      const configData = typeof connection['config_data'] === 'string' ? connection['config_data'] : '';
      const parsed = parseConnectionConfig(configData);
      const connectionId = text(connection, 'connection_id') || randomUUID();
      return nodeLock(node.nodeId, async () => {
        if (store.connection(node.nodeId, connectionId) !== undefined) {
          throw new KizunaError('CONNECTION_EXISTS', `Node ${node.nodeId} already has a connection ${connectionId}.`, { node: node.nodeId, connection: connectionId });
        }
        const row: ConnectionRow = { nodeId: node.nodeId, connectionId, linkId: randomUUID(), endpoint: parsed.endpoint, configData, createdAt: deps.now() };
        // A connected node opens the link now (and a refusal records nothing); an absent one gets it when it registers.
        if (nodes.isConnected(node.nodeId)) await nodes.openLink(row);
        store.insertConnection(row);
        if (nodes.isConnected(node.nodeId)) nodes.linkReady(row);
        log.info('connection created', { node: node.nodeId, connection: connectionId, endpoint: parsed.endpoint, applied: nodes.isConnected(node.nodeId) });
        return { success: true, connection_id: connectionId };
      });
    }),

    CreateSubscription: unary('CreateSubscription', async (req) => {
      const node = requireNode(text(req, 'node_id'));
      const sub = req['subscription'] as Req | null | undefined;
      if (sub === null || sub === undefined) throw new KizunaError('INVALID_INPUT', 'The subscription is missing.', { field: 'subscription' });
      const name = slimName([text(sub, 'component_0'), text(sub, 'component_1'), text(sub, 'component_2')].join('/'), 'subscription name');
      const idValue = (sub['id'] as { value?: unknown } | null | undefined)?.value;
      const instanceId = idValue === undefined || idValue === null ? null : String(idValue);
      const connectionId = required(text(sub, 'connection_id'), 'connection_id');
      return nodeLock(node.nodeId, async () => {
        const { connection, direction } = linkFor(node.nodeId, node.endpoints, connectionId);
        if (store.findSubscription(node.nodeId, name.org, name.namespace, name.agent, instanceId, connection.linkId) !== undefined) {
          throw new KizunaError('SUBSCRIPTION_EXISTS', `Node ${node.nodeId} already routes ${formatSlimName(name)} over ${connectionId}.`, { node: node.nodeId });
        }
        const row: SubscriptionRow = {
          subscriptionId: randomUUID(),
          nodeId: node.nodeId,
          component0: name.org,
          component1: name.namespace,
          component2: name.agent,
          instanceId,
          connectionId,
          linkId: connection.linkId,
          direction,
          createdAt: deps.now(),
        };
        if (nodes.isConnected(node.nodeId)) await nodes.setRoute(row);
        store.insertSubscription(row);
        log.info('subscription created', { node: node.nodeId, name: formatSlimName(name), connection: connectionId, direction });
        return { success: true, subscription_id: row.subscriptionId };
      });
    }),

    DeleteSubscription: unary('DeleteSubscription', async (req) => {
      const node = requireNode(text(req, 'node_id'));
      const subscriptionId = required(text(req, 'subscription_id'), 'subscription_id');
      return nodeLock(node.nodeId, async () => {
        const row = store.subscription(subscriptionId);
        if (row === undefined || row.nodeId !== node.nodeId) {
          throw new KizunaError('SUBSCRIPTION_NOT_FOUND', `Node ${node.nodeId} has no subscription ${subscriptionId}.`, { node: node.nodeId, subscription: subscriptionId });
        }
        if (nodes.isConnected(node.nodeId)) await nodes.setRoute(row, true);
        store.deleteSubscription(subscriptionId);
        return { success: true };
      });
    }),
  };
}
