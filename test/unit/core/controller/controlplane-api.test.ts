/**
 * The controller's northbound API through grpc-js clients: every call, every refusal with its gRPC
 * status, node wiring applied through the southbound stream, and state that survives a restart.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { startController, type ControllerHandle } from '../../../../main/core/controller/controller-server.js';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { tempDir } from '../../../helpers/test-engines.js';
import { controlPlaneClient, failure, type ControlPlaneTestClient } from './controller-test-client.js';
import { FakeSlimNode } from './fake-slim-node.js';
import { recordingModerator, type RecordingModerator } from './recording-moderator.js';

let dir: ReturnType<typeof tempDir>;
let controller: ControllerHandle;
let client: ControlPlaneTestClient;
let moderator: RecordingModerator;
const fakes: FakeSlimNode[] = [];

async function start(options: { moderator?: RecordingModerator | null; commandTimeoutMs?: number; port?: number } = {}): Promise<void> {
  moderator = options.moderator ?? recordingModerator();
  controller = await startController({
    dataDir: dir.path,
    host: '127.0.0.1',
    port: options.port ?? 0,
    ...(options.moderator === null ? {} : { moderator }),
    ...(options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs }),
  });
  client = controlPlaneClient(controller.address);
}

async function stop(): Promise<void> {
  for (const f of fakes.splice(0)) f.disconnect();
  client.close();
  await controller.close();
}

async function node(nodeId: string, endpoint: string, options: ConstructorParameters<typeof FakeSlimNode>[2] = {}): Promise<FakeSlimNode> {
  const fake = new FakeSlimNode(nodeId, endpoint, options);
  fakes.push(fake);
  await fake.connect(controller.address);
  return fake;
}

beforeEach(async () => {
  dir = tempDir('kizuna-controller-unit-');
  await start();
});

afterEach(async () => {
  await stop();
  dir.cleanup();
});

describe('channels and participants', () => {
  it('creates a channel named after its first moderator, as SLIM does, or with the id asked for', async () => {
    const created = await client.call<{ channel_id: string }>('CreateChannel', { moderators: ['agntcy/namespace/moderator'] });
    expect(created.channel_id).toMatch(/^agntcy\/namespace\/moderator-[A-Za-z0-9]{18}$/);
    const named = await client.call<{ channel_id: string }>('CreateChannel', { moderators: ['agntcy/namespace/moderator'], channel_id: 'agntcy/namespace/group_channel' });
    expect(named.channel_id).toBe('agntcy/namespace/group_channel');
    expect(moderator.calls).toEqual([`create ${created.channel_id} by agntcy/namespace/moderator`, 'create agntcy/namespace/group_channel by agntcy/namespace/moderator']);
    expect((await client.call<{ channel_id: string[] }>('ListChannels', {})).channel_id).toEqual([created.channel_id, 'agntcy/namespace/group_channel']);
  });

  it('adds, lists and deletes participants, acknowledging each operation', async () => {
    const channel = 'agntcy/namespace/group_channel';
    await client.call('CreateChannel', { moderators: ['agntcy/namespace/moderator'], channel_id: channel });
    const ack = await client.call<{ original_message_id: string; success: boolean }>('AddParticipant', { participant_id: 'agntcy/namespace/participant_1', channel_id: channel });
    expect(ack.success).toBe(true);
    expect(ack.original_message_id).toMatch(/^[0-9a-f-]{36}$/);
    await client.call('AddParticipant', { participant_id: 'agntcy/namespace/participant_2', channel_id: channel });
    expect((await client.call<{ participant_id: string[] }>('ListParticipants', { channel_id: channel })).participant_id).toEqual([
      'agntcy/namespace/participant_1',
      'agntcy/namespace/participant_2',
    ]);
    expect((await client.call<{ success: boolean }>('DeleteParticipant', { participant_id: 'agntcy/namespace/participant_1', channel_id: channel })).success).toBe(true);
    expect((await client.call<{ participant_id: string[] }>('ListParticipants', { channel_id: channel })).participant_id).toEqual(['agntcy/namespace/participant_2']);
    expect((await client.call<{ success: boolean }>('DeleteChannel', { channel_id: channel })).success).toBe(true);
    expect((await client.call<{ channel_id: string[] }>('ListChannels', {})).channel_id).toEqual([]);
    expect(moderator.calls.slice(1)).toEqual([
      `add agntcy/namespace/participant_1 to ${channel}`,
      `add agntcy/namespace/participant_2 to ${channel}`,
      `remove agntcy/namespace/participant_1 from ${channel}`,
      `delete ${channel}`,
    ]);
  });

  it('refuses each bad channel request with its status', async () => {
    const channel = 'agntcy/namespace/group_channel';
    await client.call('CreateChannel', { moderators: ['agntcy/namespace/moderator'], channel_id: channel });
    await client.call('AddParticipant', { participant_id: 'agntcy/namespace/p1', channel_id: channel });
    const cases: [string, object, number, string][] = [
      ['CreateChannel', { moderators: [] }, status.INVALID_ARGUMENT, 'INVALID_INPUT'],
      ['CreateChannel', { moderators: ['not a name'] }, status.INVALID_ARGUMENT, 'INVALID_SLIM_NAME'],
      ['CreateChannel', { moderators: ['a/b/c'], channel_id: 'bad' }, status.INVALID_ARGUMENT, 'INVALID_SLIM_NAME'],
      ['CreateChannel', { moderators: ['a/b/c'], channel_id: channel }, status.ALREADY_EXISTS, 'CHANNEL_EXISTS'],
      ['AddParticipant', { participant_id: 'agntcy/namespace/p2', channel_id: 'agntcy/namespace/nowhere' }, status.NOT_FOUND, 'CHANNEL_NOT_FOUND'],
      ['AddParticipant', { participant_id: 'agntcy/namespace/p1', channel_id: channel }, status.ALREADY_EXISTS, 'PARTICIPANT_EXISTS'],
      ['AddParticipant', { participant_id: 'p2', channel_id: channel }, status.INVALID_ARGUMENT, 'INVALID_SLIM_NAME'],
      ['AddParticipant', { participant_id: 'agntcy/namespace/p2' }, status.INVALID_ARGUMENT, 'INVALID_INPUT'],
      ['DeleteParticipant', { participant_id: 'agntcy/namespace/p9', channel_id: channel }, status.NOT_FOUND, 'PARTICIPANT_NOT_FOUND'],
      ['DeleteParticipant', { participant_id: 'agntcy/namespace/p1', channel_id: 'x/y/z' }, status.NOT_FOUND, 'CHANNEL_NOT_FOUND'],
      ['DeleteChannel', { channel_id: 'x/y/z' }, status.NOT_FOUND, 'CHANNEL_NOT_FOUND'],
      ['DeleteChannel', {}, status.INVALID_ARGUMENT, 'INVALID_INPUT'],
      ['ListParticipants', { channel_id: 'x/y/z' }, status.NOT_FOUND, 'CHANNEL_NOT_FOUND'],
    ];
    for (const [method, request, code, kizunaCode] of cases) {
      const f = await failure(client.call(method, request));
      expect({ method, request, code: f.code, kizunaCode: f.kizunaCode }).toEqual({ method, request, code, kizunaCode });
      expect(f.details.length).toBeGreaterThan(10);
    }
  });

  it('records nothing when the moderator refuses', async () => {
    moderator.failNext(new KizunaError('NODE_UNREACHABLE', 'The participant could not be reached.'));
    const f = await failure(client.call('CreateChannel', { moderators: ['a/b/mod'], channel_id: 'a/b/chan' }));
    expect(f).toMatchObject({ code: status.UNAVAILABLE, kizunaCode: 'NODE_UNREACHABLE' });
    expect((await client.call<{ channel_id: string[] }>('ListChannels', {})).channel_id).toEqual([]);
    await client.call('CreateChannel', { moderators: ['a/b/mod'], channel_id: 'a/b/chan' });
    moderator.failNext(new KizunaError('TIMEOUT'));
    expect(await failure(client.call('AddParticipant', { participant_id: 'a/b/p', channel_id: 'a/b/chan' }))).toMatchObject({ code: status.DEADLINE_EXCEEDED });
    expect((await client.call<{ participant_id: string[] }>('ListParticipants', { channel_id: 'a/b/chan' })).participant_id).toEqual([]);
  });

  it('without a moderator refuses channel operations with UNAVAILABLE and records nothing', async () => {
    await stop();
    await start({ moderator: null });
    const f = await failure(client.call('CreateChannel', { moderators: ['agntcy/namespace/moderator'] }));
    expect(f).toMatchObject({ code: status.UNAVAILABLE, kizunaCode: 'MODERATOR_UNAVAILABLE' });
    expect((await client.call<{ channel_id: string[] }>('ListChannels', {})).channel_id).toEqual([]);
  });
});

describe('nodes, connections and subscriptions', () => {
  it('lists registered nodes with their status', async () => {
    const a = await node('slim/0', '127.0.0.1:46357');
    await node('slim/1', '0.0.0.0:46358');
    const disconnected = controller.nodes.events.waitFor('disconnected', (e) => e.nodeId === 'slim/0');
    a.disconnect();
    await disconnected;
    const list = await client.call<{ entries: object[] }>('ListNodes', {});
    expect(list.entries).toEqual([
      { id: 'slim/0', host: '127.0.0.1', port: 46357, status: 'NOT_CONNECTED' },
      { id: 'slim/1', host: '0.0.0.0', port: 46358, status: 'CONNECTED' },
    ]);
  });

  it('opens a link on the node and routes a name over it, from either end', async () => {
    const a = await node('slim/0', '127.0.0.1:46357');
    const b = await node('slim/1', '127.0.0.1:46358');
    const created = await client.call<{ success: boolean; connection_id: string }>('CreateConnection', {
      node_id: 'slim/0',
      connection: { connection_id: 'http://127.0.0.1:46358', config_data: '{"endpoint": "http://127.0.0.1:46358"}' },
    });
    expect(created).toEqual({ success: true, connection_id: 'http://127.0.0.1:46358' });
    const open = a.commands[0]?.connections_to_create[0];
    expect(open?.link_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(open?.config_data ?? '{}')).toEqual({ endpoint: 'http://127.0.0.1:46358', tls: { insecure: true }, link_id: open?.link_id });

    const sub = await client.call<{ success: boolean; subscription_id: string }>('CreateSubscription', {
      node_id: 'slim/0',
      subscription: { component_0: 'org', component_1: 'ns', component_2: 'bob', connection_id: created.connection_id },
    });
    expect(sub.success).toBe(true);
    const route = a.commands[1]?.routes_to_set[0];
    // The node routes on SLIM's hashes (XxHash64 of each component); the text travels alongside.
    expect(route?.name.name.component_0).toBe('9745323415579563579');
    expect(route?.name.name.component_1).toBe('17219925055306830033');
    expect(route?.name.name.component_2).toBe('5309210987355009988');
    expect(route?.name.str_name).toEqual({ str_component_0: 'org', str_component_1: 'ns', str_component_2: 'bob' });
    expect(route).toMatchObject({ link_id: open?.link_id, direction: 'CONNECTION_DIRECTION_OUTGOING' });

    // The far end routes back over the same link (incoming).
    await client.call('CreateSubscription', {
      node_id: 'slim/1',
      subscription: { component_0: 'org', component_1: 'ns', component_2: 'alice', id: { value: '7' }, connection_id: created.connection_id },
    });
    const back = b.commands[0]?.routes_to_set[0];
    expect(back).toMatchObject({ link_id: open?.link_id, direction: 'CONNECTION_DIRECTION_INCOMING' });
    expect(back?.name.name.name_id).toEqual({ id_0: '0', id_1: '7' });

    expect((await client.call<{ success: boolean }>('DeleteSubscription', { node_id: 'slim/0', subscription_id: sub.subscription_id })).success).toBe(true);
    expect(a.commands[2]?.routes_to_delete[0]?.link_id).toBe(open?.link_id);
  });

  it('generates a connection id when none is given', async () => {
    await node('slim/0', '127.0.0.1:46357');
    const created = await client.call<{ connection_id: string }>('CreateConnection', { node_id: 'slim/0', connection: { config_data: '{"endpoint":"127.0.0.1:9"}' } });
    expect(created.connection_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses each bad wiring request with its status', async () => {
    await node('slim/0', '127.0.0.1:46357');
    await client.call('CreateConnection', { node_id: 'slim/0', connection: { connection_id: 'c1', config_data: '{"endpoint":"http://127.0.0.1:46358"}' } });
    await client.call('CreateSubscription', { node_id: 'slim/0', subscription: { component_0: 'o', component_1: 'n', component_2: 'a', connection_id: 'c1' } });
    const config = (config_data: string): object => ({ node_id: 'slim/0', connection: { config_data } });
    const cases: [string, object, number, string][] = [
      ['CreateConnection', { node_id: 'slim/9', connection: { config_data: '{"endpoint":"http://h:1"}' } }, status.NOT_FOUND, 'NODE_NOT_FOUND'],
      ['CreateConnection', { connection: { config_data: '{"endpoint":"http://h:1"}' } }, status.INVALID_ARGUMENT, 'INVALID_INPUT'],
      ['CreateConnection', { node_id: 'slim/0' }, status.INVALID_ARGUMENT, 'INVALID_INPUT'],
      ['CreateConnection', config('{"endpoint": "http://127.0.0.1:46357"'), status.INVALID_ARGUMENT, 'CONNECTION_CONFIG_INVALID'],
      ['CreateConnection', config('["http://h:1"]'), status.INVALID_ARGUMENT, 'CONNECTION_CONFIG_INVALID'],
      ['CreateConnection', config('{"url": "http://h:1"}'), status.INVALID_ARGUMENT, 'CONNECTION_CONFIG_INVALID'],
      ['CreateConnection', config('{"endpoint": "ftp://h:1"}'), status.INVALID_ARGUMENT, 'CONNECTION_CONFIG_INVALID'],
      ['CreateConnection', config('{"endpoint": "http://h"}'), status.INVALID_ARGUMENT, 'CONNECTION_CONFIG_INVALID'],
      ['CreateConnection', config(''), status.INVALID_ARGUMENT, 'CONNECTION_CONFIG_INVALID'],
      ['CreateConnection', { node_id: 'slim/0', connection: { connection_id: 'c1', config_data: '{"endpoint":"http://h:2"}' } }, status.ALREADY_EXISTS, 'CONNECTION_EXISTS'],
      ['CreateSubscription', { node_id: 'slim/9', subscription: { component_0: 'o', component_1: 'n', component_2: 'a', connection_id: 'c1' } }, status.NOT_FOUND, 'NODE_NOT_FOUND'],
      ['CreateSubscription', { node_id: 'slim/0' }, status.INVALID_ARGUMENT, 'INVALID_INPUT'],
      ['CreateSubscription', { node_id: 'slim/0', subscription: { component_0: 'o', component_1: '', component_2: 'a', connection_id: 'c1' } }, status.INVALID_ARGUMENT, 'INVALID_SLIM_NAME'],
      ['CreateSubscription', { node_id: 'slim/0', subscription: { component_0: 'o', component_1: 'n', component_2: 'a' } }, status.INVALID_ARGUMENT, 'INVALID_INPUT'],
      ['CreateSubscription', { node_id: 'slim/0', subscription: { component_0: 'o', component_1: 'n', component_2: 'a', connection_id: 'c9' } }, status.NOT_FOUND, 'CONNECTION_NOT_FOUND'],
      ['CreateSubscription', { node_id: 'slim/0', subscription: { component_0: 'o', component_1: 'n', component_2: 'a', connection_id: 'c1' } }, status.ALREADY_EXISTS, 'SUBSCRIPTION_EXISTS'],
      ['DeleteSubscription', { node_id: 'slim/0', subscription_id: 'nope' }, status.NOT_FOUND, 'SUBSCRIPTION_NOT_FOUND'],
      ['DeleteSubscription', { node_id: 'slim/9', subscription_id: 'nope' }, status.NOT_FOUND, 'NODE_NOT_FOUND'],
    ];
    for (const [method, request, code, kizunaCode] of cases) {
      const f = await failure(client.call(method, request));
      expect({ method, request, code: f.code, kizunaCode: f.kizunaCode }).toEqual({ method, request, code, kizunaCode });
    }
  });

  it('reports a node that cannot open the link, and records nothing', async () => {
    await node('slim/0', '127.0.0.1:46357', { accept: (kind) => kind !== 'connection' });
    const f = await failure(client.call('CreateConnection', { node_id: 'slim/0', connection: { connection_id: 'c1', config_data: '{"endpoint":"http://127.0.0.1:1"}' } }));
    expect(f).toMatchObject({ code: status.FAILED_PRECONDITION, kizunaCode: 'NODE_COMMAND_FAILED' });
    expect(f.details).toContain('refused by the test');
    expect(controller.store.connections('slim/0')).toEqual([]);
  });

  it('gives up on a node that does not answer (DEADLINE_EXCEEDED)', async () => {
    await stop();
    await start({ commandTimeoutMs: 300 });
    await node('slim/0', '127.0.0.1:46357', { silent: true });
    const f = await failure(client.call('CreateConnection', { node_id: 'slim/0', connection: { config_data: '{"endpoint":"http://127.0.0.1:1"}' } }));
    expect(f).toMatchObject({ code: status.DEADLINE_EXCEEDED, kizunaCode: 'TIMEOUT' });
  });

  it('keeps wiring for a node that is away and applies it when the node registers again', async () => {
    const a = await node('slim/0', '127.0.0.1:46357');
    const gone = controller.nodes.events.waitFor('disconnected', (e) => e.nodeId === 'slim/0');
    a.disconnect();
    await gone;
    const created = await client.call<{ success: boolean; connection_id: string }>('CreateConnection', {
      node_id: 'slim/0',
      connection: { connection_id: 'c1', config_data: '{"endpoint":"http://127.0.0.1:46358"}' },
    });
    expect(created.success).toBe(true);
    await client.call('CreateSubscription', { node_id: 'slim/0', subscription: { component_0: 'o', component_1: 'n', component_2: 'a', connection_id: 'c1' } });
    const back = await node('slim/0', '127.0.0.1:46357');
    await controller.nodes.events.waitFor('synced', (e) => e.nodeId === 'slim/0');
    expect(back.commands.flatMap((c) => c.connections_to_create.map((x) => JSON.parse(x.config_data) as { endpoint: string }).map((x) => x.endpoint))).toEqual([
      'http://127.0.0.1:46358',
    ]);
    expect(back.commands.flatMap((c) => c.routes_to_set.map((r) => r.name.str_name.str_component_2))).toEqual(['a']);
  });
});

describe('persistence', () => {
  it('keeps channels, participants, nodes, connections and subscriptions across a restart', async () => {
    await client.call('CreateChannel', { moderators: ['agntcy/namespace/moderator'], channel_id: 'agntcy/namespace/group_channel' });
    await client.call('AddParticipant', { participant_id: 'agntcy/namespace/participant_1', channel_id: 'agntcy/namespace/group_channel' });
    await node('slim/0', '127.0.0.1:46357');
    await client.call('CreateConnection', { node_id: 'slim/0', connection: { connection_id: 'c1', config_data: '{"endpoint":"http://127.0.0.1:46358"}' } });
    await client.call('CreateSubscription', { node_id: 'slim/0', subscription: { component_0: 'agntcy', component_1: 'namespace', component_2: 'group_channel', connection_id: 'c1' } });

    await stop();
    await start();
    expect((await client.call<{ channel_id: string[] }>('ListChannels', {})).channel_id).toEqual(['agntcy/namespace/group_channel']);
    expect((await client.call<{ participant_id: string[] }>('ListParticipants', { channel_id: 'agntcy/namespace/group_channel' })).participant_id).toEqual([
      'agntcy/namespace/participant_1',
    ]);
    expect((await client.call<{ entries: { id: string; status: string }[] }>('ListNodes', {})).entries.map((n) => [n.id, n.status])).toEqual([['slim/0', 'NOT_CONNECTED']]);
    expect(await failure(client.call('AddParticipant', { participant_id: 'agntcy/namespace/participant_1', channel_id: 'agntcy/namespace/group_channel' }))).toMatchObject({
      code: status.ALREADY_EXISTS,
    });
    // The node comes back and gets its link and route from the restarted controller.
    const back = await node('slim/0', '127.0.0.1:46357');
    await controller.nodes.events.waitFor('synced', (e) => e.nodeId === 'slim/0');
    expect(back.commands.flatMap((c) => c.connections_to_create)).toHaveLength(1);
    expect(back.commands.flatMap((c) => c.routes_to_set.map((r) => r.name.str_name.str_component_2))).toEqual(['group_channel']);
  });

  it('listens on localhost:50051 by default', async () => {
    await stop();
    moderator = recordingModerator();
    controller = await startController({ dataDir: dir.path, moderator }).catch((error: unknown) => {
      // Another controller on this machine holds the port: nothing to check here then.
      if ((error as { code?: string }).code === 'NODE_ADDRESS_IN_USE') return startController({ dataDir: dir.path, moderator, port: 0 });
      throw error;
    });
    client = controlPlaneClient(controller.address);
    if (controller.port === 50051) expect(controller.address).toBe('localhost:50051');
    expect((await client.call<{ channel_id: string[] }>('ListChannels', {})).channel_id).toEqual([]);
  });
});
