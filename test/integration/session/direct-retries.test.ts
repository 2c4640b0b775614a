import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import type { Engine } from '../../../main/core/engine/engine.js';
import { peekEnvelope } from '../../../main/core/envelopes/envelope-reader.js';
import { groupChannelName } from '../../../main/core/kernel/channel-names.js';
import { SessionLayer } from '../../../main/core/session/session-layer.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { SlimClient } from '../../../main/core/transport/slim-client.js';
import { FAST_CLIENT_OPTIONS, collect, createSlimTestKit, type Inbox, type SlimTestKit } from '../../helpers/slim-test-kit.js';
import { introduce, newUser, tempDir, userId } from '../../helpers/test-engines.js';

const FAST = { ackTimeoutMs: 300, heartbeatMs: 500, gapCheckMs: 200, directRetryCapMs: 500, transport: FAST_CLIENT_OPTIONS };
const RETRIES = 2;

/**
 * Issue 13: a channel envelope's retries go straight to the members who have not acked when they
 * are no more than those who have, instead of the whole channel: with one member offline, every
 * other member received, checked and acked each message again on every retry.
 */
describe('channel retries to the members who have not acked', () => {
  let kit: SlimTestKit;
  let node: SlimNodeHandle;
  let dir: ReturnType<typeof tempDir>;
  let users: { engine: Engine; session: SessionLayer }[];
  const clients: SlimClient[] = [];

  beforeEach(async () => {
    kit = createSlimTestKit();
    node = await kit.startNode();
    dir = tempDir();
    users = [];
    for (const name of ['alice', 'bob', 'carol']) {
      const { engine } = await newUser(dir.path, name);
      const session = new SessionLayer(engine, { endpoint: node.endpoint, ...FAST, maxRetries: RETRIES });
      session.start();
      users.push({ engine, session });
    }
    introduce(...users.map((u) => u.engine));
    await Promise.all(users.map((u) => u.session.waitOnline()));
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    for (const u of users) {
      await u.session.close();
      await u.engine.close();
    }
    await kit.dispose();
    dir.cleanup();
  });

  async function listen(name: string): Promise<Inbox> {
    const client = new SlimClient({ endpoint: node.endpoint, localName: parseSlimName(name), ...FAST_CLIENT_OPTIONS });
    clients.push(client);
    await client.connect({ timeoutMs: 10_000 });
    await client.subscribe(parseSlimName(name));
    return collect(client);
  }

  it('re-publishes to the offline member’s own name, not to the channel where the member who acked would get it again', async () => {
    const [alice, bob, carol] = users.map((u) => u.engine) as [Engine, Engine, Engine];
    const bobInvited = bob.events.waitFor('invitation', (i) => i.state === 'pending');
    const carolInvited = carol.events.waitFor('invitation', (i) => i.state === 'pending');
    const g = await alice.createGroup({ name: 'Retries', members: [userId(bob), userId(carol)], mode: 'none' });
    await bobInvited;
    await carolInvited;
    await bob.acceptInvitation(g.groupId);
    await carol.acceptInvitation(g.groupId);
    await alice.events.waitFor('group', (x) => x.groupId === g.groupId && x.members.every((m) => m.status === 'joined'), 15_000);

    // Carol goes offline; in her place a bare client listens on her name, another on the channel.
    const carolName = carol.getIdentity()?.slimName ?? '';
    await users[2]!.session.close();
    const atCarolsName = await listen(carolName);
    const onChannel = await listen(groupChannelName(new Uint8Array(Buffer.from(g.groupId, 'base64url'))));

    const failed = alice.events.waitFor('delivery-failed', (f) => f.groupId === g.groupId, 15_000);
    const atBob = bob.events.waitFor('message', (m) => m.text === 'anyone there?');
    const sent = await alice.sendText(g.groupId, 'anyone there?');
    await atBob;
    // Retries ran out (carol never acked): by now every retry was published.
    expect((await failed).messageId).toBe(sent.id);

    const copies = (inbox: Inbox): number => inbox.messages.filter((m) => {
      try {
        return Buffer.from(peekEnvelope(m.blob).id).toString('base64url') === sent.id;
      } catch {
        return false;
      }
    }).length;
    // The channel (bob, and anyone listening there) saw it once; each retry went to carol's name.
    expect(copies(onChannel)).toBe(1);
    expect(copies(atCarolsName)).toBe(RETRIES);
  });
});
