import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Engine } from '../../main/core/engine/engine.js';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import { FOLLOW_UP_WINDOW_MS } from '../../main/core/session/sync-follow-ups.js';
import { encodeWire } from '../../main/core/wire/wire-codec.js';
import type { Inbox } from '../helpers/slim-test-kit.js';
import { userId } from '../helpers/test-engines.js';
import { waitUntil } from '../helpers/wait-for.js';
import { forged } from './attack-kit.js';
import { hostileWorld, joinedGroup, publishRaw, queuedBytes, type HostileWorld } from './hostile-world.js';

/**
 * Issue 8: a sync reply is decoded only if it answers a sync request of ours that is still open.
 * Anyone the group's records name (here carol, a member turned attacker) could otherwise make a
 * member decode reply bodies (up to an envelope's size) and store what they carry whenever she likes.
 * bob's clock is moved past the window of every request he made, so none of his is open.
 */
describe('unsolicited sync replies (over a real SLIM node)', () => {
  let w: HostileWorld;
  let bob: Engine, carol: Engine;
  let g: string;
  let attacker: Inbox;
  let skew = 0;

  beforeAll(async () => {
    w = await hostileWorld(['alice', 'bob', 'carol'], { bob: () => Date.now() + skew });
    const engine = (name: string): Engine => (w.people[name] as { engine: Engine }).engine;
    const alice = engine('alice');
    [bob, carol] = [engine('bob'), engine('carol')];
    g = await joinedGroup(alice, [bob, carol], 'none', 'unsolicited');
    await w.offline('carol');
    attacker = await w.raw('kizuna/attackers/unsolicited');
  });
  afterAll(async () => w.close());

  it('refuses replies answering no open request before their signature or body (sync-unsolicited, counted)', async () => {
    await carol.sendText(g, 'pushed by an unasked reply');
    const [carried] = queuedBytes(carol).slice(-1);
    const gid = fromBase64Url(g) as Uint8Array;
    const reply = (body: Uint8Array): Uint8Array =>
      carol.signEnvelope({ groupId: gid, epoch: 0, type: 'SYNC_REPLY', seq: 0, sentAt: Date.now(), recipient: fromBase64Url(userId(bob)) as Uint8Array, body }).bytes;
    const withMessage = reply(encodeWire('SyncReply', { envelopes: [carried as Uint8Array], marks: [], more: true, skipTo: [] }));
    skew = FOLLOW_UP_WINDOW_MS + 60_000; // every request bob made is past its window
    const reasons: string[] = [];
    const off = bob.events.on('dropped', (d) => {
      if (d.groupId === g) reasons.push(d.reason);
    });
    const before = bob.stats().dropped['sync-unsolicited'] ?? 0;
    // A forged copy (bad signature), the genuine reply, and one whose body is not a SyncReply at all:
    // had the signature been checked first the forgery would be `sync-bad-signature`.
    const sent = [forged(withMessage), withMessage, reply(new Uint8Array(randomBytes(512)))];
    for (const bytes of sent) publishRaw(attacker, { name: bob.getIdentity()?.slimName ?? '' }, bytes, 'SYNC_REPLY', g);
    await waitUntil(bob.events, 'dropped', () => reasons.length >= sent.length, 20_000);
    off();
    expect(reasons).toEqual(sent.map(() => 'sync-unsolicited'));
    expect(bob.stats().dropped['sync-unsolicited']).toBe(before + sent.length);
    await bob.inbox.idle();
    expect(bob.latestMessages(g, 100).messages.map((m) => m.text)).not.toContain('pushed by an unasked reply');
  });
});
