import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import { bytesEqual, fromBase64Url } from '../../main/core/encoding/base64url.js';
import { peekEnvelope } from '../../main/core/envelopes/envelope-reader.js';
import { buildEnvelope } from '../../main/core/envelopes/envelope-builder.js';
import { DEFAULT_SYNC_BUDGET } from '../../main/core/session/sync-guard.js';
import { encodeWire } from '../../main/core/wire/wire-codec.js';
import type { Inbox } from '../helpers/slim-test-kit.js';
import { userId } from '../helpers/test-engines.js';
import { waitUntil } from '../helpers/wait-for.js';
import { syncAttackWorld, outsiderKeys, publishRaw, queuedBytes, type HostileWorld } from './hostile-world.js';

/**
 * Issue 8, class 5: history sync cannot be turned against the group. Requests are answered only to
 * the asker's own SLIM name from the group's record (no reflection), only while fresh and once, only
 * for members, within a per-requester budget; marks count only from the sender itself or the admin.
 */
describe('catch-up abuse (over a real SLIM node)', () => {
  let w: HostileWorld;
  let alice: Engine, bob: Engine, carol: Engine;
  let g: string;
  let gid: Uint8Array;
  let attacker: Inbox;
  let carolsName: Inbox;
  /** Set: alice's clock stands still (her budgets get nothing back, however slow the machine). */
  let aliceClock: number | undefined;

  beforeAll(async () => {
    // carol (a member) turns attacker: her own client goes away, a raw one listens under her name.
    ({ w, alice, bob, carol, g, gid, carolsName, attacker } = await syncAttackWorld('catch-up', 'kizuna/attackers/reflector', {
      clocks: { alice: () => aliceClock ?? Date.now() },
      history: 'history to serve',
    }));
  });
  afterAll(async () => w.close());

  const carolRequest = (sentAt = Date.now()): Uint8Array =>
    carol.signEnvelope({ groupId: gid, epoch: 0, type: 'SYNC_REQUEST', seq: 0, sentAt, body: encodeWire('SyncRequest', { have: [], anyone: true }) }).bytes;

  it('answers a request only to the asker\'s own name, never to where it came from (no reflection)', async () => {
    publishRaw(attacker, { group: g }, carolRequest(), 'SYNC_REQUEST', g);
    await carolsName.until(1, 15_000);
    expect(attacker.messages).toEqual([]);
  });

  it('refuses replayed, stale and outsiders\' requests before decoding them', async () => {
    const request = carolRequest();
    publishRaw(attacker, { group: g }, request, 'SYNC_REQUEST', g);
    const replay = alice.events.waitFor('dropped', (d) => d.reason === 'sync-replay' && d.groupId === g, 15_000);
    publishRaw(attacker, { group: g }, request, 'SYNC_REQUEST', g);
    await replay;
    const stale = alice.events.waitFor('dropped', (d) => d.reason === 'sync-stale' && d.groupId === g, 15_000);
    publishRaw(attacker, { group: g }, carolRequest(Date.now() - 10 * 60_000), 'SYNC_REQUEST', g);
    await stale;
    const outsider = buildEnvelope(outsiderKeys(), { groupId: gid, epoch: 0, type: 'SYNC_REQUEST', seq: 0, sentAt: Date.now(), body: encodeWire('SyncRequest', { have: [], anyone: true }) });
    const notMember = alice.events.waitFor('dropped', (d) => d.reason === 'sync-not-member' && d.groupId === g, 15_000);
    publishRaw(attacker, { group: g }, outsider.bytes, 'SYNC_REQUEST', g);
    await notMember;
    expect(attacker.messages).toEqual([]);
  });

  it('keeps each requester within a budget of answers: a member spamming requests gets a bounded number', async () => {
    // alice's clock stands still: the budget is its burst alone, however slow the machine is.
    aliceClock = Date.now();
    const at = aliceClock;
    const requests = 120;
    let refused = 0;
    const off = alice.events.on('dropped', (d) => {
      if (d.groupId === g && d.reason === 'sync-over-budget') refused += 1;
    });
    const alicesId = fromBase64Url(userId(alice)) as Uint8Array;
    const alicesReplies = (): number => carolsName.messages.filter((m) => peekSender(m.blob, 'SYNC_REPLY', alicesId)).length;
    const before = alicesReplies();
    for (let i = 0; i < requests; i += 1) publishRaw(attacker, { group: g }, carolRequest(at - i), 'SYNC_REQUEST', g);
    await waitUntil(alice.events, 'dropped', () => refused > 0, 20_000);
    // Still over budget for one more (nothing came back), and never more answers than the burst (a
    // loaded machine may lose some requests on the way, so fewer is possible; more is not).
    const more = refused + 1;
    publishRaw(attacker, { group: g }, carolRequest(at - requests), 'SYNC_REQUEST', g);
    await waitUntil(alice.events, 'dropped', () => refused >= more, 20_000);
    off();
    aliceClock = undefined;
    expect(alicesReplies() - before).toBeLessThanOrEqual(DEFAULT_SYNC_BUDGET.answers);
    expect(attacker.messages).toEqual([]);
  });

  it('takes marks only from the sender itself or the admin (no cursor rows for anyone, no endless rounds)', async () => {
    await carol.sendText(g, 'carried by a sync reply');
    const [m] = queuedBytes(carol);
    const stranger = outsiderKeys().userId;
    const reply = carol.signEnvelope({
      groupId: gid, epoch: 0, type: 'SYNC_REPLY', seq: 0, sentAt: Date.now(), recipient: fromBase64Url(userId(bob)) as Uint8Array,
      body: encodeWire('SyncReply', { envelopes: [m!], marks: [{ sender: stranger, seq: 500 }, { sender: fromBase64Url(userId(alice)) as Uint8Array, seq: 900 }], more: false, skipTo: [] }),
    });
    // A reply is taken only as an answer to an open request of bob's: he reconnects and asks the group
    // (carol, offline, has not answered it; her raw client's reply is what answers).
    await w.offline('bob');
    await w.online('bob');
    const shown = bob.events.waitFor('message', (x) => x.text === 'carried by a sync reply', 15_000);
    publishRaw(attacker, { name: bob.getIdentity()?.slimName ?? '' }, reply.bytes, 'SYNC_REPLY', g);
    await shown;
    expect(bob.channels.missing(gid)).toBe(0);
  });
});

/** Whether bytes are an envelope of `type` from `sender` (anything undecodable is not). */
function peekSender(bytes: Uint8Array, type: string, sender: Uint8Array): boolean {
  try {
    const e = peekEnvelope(bytes);
    return e.type === type && bytesEqual(e.sender, sender);
  } catch {
    return false;
  }
}
