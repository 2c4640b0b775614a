import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import { bytesEqual, fromBase64Url } from '../../main/core/encoding/base64url.js';
import { buildEnvelope } from '../../main/core/envelopes/envelope-builder.js';
import { peekEnvelope, type PeekedEnvelope } from '../../main/core/envelopes/envelope-reader.js';
import { groupChannelName } from '../../main/core/kernel/channel-names.js';
import { DEFAULT_FOLLOW_UP_RATE } from '../../main/core/session/sync-follow-ups.js';
import type { IncomingPublish } from '../../main/core/transport/slim-message-reader.js';
import { encodeWire } from '../../main/core/wire/wire-codec.js';
import { parseSlimName } from '../../shared/domain/slim-name.js';
import { collect, type Inbox } from '../helpers/slim-test-kit.js';
import { userId } from '../helpers/test-engines.js';
import { waitUntil } from '../helpers/wait-for.js';
import { PATIENT_LIVENESS, syncAttackWorld, outsiderKeys, publishRaw, type HostileWorld } from './hostile-world.js';

/**
 * Issue 8, class 5: `more` in a sync reply. A reply is signed by its responder but tied to no request,
 * so anyone could send replies with `more` set, each one making a member ask again. A `more` is
 * followed up only from a member, for an open request of ours, asked of that responder alone (never
 * the whole group), and within a per-group rate. bob's clock is held still while the rate is tested,
 * so no token comes back in between however slow the machine is.
 */
describe('sync `more` abuse (over a real SLIM node)', () => {
  let w: HostileWorld;
  let alice: Engine, bob: Engine, carol: Engine;
  let g: string;
  let gid: Uint8Array;
  let attacker: Inbox;
  let carolsName: Inbox;
  /** Everything published to the group's channel (anyone on the node may subscribe to it). */
  let channel: Inbox;
  /** An envelope bob already holds, for the replies to carry (a genuine `more` reply carries envelopes). */
  let carried: Uint8Array;
  let bobClock: number | undefined;

  beforeAll(async () => {
    ({ w, alice, bob, carol, g, gid, carolsName, attacker } = await syncAttackWorld('more', 'kizuna/attackers/more', { clocks: { bob: () => bobClock ?? Date.now() } }));
    const watcher = await w.kit.client(w.node.endpoint, 'kizuna/attackers/watcher', { liveness: PATIENT_LIVENESS });
    await watcher.subscribe(parseSlimName(groupChannelName(gid)));
    channel = collect(watcher);
    const held = bob.events.waitFor('message', (m) => m.text === 'carried again', 15_000);
    await alice.sendText(g, 'carried again');
    await held;
    await waitUntil(channel.client, 'message', () => channel.messages.some((m) => peeked(m)?.type === 'MESSAGE'), 15_000);
    carried = channel.messages.find((m) => peeked(m)?.type === 'MESSAGE')?.blob as Uint8Array;
  });
  afterAll(async () => w.close());

  const bobsId = (): Uint8Array => fromBase64Url(userId(bob)) as Uint8Array;
  const bobsName = (): string => bob.getIdentity()?.slimName ?? '';
  /** Sync requests from bob that reached an inbox. */
  const bobsRequests = (inbox: Inbox): number =>
    inbox.messages.filter((m) => {
      const e = peeked(m);
      return e?.type === 'SYNC_REQUEST' && bytesEqual(e.sender, bobsId());
    }).length;
  const moreReply = (from: Parameters<typeof buildEnvelope>[0] | Engine): Uint8Array => {
    const fields = {
      groupId: gid, epoch: 0, type: 'SYNC_REPLY' as const, seq: 0 as const, sentAt: Date.now(), recipient: bobsId(),
      body: encodeWire('SyncReply', { envelopes: [carried], marks: [], more: true, skipTo: [] }),
    };
    return 'signEnvelope' in from ? from.signEnvelope(fields).bytes : buildEnvelope(from, fields).bytes;
  };

  it('a `more` from a non-member asks nobody anything (sync-more-not-member, or sync-unsolicited)', async () => {
    const groupWide = bobsRequests(channel);
    let refused = 0;
    // Only a reply answering bob's open request gets as far as its `more` (sync-more-not-member); the
    // outsider's others answer nothing of his and are refused before decoding (sync-unsolicited).
    const off = bob.events.on('dropped', (d) => {
      if ((d.reason === 'sync-more-not-member' || d.reason === 'sync-unsolicited') && d.groupId === g) refused += 1;
    });
    const outsider = outsiderKeys();
    for (let i = 0; i < 20; i += 1) publishRaw(attacker, { name: bobsName() }, moreReply(outsider), 'SYNC_REPLY', g);
    await waitUntil(bob.events, 'dropped', () => refused > 0, 15_000);
    // One more after those (one stream, in order): once it is refused, the ones before it were handled.
    // (Counted as refusals rather than expected as exactly 20: a loaded machine may lose some on the way.)
    const last = refused + 1;
    publishRaw(attacker, { name: bobsName() }, moreReply(outsider), 'SYNC_REPLY', g);
    await waitUntil(bob.events, 'dropped', () => refused >= last, 15_000);
    off();
    expect(bobsRequests(channel)).toBe(groupWide);
    expect(bobsRequests(carolsName)).toBe(0);
  });

  it('a member answering every follow-up with `more` gets the per-group burst of follow-ups, each to it alone; a replay gets none', async () => {
    bobClock = Date.now(); // held still from here: the follow-up rate gets no tokens back
    // The attacker (carol's keys, listening at carol's name) answers each of bob's follow-ups with another `more`.
    const pong = (m: IncomingPublish): void => {
      const e = peeked(m);
      if (e?.type === 'SYNC_REQUEST' && bytesEqual(e.sender, bobsId())) publishRaw(attacker, { name: bobsName() }, moreReply(carol), 'SYNC_REPLY', g);
    };
    const offPong = carolsName.client.on('message', pong);
    const rated = bob.events.waitFor('dropped', (d) => d.reason === 'sync-more-rate' && d.groupId === g, 30_000);
    // bob reconnects and asks the whole group once: that open request is what the first `more` answers.
    const before = bobsRequests(channel);
    await w.offline('bob');
    await w.online('bob');
    await waitUntil(channel.client, 'message', () => bobsRequests(channel) > before, 15_000);
    const groupWide = bobsRequests(channel);
    const first = moreReply(carol);
    publishRaw(attacker, { name: bobsName() }, first, 'SYNC_REPLY', g);
    await rated;
    offPong();
    expect(bobsRequests(carolsName)).toBe(DEFAULT_FOLLOW_UP_RATE.burst);
    // The exchange asked the whole group nothing.
    expect(bobsRequests(channel)).toBe(groupWide);

    // The first reply again (a replay): its request was answered, nothing is asked.
    const replay = bob.events.waitFor('dropped', (d) => (d.reason === 'sync-unsolicited' || d.reason === 'sync-more-rate') && d.groupId === g, 15_000);
    publishRaw(attacker, { name: bobsName() }, first, 'SYNC_REPLY', g);
    await replay;
    expect(bobsRequests(carolsName)).toBe(DEFAULT_FOLLOW_UP_RATE.burst);
    expect(bobsRequests(channel)).toBe(groupWide);
  });
});

function peeked(m: IncomingPublish): PeekedEnvelope | undefined {
  try {
    return peekEnvelope(m.blob);
  } catch {
    return undefined;
  }
}
