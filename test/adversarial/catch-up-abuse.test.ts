import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import { buildEnvelope } from '../../main/core/envelopes/envelope-builder.js';
import { encodeWire } from '../../main/core/wire/wire-codec.js';
import type { Inbox } from '../helpers/slim-test-kit.js';
import { userId } from '../helpers/test-engines.js';
import { waitUntil } from '../helpers/wait-for.js';
import { hostileWorld, joinedGroup, outsiderKeys, publishRaw, queuedBytes, type HostileWorld } from './hostile-world.js';

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

  beforeAll(async () => {
    w = await hostileWorld(['alice', 'bob', 'carol']);
    const engine = (name: string): Engine => (w.people[name] as { engine: Engine }).engine;
    [alice, bob, carol] = ['alice', 'bob', 'carol'].map(engine) as [Engine, Engine, Engine];
    g = await joinedGroup(alice, [bob, carol], 'sealed', 'catch-up');
    gid = fromBase64Url(g) as Uint8Array;
    // carol (a member) turns attacker: her own client goes away, a raw one listens under her name.
    await w.offline('carol');
    carolsName = await w.raw(carol.getIdentity()?.slimName ?? '');
    attacker = await w.raw('kizuna/attackers/reflector');
    // Some history for requests to be answered with.
    const served = alice.events.waitFor('message', (m) => m.text === 'history to serve', 15_000);
    await bob.sendText(g, 'history to serve');
    await served;
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
    const started = Date.now();
    const requests = 120;
    let refused = 0;
    const off = alice.events.on('dropped', (d) => {
      if (d.groupId === g && (d.reason === 'sync-over-budget' || d.reason === 'sync-replay')) refused += 1;
    });
    for (let i = 0; i < requests; i += 1) publishRaw(attacker, { group: g }, carolRequest(Date.now() - i), 'SYNC_REQUEST', g);
    // Each request is answered or refused: at most (requests - refused) answers. The default budget is
    // 64 answers in a burst and 8 more a second, so alice must refuse the rest.
    const answeredAtMost = (): number => requests - refused;
    const withinBudget = (): boolean => answeredAtMost() <= Math.ceil(64 + 8 * ((Date.now() - started) / 1000));
    await waitUntil(alice.events, 'dropped', withinBudget, 20_000);
    off();
    expect(refused).toBeGreaterThan(0);
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
    const shown = bob.events.waitFor('message', (x) => x.text === 'carried by a sync reply', 15_000);
    publishRaw(attacker, { name: bob.getIdentity()?.slimName ?? '' }, reply.bytes, 'SYNC_REPLY', g);
    await shown;
    expect(bob.channels.missing(gid)).toBe(0);
  });
});
