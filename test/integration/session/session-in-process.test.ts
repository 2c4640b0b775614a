import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/core/engine/engine.js';
import { SessionLayer } from '../../../main/core/session/session-layer.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { FAST_CLIENT_OPTIONS, createSlimTestKit, type SlimTestKit } from '../../helpers/slim-test-kit.js';
import { introduce, newUser, tempDir, userId, waitForSameEpoch } from '../../helpers/test-engines.js';

const FAST = { ackTimeoutMs: 500, heartbeatMs: 500, gapCheckMs: 200, directRetryCapMs: 500, transport: FAST_CLIENT_OPTIONS };

describe('sessions over a real SLIM node (engines in this process)', () => {
  let kit: SlimTestKit;
  let node: SlimNodeHandle;
  let dir: ReturnType<typeof tempDir>;
  let users: { engine: Engine; session: SessionLayer }[];

  beforeEach(async () => {
    kit = createSlimTestKit();
    node = await kit.startNode();
    dir = tempDir();
    users = [];
    for (const name of ['alice', 'bob', 'carol']) {
      const { engine } = await newUser(dir.path, name);
      const session = new SessionLayer(engine, { endpoint: node.endpoint, ...FAST });
      session.start();
      users.push({ engine, session });
    }
    introduce(...users.map((u) => u.engine));
    await Promise.all(users.map((u) => u.session.waitOnline()));
  });

  afterEach(async () => {
    for (const u of users) {
      await u.session.close();
      await u.engine.close();
    }
    await kit.dispose();
    dir.cleanup();
  });

  it('creates, invites, accepts and chats in mls', async () => {
    const [alice, bob, carol] = users.map((u) => u.engine) as [Engine, Engine, Engine];
    const bobInvited = bob.events.waitFor('invitation', (i) => i.state === 'pending');
    const carolInvited = carol.events.waitFor('invitation', (i) => i.state === 'pending');
    const g = await alice.createGroup({ name: 'Over SLIM', members: [userId(bob), userId(carol)], mode: 'mls' });
    await bobInvited;
    await carolInvited;
    const bobJoined = bob.events.waitFor('group', (x) => x.groupId === g.groupId && x.myState === 'joined');
    const carolJoined = carol.events.waitFor('group', (x) => x.groupId === g.groupId && x.myState === 'joined');
    await bob.acceptInvitation(g.groupId);
    await carol.acceptInvitation(g.groupId);
    await bobJoined;
    await carolJoined;
    await waitForSameEpoch(g.groupId, alice, [bob, carol]);
    const atCarol = carol.events.waitFor('message', (m) => m.text === 'hi from bob');
    const atAlice = alice.events.waitFor('message', (m) => m.text === 'hi from bob');
    // Listen before sending: the acks may all be in before the messages' events are.
    const delivered = bob.events.waitFor('send-state', (s) => s.groupId === g.groupId && s.state === 'delivered');
    const sent = await bob.sendText(g.groupId, 'hi from bob');
    await atCarol;
    await atAlice;
    expect((await delivered).messageId).toBe(sent.id);
    expect(bob.getMessage(sent.id).sendState).toBe('delivered');
  });
});
