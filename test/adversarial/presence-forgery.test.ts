import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import { bytesEqual, fromBase64Url } from '../../main/core/encoding/base64url.js';
import { peekEnvelope, readEnvelope } from '../../main/core/envelopes/envelope-reader.js';
import type { PresenceChange } from '../../main/core/session/presence.js';
import type { SessionLayer } from '../../main/core/session/session-layer.js';
import { decodeWire, encodeWire } from '../../main/core/wire/wire-codec.js';
import { ackSchema } from '../../main/core/wire/wire-schemas.js';
import type { Inbox } from '../helpers/slim-test-kit.js';
import { userId } from '../helpers/test-engines.js';
import { waitUntil } from '../helpers/wait-for.js';
import { forged } from './attack-kit.js';
import { hostileWorld, joinedGroup, publishRaw, queuedBytes, type HostileWorld } from './hostile-world.js';

/**
 * Issue 8, "record before verify": anyone on the node can publish to a group's channel claiming a
 * member as sender. Presence (who is shown online) must follow what that member signed: a forged
 * heartbeat or message claiming an offline member leaves them offline; a genuinely signed heartbeat
 * (the control) does make them online, so the test fails if presence stopped working altogether.
 */
describe('forged envelopes claiming an offline member do not make them online (over a real SLIM node)', () => {
  let w: HostileWorld;
  let alice: Engine, bob: Engine, carol: Engine;
  let g: string;
  let gid: Uint8Array;
  let attacker: Inbox;
  let carolId: string;
  const changes: PresenceChange[] = [];

  const session = (name: string): SessionLayer => {
    const s = w.people[name]?.session;
    if (s === undefined) throw new Error(`${name} is offline`);
    return s;
  };
  const carolHeartbeat = (): Uint8Array =>
    carol.signEnvelope({ groupId: gid, epoch: carol.getGroup(g).epoch, type: 'HEARTBEAT', seq: 0, sentAt: Date.now(), body: encodeWire('Heartbeat', { ownSeq: 0, have: [] }) }).bytes;

  beforeAll(async () => {
    w = await hostileWorld(['alice', 'bob', 'carol']);
    const engine = (name: string): Engine => (w.people[name] as { engine: Engine }).engine;
    [alice, bob, carol] = ['alice', 'bob', 'carol'].map(engine) as [Engine, Engine, Engine];
    g = await joinedGroup(alice, [bob, carol], 'sealed', 'presence-forgery');
    gid = fromBase64Url(g) as Uint8Array;
    carolId = userId(carol);
    attacker = await w.raw('kizuna/attackers/presence');
    // carol goes away; alice and bob show her offline once her heartbeats stop (two missed beats).
    const watchers = ['alice', 'bob'].map((name) => ({
      name,
      gone: session(name).events.waitFor('presence', (c) => c.groupId === g && c.userId === carolId && !c.online, 60_000),
    }));
    await w.offline('carol');
    for (const { name, gone } of watchers) {
      if (session(name).onlineMembers(g).includes(carolId)) await gone;
      else void gone.catch(() => {});
    }
    session('alice').events.on('presence', (c) => changes.push(c));
  });
  afterAll(async () => w.close());

  it('a forged heartbeat and a forged message claiming carol leave her offline at alice', async () => {
    // A message carol queued while offline (genuine bytes), with its signature broken.
    await carol.sendText(g, 'never from carol');
    const message = forged(queuedBytes(carol)[0] as Uint8Array);
    const dropped = alice.events.waitFor('dropped', (d) => d.reason === 'envelope-bad-signature', 30_000);
    // Heartbeat first, on the same stream: the router handles it before the message reaches the inbox.
    publishRaw(attacker, { group: g }, forged(carolHeartbeat()), 'HEARTBEAT', g);
    publishRaw(attacker, { group: g }, message, 'MESSAGE', g);
    await dropped;
    await alice.inbox.idle();
    expect(session('alice').onlineMembers(g)).not.toContain(carolId);
    expect(changes.filter((c) => c.userId === carolId && c.online)).toEqual([]);
    // bob's view is the same: nothing signed by carol reached him either.
    expect(session('bob').onlineMembers(g)).not.toContain(carolId);
  });

  it('control: a heartbeat carol really signed (relayed by anyone) does show her online', async () => {
    const online = session('alice').events.waitFor('presence', (c) => c.groupId === g && c.userId === carolId && c.online, 30_000);
    publishRaw(attacker, { group: g }, carolHeartbeat(), 'HEARTBEAT', g);
    await online;
    expect(session('alice').onlineMembers(g)).toContain(carolId);
  });

  /** How often alice acknowledged `id` in the ACKs that reached the attacker's name. */
  const ackedToAttacker = (id: Uint8Array): number => {
    const alicesId = fromBase64Url(userId(alice)) as Uint8Array;
    let n = 0;
    for (const m of attacker.messages) {
      try {
        if (peekEnvelope(m.blob).type !== 'ACK') continue;
        const e = readEnvelope(m.blob).envelope;
        if (!bytesEqual(e.sender, alicesId)) continue;
        n += decodeWire('Ack', ackSchema, e.body).envelopeIds.filter((x) => bytesEqual(x, id)).length;
      } catch {
        continue;
      }
    }
    return n;
  };

  it('a forged copy of a member\'s message is not acknowledged (its genuine sender would stop resending); a genuine one is', async () => {
    await carol.sendText(g, 'forged copy of this');
    await carol.sendText(g, 'genuine after it');
    const [copied, sentinel] = queuedBytes(carol).slice(-2) as [Uint8Array, Uint8Array];
    const dropped = alice.events.waitFor('dropped', (d) => d.reason === 'envelope-bad-signature', 30_000);
    publishRaw(attacker, { group: g }, forged(copied), 'MESSAGE', g);
    await dropped;
    // Genuine bytes, relayed by the attacker: acknowledged to the name they came from, after
    // anything acknowledged for the forged copy (one batcher, stored in this order).
    publishRaw(attacker, { group: g }, sentinel, 'MESSAGE', g);
    await waitUntil(attacker.client, 'message', () => ackedToAttacker(peekEnvelope(sentinel).id) >= 1, 30_000);
    expect(ackedToAttacker(peekEnvelope(copied).id)).toBe(0);
  });
});
