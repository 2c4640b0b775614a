import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import { bytesEqual, fromBase64Url } from '../../main/core/encoding/base64url.js';
import { peekEnvelope } from '../../main/core/envelopes/envelope-reader.js';
import { encodeWire } from '../../main/core/wire/wire-codec.js';
import type { Inbox } from '../helpers/slim-test-kit.js';
import { userId } from '../helpers/test-engines.js';
import { waitUntil } from '../helpers/wait-for.js';
import { forged } from './attack-kit.js';
import { syncAttackWorld, publishRaw, queuedBytes, type HostileWorld } from './hostile-world.js';

/**
 * Issue 8, class 5: forged sync requests. Anyone on the node can publish a request claiming a member
 * as its sender; one whose signature does not verify is answered with nothing and counted
 * (`sync-bad-signature`). And the replay caches record an id only after its signature verified:
 * otherwise a forged copy sent first (same signed bytes, so the same id, but a bad signature) would
 * make the genuine one be refused as a replay.
 */
describe('forged sync requests and the replay cache (over a real SLIM node)', () => {
  let w: HostileWorld;
  let alice: Engine, carol: Engine;
  let g: string;
  let gid: Uint8Array;
  let attacker: Inbox;
  let carolsName: Inbox;

  beforeAll(async () => {
    // carol's client goes away; a raw one listens under her name: every answer meant for her lands there.
    ({ w, alice, carol, g, gid, carolsName, attacker } = await syncAttackWorld('forgery', 'kizuna/attackers/forger', { history: 'history to serve' }));
  });
  afterAll(async () => w.close());

  const carolRequest = (): Uint8Array =>
    carol.signEnvelope({ groupId: gid, epoch: 0, type: 'SYNC_REQUEST', seq: 0, sentAt: Date.now(), body: encodeWire('SyncRequest', { have: [], anyone: true }) }).bytes;

  /** Sync replies alice sent to carol's name so far. */
  const alicesReplies = (): number => {
    const alicesId = fromBase64Url(userId(alice)) as Uint8Array;
    return carolsName.messages.filter((m) => {
      try {
        const e = peekEnvelope(m.blob);
        return e.type === 'SYNC_REPLY' && bytesEqual(e.sender, alicesId);
      } catch {
        return false;
      }
    }).length;
  };
  const untilAlicesReplies = (n: number): Promise<void> => waitUntil(carolsName.client, 'message', () => alicesReplies() >= n, 15_000);

  it('drops a forged request claiming a member (sync-bad-signature) and sends no reply bytes for it', async () => {
    let refused = 0;
    const off = alice.events.on('dropped', (d) => {
      if (d.reason === 'sync-bad-signature' && d.groupId === g) refused += 1;
    });
    for (let i = 0; i < 3; i += 1) publishRaw(attacker, { group: g }, forged(carolRequest()), 'SYNC_REQUEST', g);
    await waitUntil(alice.events, 'dropped', () => refused >= 3, 15_000);
    off();
    expect(alicesReplies()).toBe(0);
    // alice answers in order on one stream: had she answered a forged request, that reply would come
    // before the answer to the genuine request sent now.
    publishRaw(attacker, { group: g }, carolRequest(), 'SYNC_REQUEST', g);
    await untilAlicesReplies(1);
    expect(alicesReplies()).toBe(1);
    expect(attacker.messages).toEqual([]);
  });

  it('a forged copy sent first does not make the genuine request a replay (ids recorded only once verified)', async () => {
    const genuine = carolRequest();
    const before = alicesReplies();
    const forgeryRefused = alice.events.waitFor('dropped', (d) => d.reason === 'sync-bad-signature' && d.groupId === g, 15_000);
    publishRaw(attacker, { group: g }, forged(genuine), 'SYNC_REQUEST', g);
    await forgeryRefused;
    let replays = 0;
    const off = alice.events.on('dropped', (d) => {
      if (d.reason === 'sync-replay') replays += 1;
    });
    publishRaw(attacker, { group: g }, genuine, 'SYNC_REQUEST', g);
    await untilAlicesReplies(before + 1);
    off();
    expect(replays).toBe(0);
    // The genuine request is now in the cache: the same bytes again are the replay.
    const replay = alice.events.waitFor('dropped', (d) => d.reason === 'sync-replay' && d.groupId === g, 15_000);
    publishRaw(attacker, { group: g }, genuine, 'SYNC_REQUEST', g);
    await replay;
  });

  it('the same for envelopes: a forged copy of a message first, then the genuine one is shown', async () => {
    await carol.sendText(g, 'genuine after a forgery');
    const message = queuedBytes(carol).at(-1) as Uint8Array;
    const refused = alice.events.waitFor('dropped', (d) => d.reason === 'envelope-bad-signature', 15_000);
    publishRaw(attacker, { group: g }, forged(message), 'MESSAGE', g);
    await refused;
    const shown = alice.events.waitFor('message', (m) => m.text === 'genuine after a forgery', 15_000);
    publishRaw(attacker, { group: g }, message, 'MESSAGE', g);
    await shown;
  });
});
