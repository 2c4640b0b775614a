import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import { encodeWire } from '../../main/core/wire/wire-codec.js';
import { atEpoch, hostileWorld, joinedGroup, publishRaw, queuedBytes, type HostileWorld } from './hostile-world.js';
import { userId } from '../helpers/test-engines.js';

/**
 * Issue 8, class 2: a removed member's cutoff (after which the group refuses its envelopes) comes from
 * the run of its envelopes the admin verified, never from a high-water mark someone claims; a closed
 * group's cutoff never trusts the sender's clock.
 */
describe('removal cutoffs (a removed member over a real SLIM node)', () => {
  let w: HostileWorld;
  let alice: Engine, bob: Engine, mallory: Engine, trudy: Engine;

  beforeAll(async () => {
    // trudy's clock is an hour behind: everything she signs is backdated.
    const behind = (): number => Date.now() - 3_600_000;
    w = await hostileWorld(['alice', 'bob', 'mallory', 'trudy'], { trudy: behind });
    const engine = (name: string): Engine => (w.people[name] as { engine: Engine }).engine;
    [alice, bob, mallory, trudy] = ['alice', 'bob', 'mallory', 'trudy'].map(engine) as [Engine, Engine, Engine, Engine];
  });
  afterAll(async () => w.close());

  it('a forged high-water mark does not let a removed member keep posting into the old epoch', async () => {
    const g = await joinedGroup(alice, [bob, mallory, trudy], 'sealed', 'cutoffs');
    await w.offline('mallory');
    // While still a member, mallory writes two messages (never published by her client).
    await mallory.sendText(g, 'before removal');
    await mallory.sendText(g, 'after removal');
    const [m1, m2] = queuedBytes(mallory);
    const raw = await w.raw('kizuna/attackers/mallory');
    // She claims to have sent up to 1000, in a signed heartbeat, then sends the first message.
    const hb = mallory.signEnvelope({ groupId: fromBase64Url(g) as Uint8Array, epoch: 0, type: 'HEARTBEAT', seq: 0, sentAt: Date.now(), body: encodeWire('Heartbeat', { ownSeq: 1000 }) });
    const shown = Promise.all([alice, bob].map((e) => e.events.waitFor('message', (m) => m.text === 'before removal', 15_000)));
    publishRaw(raw, { group: g }, hb.bytes, 'HEARTBEAT', g);
    publishRaw(raw, { group: g }, m1!, 'MESSAGE', g);
    await shown;

    await alice.removeMembers(g, [userId(mallory)]);
    await atEpoch(alice.getGroup(g).epoch, g, [bob]);
    const refused = bob.events.waitFor('dropped', (d) => d.reason === 'sender-removed' && d.groupId === g, 15_000);
    publishRaw(raw, { group: g }, m2!, 'MESSAGE', g);
    await refused;
    expect(bob.latestMessages(g, 100).messages.map((m) => m.text)).not.toContain('after removal');
  });

  it('a backdated message is refused once the group is closed (the sender clock says nothing)', async () => {
    const g = await joinedGroup(alice, [bob, trudy], 'none', 'closing');
    await w.offline('trudy');
    await trudy.sendText(g, 'backdated after closing');
    const [late] = queuedBytes(trudy).slice(-1);
    // A reply is taken only as an answer to an open request of bob's: he reconnects and asks the
    // group while it is open (trudy, offline, has not answered; her raw client's reply answers).
    await w.offline('bob');
    await w.online('bob');
    const closed = bob.events.waitFor('group', (x) => x.groupId === g && x.myState === 'closed', 15_000);
    await alice.deleteGroup(g);
    await closed;
    expect(bob.getGroup(g).myState).toBe('closed');
    const raw = await w.raw('kizuna/attackers/trudy');
    const refused = bob.events.waitFor('dropped', (d) => d.reason === 'group-closed' && d.groupId === g, 15_000);
    // A closed group's channel is no longer listened to: the message comes as a sync reply.
    const reply = trudy.signEnvelope({
      groupId: fromBase64Url(g) as Uint8Array, epoch: 0, type: 'SYNC_REPLY', seq: 0, sentAt: Date.now() - 3_600_000,
      body: encodeWire('SyncReply', { envelopes: [late!], marks: [], more: false, skipTo: [] }), recipient: fromBase64Url(userId(bob)) as Uint8Array,
    });
    publishRaw(raw, { name: bob.getIdentity()?.slimName ?? '' }, reply.bytes, 'SYNC_REPLY', g);
    await refused;
    expect(bob.latestMessages(g, 100).messages.map((m) => m.text)).not.toContain('backdated after closing');
  });
});
