import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import { engineContextOf } from '../../main/core/engine/engine-internals.js';
import { buildEnvelope } from '../../main/core/envelopes/envelope-builder.js';
import { peekEnvelope } from '../../main/core/envelopes/envelope-reader.js';
import { groupChannelName } from '../../main/core/kernel/channel-names.js';
import { HOLD_MS } from '../../main/core/ingest/sender-order.js';
import { untilAll, type Inbox } from '../helpers/slim-test-kit.js';
import { waitUntil } from '../helpers/wait-for.js';
import { userId } from '../helpers/test-engines.js';
import { atEpoch, hostileWorld, joinedGroup, type HostileWorld } from './hostile-world.js';

/**
 * Issue 8, class 6, from inside the group: a member (and the admin) can sign envelopes for epochs
 * that never come, and each used to wait in the inbox as deferred forever. Now deferred rows are
 * capped per sender and per group, refused past an epoch distance, and expire; a removed member's
 * future-epoch envelopes are not even stored. Genuine deferred envelopes within the bounds still
 * apply once their epoch arrives.
 *
 * The bytes travel over a real SLIM node (a recorder listens on the group's channel, as anyone can);
 * bob, the victim, is kept offline and fed them through his engine's receive (the session layer's
 * entry point), so that he sees the genuine future-epoch message before the version that opens it.
 */
describe('deferred rows from members are bounded (a real SLIM node)', () => {
  let w: HostileWorld;
  let alice: Engine, bob: Engine, carol: Engine, dave: Engine;
  let g: string;
  let gid: Uint8Array;
  let recorder: Inbox;
  let epoch: number;
  let skew = 0;
  const limits = { perSender: 10, perGroup: 15, maxEpochsAhead: 4 };

  const recorded = (type: string, sender: Engine): Uint8Array | undefined =>
    recorder.messages.map((m) => m.blob).find((b) => {
      const p = peekEnvelope(b);
      return p.type === type && p.groupId.byteLength > 0 && userId(sender) === Buffer.from(p.sender).toString('base64url');
    });
  const forged = (by: Engine, ep: number, seq: number): Uint8Array =>
    // Signed with the member's own key: a genuine member turned attacker (its engine would never build these).
    buildEnvelope(engineContextOf(by).self(), { groupId: gid, epoch: ep, type: 'MESSAGE', seq, sentAt: Date.now(), body: randomBytes(48) }).bytes;
  const deferred = (): number => bob.stats().inbox['deferred'] ?? 0;
  const drops = (reason: string): number => bob.stats().dropped[reason] ?? 0;

  beforeAll(async () => {
    w = await hostileWorld(['alice', 'bob', 'carol', 'dave'], { bob: () => Date.now() + skew });
    const engine = (name: string): Engine => (w.people[name] as { engine: Engine }).engine;
    [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(engine) as [Engine, Engine, Engine, Engine];
    g = await joinedGroup(alice, [bob, carol, dave], 'none', 'deferred');
    gid = fromBase64Url(g) as Uint8Array;
    epoch = bob.getGroup(g).epoch;
    recorder = await w.raw(groupChannelName(gid));
    await w.offline('bob');
    // The admin removes dave (a new epoch bob has not seen); carol writes in it.
    await alice.removeMembers(g, [userId(dave)]);
    await atEpoch(epoch + 1, g, [carol]);
    await carol.sendText(g, 'genuine, one epoch ahead');
    await untilAll([recorder], () => recorded('MESSAGE', carol) !== undefined && recorded('GROUP_UPDATE', alice) !== undefined, 15_000);
    bob.inbox.deferredBounds.configure(limits);
  }, 60_000);
  afterAll(async () => w.close());

  it('keeps a genuine future-epoch message within the bounds and applies it when its epoch arrives', async () => {
    expect(await bob.receive(recorded('MESSAGE', carol)!)).toBe(true);
    await bob.inbox.idle();
    expect(deferred()).toBe(1);
  });

  it('caps a member\'s and the group\'s deferred rows and refuses epochs too far ahead, each counted', async () => {
    for (let i = 0; i < 40; i += 1) await bob.receive(forged(carol, epoch + 1, 5_000 + i));
    await bob.inbox.idle();
    expect(deferred()).toBe(limits.perSender); // the genuine one kept its place among carol's ten
    expect(drops('deferred-sender-cap')).toBe(31);
    // The admin is capped like anyone; the group's cap binds before alice's own.
    for (let i = 0; i < 30; i += 1) await bob.receive(forged(alice, epoch + 1, 5_000 + i));
    await bob.inbox.idle();
    expect(deferred()).toBe(limits.perGroup);
    expect(drops('deferred-group-cap')).toBe(25);
    await bob.receive(forged(carol, epoch + 1 + limits.maxEpochsAhead + 1, 9_000));
    await bob.inbox.idle();
    expect(drops('deferred-epoch-too-far')).toBe(1);
    expect(deferred()).toBe(limits.perGroup);
  });

  it('applies the genuine one once the version arrives; the flood is dropped, nothing stays deferred', async () => {
    const shown = bob.events.waitFor('message', (m) => m.text === 'genuine, one epoch ahead', 15_000);
    await bob.receive(recorded('GROUP_UPDATE', alice)!);
    await shown;
    await bob.inbox.idle();
    expect(bob.getGroup(g).epoch).toBe(epoch + 1);
    // The flood's survivors are now in a reached epoch but far past their senders' last seqs: each
    // waits at most HOLD_MS for the seqs before it (sender-order.ts), then is refused like any
    // undecodable message. Nothing stays deferred.
    await waitUntil(bob.events, 'dropped', () => deferred() === 0, HOLD_MS + 10_000);
    expect(deferred()).toBe(0);
  });

  it('does not even store a removed member\'s future-epoch envelopes', async () => {
    const before = bob.stats().inbox;
    const stored = await Promise.all(Array.from({ length: 20 }, (_, i) => bob.receive(forged(dave, epoch + 2, 7_000 + i))));
    await bob.inbox.idle();
    expect(stored.every((s) => !s)).toBe(true);
    expect(bob.stats().inbox).toEqual(before);
    expect(drops('deferred-not-member')).toBeGreaterThanOrEqual(20);
  });

  it('expires a deferred row: retried once more after its age, then dropped and counted', async () => {
    await bob.receive(forged(carol, epoch + 2, 9_500));
    await bob.inbox.idle();
    expect(deferred()).toBe(1);
    skew = 8 * 24 * 60 * 60 * 1000;
    bob.inbox.expireDeferred();
    await bob.inbox.idle();
    expect(deferred()).toBe(0);
    expect(drops('deferred-expired')).toBe(1);
  });
});
