/**
 * The whole of issue 5's controller story on real parts: two SLIM nodes that the controller wires (one
 * CreateConnection; names travel as learned routes), the controller's real moderator (a headless Kizuna
 * app through the SDK), and participants on different nodes who are added by SLIM name over the
 * controller API and then chat in an MLS group.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { startController, type ControllerHandle } from '../../../main/core/controller/controller-server.js';
import { createSdkChannelModerator } from '../../../main/core/controller/sdk-channel-moderator.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { createApp, type GroupSession, type KizunaApp } from '../../../main/host/sdk/index.js';
import { FAST_SESSION } from '../../helpers/core-process.js';
import { createSlimTestKit } from '../../helpers/slim-test-kit.js';
import { tempDir } from '../../helpers/test-engines.js';
import { controlPlaneClient, failure, type ControlPlaneTestClient } from '../../unit/core/controller/controller-test-client.js';

const kit = createSlimTestKit();
const dir = tempDir('kizuna-controller-chat-');
const apps: KizunaApp[] = [];
let controller: ControllerHandle;
let client: ControlPlaneTestClient;
let nodeA: SlimNodeHandle;
let nodeB: SlimNodeHandle;

async function app(name: string, node: SlimNodeHandle): Promise<KizunaApp> {
  // No identity tokens here: the moderator confirms unverified discovery answers (issue 8, class 7).
  const a = await createApp({ dataDir: join(dir.path, name), identity: { displayName: name, slimName: `agntcy/namespace/${name}` }, node: node.endpoint, session: FAST_SESSION, acceptUnverified: true });
  apps.push(a);
  await a.waitOnline();
  return a;
}

async function wiredNode(nodeId: string): Promise<SlimNodeHandle> {
  const registered = controller.nodes.events.waitFor('registered', (e) => e.nodeId === nodeId, 15_000);
  const node = await kit.startNode({ controller: { endpoint: controller.address, nodeId } });
  await registered;
  return node;
}

const decode = (b: Uint8Array): string => new TextDecoder().decode(b);
const CHANNEL = 'agntcy/namespace/group_channel';

beforeAll(async () => {
  // Nodes first (the moderator app needs one), then the controller's moderator on node A.
  const plain = await startController({ dataDir: join(dir.path, 'controller'), host: '127.0.0.1', port: 0 });
  controller = plain;
  nodeA = await wiredNode('slim/a');
  nodeB = await wiredNode('slim/b');
  const port = plain.port;
  await plain.close();
  const moderatorApp = await app('moderator', nodeA);
  controller = await startController({
    dataDir: join(dir.path, 'controller'),
    host: '127.0.0.1',
    port,
    moderator: createSdkChannelModerator({ app: moderatorApp, stateFile: join(dir.path, 'controller', 'moderator-channels.json'), closeApp: false, discoveryTimeoutMs: 3000 }),
  });
  client = controlPlaneClient(controller.address);
  // The nodes find the restarted controller again on their own.
  await controller.nodes.events.waitFor('synced', (e) => e.nodeId === 'slim/a' || e.nodeId === 'slim/b', 20_000);
  for (const id of ['slim/a', 'slim/b']) {
    if (!controller.nodes.isConnected(id)) await controller.nodes.events.waitFor('registered', (e) => e.nodeId === id, 20_000);
  }
  const link = await client.call<{ success: boolean }>('CreateConnection', {
    node_id: 'slim/a',
    connection: { connection_id: 'a-to-b', config_data: JSON.stringify({ endpoint: `http://${nodeB.endpoint}` }) },
  });
  expect(link.success).toBe(true);
}, 120_000);

afterAll(async () => {
  client?.close();
  for (const a of apps) await a.close();
  await controller?.close();
  await kit.dispose();
  dir.cleanup();
});

describe('a group whose members sit on different nodes, run through the controller', () => {
  it('adds participants by SLIM name over the controller API, and they chat across the nodes', async () => {
    const alice = await app('alice', nodeA);
    const bob = await app('bob', nodeB);
    const carol = await app('carol', nodeB);

    const created = await client.call<{ channel_id: string }>('CreateChannel', { moderators: ['agntcy/namespace/moderator'], channel_id: CHANNEL });
    expect(created.channel_id).toBe(CHANNEL);

    const bobSession = bob.listenForSession({ timeoutMs: 60_000 });
    const aliceSession = alice.listenForSession({ timeoutMs: 60_000 });
    const first = await client.call<{ success: boolean; messages: string[] }>('AddParticipant', { channel_id: CHANNEL, participant_id: 'agntcy/namespace/bob' });
    expect(first.success).toBe(true);
    expect(first.messages.join(' ')).toContain('waits');
    const second = await client.call<{ success: boolean; messages: string[] }>('AddParticipant', { channel_id: CHANNEL, participant_id: 'agntcy/namespace/alice' });
    expect(second.messages.join(' ')).toContain('created');
    const [b, a] = (await Promise.all([bobSession, aliceSession])) as [GroupSession, GroupSession];
    expect(a.groupId).toBe(b.groupId);
    expect(b.mode).toBe('mls');

    const carolSession = carol.listenForSession({ timeoutMs: 60_000 });
    await client.call('AddParticipant', { channel_id: CHANNEL, participant_id: 'agntcy/namespace/carol' });
    const c = await carolSession;
    expect(c.groupId).toBe(b.groupId);
    expect((await client.call<{ participant_id: string[] }>('ListParticipants', { channel_id: CHANNEL })).participant_id).toEqual([
      'agntcy/namespace/bob',
      'agntcy/namespace/alice',
      'agntcy/namespace/carol',
    ]);

    // Everyone at the same MLS epoch as the moderator, then talk across the link.
    const moderatorEngine = apps[0]!.core.engine;
    const target = moderatorEngine.getGroup(b.groupId).epoch;
    for (const x of [alice, bob, carol]) {
      if (x.core.engine.getGroup(b.groupId).epoch < target) {
        await x.core.engine.events.waitFor('group', (g) => g.groupId === b.groupId && g.epoch >= target, 30_000);
      }
    }
    await b.publish('hello from bob on node b');
    expect(decode((await a.getMessage({ timeoutMs: 30_000 })).payload)).toBe('hello from bob on node b');
    expect(decode((await c.getMessage({ timeoutMs: 30_000 })).payload)).toBe('hello from bob on node b');
    await a.publish('hello from alice on node a');
    const atBob = await b.getMessage({ timeoutMs: 30_000 });
    expect(decode(atBob.payload)).toBe('hello from alice on node a');
    expect(atBob.context.sourceName).toBe('agntcy/namespace/alice');

    // Removing over the API removes from the group. Listen first: carol may well have applied the
    // removal before DeleteParticipant returns.
    const carolRemoved = carol.core.engine.events.waitFor('group', (g) => g.groupId === b.groupId && g.myState === 'removed', 30_000);
    await client.call('DeleteParticipant', { channel_id: CHANNEL, participant_id: 'agntcy/namespace/carol' });
    await carolRemoved;
    expect(carol.core.engine.getGroup(b.groupId).myState).toBe('removed');
  });

  it('refuses a participant nobody answers for, and records nothing', async () => {
    const f = await failure(client.call('AddParticipant', { channel_id: 'agntcy/namespace/other', participant_id: 'agntcy/namespace/ghost' }));
    expect(f).toMatchObject({ code: status.NOT_FOUND });
    await client.call('CreateChannel', { moderators: ['agntcy/namespace/moderator'], channel_id: 'agntcy/namespace/other' });
    const ghost = await failure(client.call('AddParticipant', { channel_id: 'agntcy/namespace/other', participant_id: 'agntcy/namespace/ghost' }));
    expect(ghost).toMatchObject({ code: status.UNAVAILABLE, kizunaCode: 'NODE_UNREACHABLE' });
    expect((await client.call<{ participant_id: string[] }>('ListParticipants', { channel_id: 'agntcy/namespace/other' })).participant_id).toEqual([]);
  });
});
