import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { createApp, type KizunaApp } from '../../../main/host/sdk/index.js';
import { FAST_SESSION } from '../../helpers/core-process.js';
import { createSlimTestKit, type SlimTestKit } from '../../helpers/slim-test-kit.js';
import { tempDir } from '../../helpers/test-engines.js';

/** The SDK used the way seed 000 uses the Python bindings: a moderator invites by SLIM name. */
describe('SDK in the shape of seed 000', () => {
  let kit: SlimTestKit;
  let node: SlimNodeHandle;
  let dir: ReturnType<typeof tempDir>;
  const apps: KizunaApp[] = [];

  beforeAll(async () => {
    kit = createSlimTestKit();
    node = await kit.startNode();
    dir = tempDir();
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    await kit.dispose();
    dir.cleanup();
  });

  const app = async (name: string): Promise<KizunaApp> => {
    const a = await createApp({
      dataDir: join(dir.path, name),
      identity: { displayName: name, slimName: `agntcy/namespace/${name}` },
      node: node.endpoint,
      session: FAST_SESSION,
      // Seed 000 without identity tokens: names are confirmed unverified (discovery-trust.test covers the refusal).
      acceptUnverified: true,
    });
    apps.push(a);
    await a.waitOnline();
    return a;
  };

  it('moderator creates an MLS channel, invites by name, participants listen for the session and chat', async () => {
    const moderator = await app('moderator');
    const bob = await app('bob');
    const carol = await app('carol');
    const dave = await app('dave');

    const bobSession = bob.listenForSession();
    const carolSession = carol.listenForSession();
    const created = await moderator.createSession({
      channelName: 'agntcy/namespace/group_channel',
      invites: ['agntcy/namespace/bob', 'agntcy/namespace/carol'],
      mlsEnabled: true,
      maxRetries: 5,
      timeout: 500,
    });
    expect(created.name).toBe('group_channel');
    expect(created.mode).toBe('mls');
    const [b, c] = await Promise.all([bobSession, carolSession]);
    expect(b.groupId).toBe(created.groupId);

    // Wait until bob's and carol's epochs match the moderator's, then talk.
    const target = moderator.core.engine.getGroup(created.groupId).epoch;
    for (const a of [bob, carol]) {
      if (a.core.engine.getGroup(created.groupId).epoch < target) {
        await a.core.engine.events.waitFor('group', (g) => g.groupId === created.groupId && g.epoch >= target, 15_000);
      }
    }
    await b.publish('hello from bob');
    const atCarol = await c.getMessage({ timeoutMs: 15_000 });
    expect(new TextDecoder().decode(atCarol.payload)).toBe('hello from bob');
    expect(atCarol.context.sourceName).toBe('agntcy/namespace/bob');
    const atModerator = await created.getMessage({ timeoutMs: 15_000 });
    expect(atModerator.context.senderName).toBe('bob');

    // Binary payloads travel as files.
    await c.publish(new Uint8Array([0xff, 0x00, 0xfe]));
    const bin = await b.getMessage({ timeoutMs: 15_000 });
    expect([...bin.payload]).toEqual([0xff, 0x00, 0xfe]);

    // Later invitations and removals by name.
    const daveSession = dave.listenForSession();
    await created.invite('agntcy/namespace/dave');
    const d = await daveSession;
    expect(d.groupId).toBe(created.groupId);
    // Listen before removing: bob may apply the removal before remove() resolves.
    const bobRemoved = bob.core.engine.events.waitFor('group', (g) => g.groupId === created.groupId && g.myState === 'removed', 15_000);
    await created.remove('agntcy/namespace/bob');
    await bobRemoved;
    await expect(b.publish('still here?')).rejects.toMatchObject({ code: 'GROUP_LEFT' });
    await c.leave();
    expect(carol.core.engine.getGroup(created.groupId).myState).toBe('left');
  });

  it('an invitation by a name nobody answers fails clearly', async () => {
    const moderator = apps[0]!;
    await expect(moderator.createSession({ name: 'nobody', invites: ['agntcy/namespace/ghost', 'agntcy/namespace/bob'], discoveryTimeoutMs: 1500 })).rejects.toMatchObject({
      code: 'NODE_UNREACHABLE',
    });
  });
});

describe('SDK against a node with Basic auth', () => {
  it('connects with the right credentials and says AUTH_FAILED at once with wrong ones', async () => {
    const kit = createSlimTestKit();
    const dir = tempDir();
    try {
      const node = await kit.startNode({ auth: { username: 'kizuna', password: 'right horse battery' } });
      const good = await createApp({ dataDir: join(dir.path, 'good'), identity: { displayName: 'good' }, node: node.endpoint, nodeAuth: { username: 'kizuna', password: 'right horse battery' } });
      await good.waitOnline();
      await good.close();
      const bad = await createApp({ dataDir: join(dir.path, 'bad'), identity: { displayName: 'bad' }, node: node.endpoint, nodeAuth: { username: 'kizuna', password: 'wrong' } });
      // A timeout would be NODE_UNREACHABLE: AUTH_FAILED means the refusal itself was reported.
      await expect(bad.waitOnline(30_000)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      await bad.close();
    } finally {
      await kit.dispose();
      dir.cleanup();
    }
  });
});
