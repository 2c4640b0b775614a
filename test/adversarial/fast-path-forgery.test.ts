import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import { engineContextOf } from '../../main/core/engine/engine-internals.js';
import { fromBase64Url, toBase64Url } from '../../main/core/encoding/base64url.js';
import { buildEnvelope } from '../../main/core/envelopes/envelope-builder.js';
import { acquireSignaturePool, type SignaturePool } from '../../main/core/envelopes/signature-pool.js';
import { blake2b256 } from '../../main/core/crypto/hash.js';
import { decodeWire, encodeWire } from '../../main/core/wire/wire-codec.js';
import { ackSchema } from '../../main/core/wire/wire-schemas.js';
import { untilAll, type Inbox } from '../helpers/slim-test-kit.js';
import { userId } from '../helpers/test-engines.js';
import { forged, openSigned, withUnknownField, wrap } from './attack-kit.js';
import { atEpoch, hostileWorld, joinedGroup, outsiderKeys, publishRaw, queuedBytes, type HostileWorld } from './hostile-world.js';

/**
 * The receive side's fast paths, attacked over a real SLIM node (issue 13 and the held-replay and
 * decode-cache shortcuts): a raw publisher mixes bob's genuine envelopes with forged copies in
 * bursts large enough for the signature pool, sends altered copies of envelopes already decoded,
 * and re-sends envelopes alice already holds with altered bytes. Every genuine one is stored, no
 * forged one is stored, shown or acknowledged, and the drop counters say why, exactly as the slow
 * path (verify everything on the engine's thread) would.
 *
 * Frames published one by one usually reach the engine 1-3 per tick (the received queue hands a tick's
 * envelopes to the pool from 16 on), so the per-frame bursts take the pool only now and then; the
 * catch-up reply's envelopes are always received in one tick, so that test always takes it.
 */
const N = 24; // per kind of forgery: a burst of 6 x 24 frames, far past POOL_MIN_BATCH (16)
const TIMEOUT = 90_000;

const seqOf = (bytes: Uint8Array): number => openSigned(bytes).envelope.seq;
const idOf = (bytes: Uint8Array): string => toBase64Url(blake2b256(openSigned(bytes).envelopeBytes));

/** The same envelope with `from` replaced by `to` in its (plaintext) body, under the original signature. */
function alteredBody(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const { envelope, signature } = openSigned(bytes);
  return wrap(encodeWire('Envelope', { ...envelope, body: replaced(envelope.body, from, to) }), signature);
}

function replaced(body: Uint8Array, from: string, to: string): Uint8Array {
  const at = Buffer.from(body).indexOf(from);
  if (at < 0 || from.length !== to.length) throw new Error(`'${from}' is not in the body`);
  const out = Uint8Array.from(body);
  out.set(Buffer.from(to), at);
  return out;
}

/** Ids the envelopes' recipients acknowledged to the attacker's name, by acknowledging user. */
function ackedIds(inbox: Inbox, by: Engine): Set<string> {
  const ids = new Set<string>();
  for (const m of inbox.messages) {
    let opened;
    try {
      opened = openSigned(m.blob);
    } catch {
      continue;
    }
    if (opened.envelope.type !== 'ACK' || toBase64Url(opened.envelope.sender) !== userId(by)) continue;
    for (const id of decodeWire('Ack', ackSchema, opened.envelope.body).envelopeIds) ids.add(toBase64Url(id));
  }
  return ids;
}

/**
 * Counts drop events by reason from now on. Each burst ends with a genuine envelope: once it is shown
 * and the inbox is idle, every frame sent before it was decided (the inbox takes rows in order).
 */
function dropWatch(engine: Engine): { reasons: Record<string, number>; off(): void } {
  const reasons: Record<string, number> = {};
  const off = engine.events.on('dropped', (d) => {
    reasons[d.reason] = (reasons[d.reason] ?? 0) + 1;
  });
  return { reasons, off };
}

/**
 * The reasons counted: exactly `exact`, plus only duplicate genuine envelopes ('replay', at least
 * `replays`): a member's periodic gap check may fetch by catch-up what a burst is also delivering.
 */
function expectReasons(reasons: Record<string, number>, exact: Record<string, number>, replays = 0): void {
  const { replay = 0, ...rest } = reasons;
  expect(rest).toEqual(exact);
  expect(replay).toBeGreaterThanOrEqual(replays);
}

/** Resolves once every text of `texts` was shown by `engine` (event-driven). */
function shown(engine: Engine, g: string, texts: readonly string[]): Promise<unknown> {
  const missing = new Set(texts);
  return engine.events.waitFor('message', (m) => m.groupId === g && missing.delete(m.text) && missing.size === 0, TIMEOUT);
}

const bobsTexts = (engine: Engine, g: string, bob: Engine): string[] =>
  engine.latestMessages(g, 500).messages.filter((m) => m.sender === userId(bob)).map((m) => m.text);

describe('fast paths refuse what the slow path refuses (over a real SLIM node)', () => {
  let w: HostileWorld;
  let alice: Engine, bob: Engine, carol: Engine, dave: Engine;
  let g: string;
  let probe: SignaturePool;
  /** bob's genuine envelopes, by seq, never published by his client; and their texts. */
  let genuine: Uint8Array[];
  const text = (i: number): string => `valid-${String(i).padStart(3, '0')}`;
  const forgedText = (i: number): string => `forgd-${String(i).padStart(3, '0')}`;
  const equivText = (i: number): string => `equiv-${String(i).padStart(3, '0')}`;
  /** dave's envelopes, signed after alice removed him (he was offline and did not know). */
  let daves: Uint8Array[];

  beforeAll(async () => {
    w = await hostileWorld(['alice', 'bob', 'carol', 'dave']);
    const engine = (name: string): Engine => (w.people[name] as { engine: Engine }).engine;
    [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(engine) as [Engine, Engine, Engine, Engine];
    // 'none': the body is plaintext, so only the signature keeps an altered text out.
    g = await joinedGroup(alice, [bob, carol, dave], 'none', 'Fast paths');
    await w.offline('dave');
    for (let i = 0; i < N; i++) await dave.sendText(g, `dave-${i}`);
    daves = queuedBytes(dave);
    await alice.removeMembers(g, [userId(dave)]);
    await atEpoch(alice.getGroup(g).epoch, g, [bob, carol]);
    await w.offline('bob');
    for (let i = 0; i < 3 * N + 2; i++) await bob.sendText(g, text(i));
    genuine = queuedBytes(bob).sort((a, b) => seqOf(a) - seqOf(b));
    expect(genuine).toHaveLength(3 * N + 2);
    // The pool's workers are up (the first question waits for one): from now on a burst of 16 or
    // more received in one tick is verified there, not on the engine's thread.
    probe = acquireSignaturePool();
    const answer = (await probe.check([genuine[0] as Uint8Array])) ?? [];
    expect(answer.map((p) => toBase64Url(p.id))).toEqual([idOf(genuine[0] as Uint8Array)]);
    expect(probe.ready()).toBe(true);
  }, 120_000);
  afterAll(async () => {
    probe.release();
    await w.close();
  });

  it('a burst mixing genuine envelopes with forged copies stores exactly the genuine ones', async () => {
    const attacker = await w.raw('kizuna/attackers/burst');
    const eve = outsiderKeys();
    const asBob = { ...eve, signPublic: fromBase64Url(userId(bob)) as Uint8Array };
    const gid = fromBase64Url(g) as Uint8Array;
    const epoch = alice.getGroup(g).epoch;
    const frames: Uint8Array[] = [];
    const forgedIds = new Set<string>();
    for (let i = 0; i < N; i++) {
      const v = genuine[i] as Uint8Array;
      const { envelope } = openSigned(v);
      // Same id, other bytes (a flipped signature), sent first: the pool's good pair for v must not cover it.
      frames.push(forged(v), v);
      // Decoded and cached as v just before: an altered body under v's signature is its own bytes.
      const altered = alteredBody(v, text(i), forgedText(i));
      // eve signs under bob's id (the signature does not hold for him), at a sequence number he never used.
      const claimed = buildEnvelope(asBob, { groupId: gid, epoch, type: 'MESSAGE', seq: 1000 + i, sentAt: Date.now(), body: replaced(envelope.body, text(i), forgedText(i)) });
      // eve signs as herself (a valid signature by a key the group never had), and dave after his removal.
      const own = buildEnvelope(eve, { groupId: gid, epoch, type: 'MESSAGE', seq: i + 1, sentAt: Date.now(), body: envelope.body });
      frames.push(altered, claimed.bytes, own.bytes, daves[i] as Uint8Array);
      for (const f of [altered, claimed.bytes, own.bytes]) forgedIds.add(idOf(f));
    }
    // A last genuine one: once both acks for it are in, any ack for what came before it would be too.
    const sentinel = genuine[N] as Uint8Array;
    frames.push(sentinel);
    const valid = Array.from({ length: N + 1 }, (_, i) => text(i));

    const drops = [dropWatch(alice), dropWatch(carol)];
    const allShown = Promise.all([alice, carol].map((e) => shown(e, g, valid)));
    for (const f of frames) publishRaw(attacker, { group: g }, f, 'MESSAGE', g);
    await allShown;
    await Promise.all([alice, carol].map((e) => e.inbox.idle()));
    await untilAll([attacker], () => [alice, carol].every((e) => ackedIds(attacker, e).has(idOf(sentinel))), TIMEOUT);
    for (const d of drops) d.off();

    for (const [e, d] of [[alice, drops[0]], [carol, drops[1]]] as const) {
      expect(bobsTexts(e, g, bob).sort()).toEqual(valid);
      // The altered and eve's copies always fail their signature. A flipped copy, sent before its
      // genuine envelope, does too, unless a gap check fetched the genuine one from another member
      // first: then it is settled as a replay of what is held (and not acknowledged, test below).
      const { 'envelope-bad-signature': badSignature = 0, replay = 0, ...rest } = d?.reasons ?? {};
      expect(rest).toEqual({ 'unknown-sender': N, 'sender-removed': N });
      expect(badSignature).toBeGreaterThanOrEqual(2 * N);
      expect(badSignature).toBeLessThanOrEqual(3 * N);
      expect(badSignature + replay).toBeGreaterThanOrEqual(3 * N);
      const acked = ackedIds(attacker, e);
      expect([...forgedIds].filter((id) => acked.has(id))).toEqual([]);
      for (const v of genuine.slice(0, N + 1)) expect(acked.has(idOf(v))).toBe(true);
    }
    expect(alice.latestMessages(g, 500).messages.map((m) => m.text)).not.toContain(forgedText(0));
  }, TIMEOUT * 2);

  it('held envelopes re-sent with altered bytes are refused for what they are, and only exact replays are acknowledged', async () => {
    // bob's next envelopes reach alice and carol through a relay (so no ack for them goes to the attacker).
    const relay = await w.raw('kizuna/relays/held');
    const held = genuine.slice(N + 1, 2 * N + 1);
    const heldTexts = held.map((_, i) => text(N + 1 + i));
    const stored = Promise.all([alice, carol].map((e) => shown(e, g, heldTexts)));
    for (const h of held) publishRaw(relay, { group: g }, h, 'MESSAGE', g);
    await stored;

    const attacker = await w.raw('kizuna/attackers/held');
    const bobKeys = engineContextOf(bob).self();
    const frames: Uint8Array[] = [];
    const mustNotAck = new Set<string>();
    const replayed: string[] = [];
    held.forEach((h, i) => {
      const { envelope } = openSigned(h);
      const t = heldTexts[i] as string;
      // An exact replay (even i) or the same id with a flipped signature (odd i): both settled as replays.
      if (i % 2 === 0) {
        frames.push(h);
        replayed.push(idOf(h));
      } else {
        frames.push(forged(h));
        mustNotAck.add(idOf(h));
      }
      const altered = alteredBody(h, t, forgedText(N + 1 + i));
      // bob's own signature over another body at the same number (equivocation). Stored, so acknowledged
      // like anything stored with a good signature, then refused: its id is not `altered`'s, to tell them apart.
      const other = buildEnvelope(bobKeys, { groupId: envelope.groupId, epoch: envelope.epoch, type: 'MESSAGE', seq: envelope.seq, sentAt: envelope.sentAt, body: replaced(envelope.body, t, equivText(N + 1 + i)) });
      frames.push(other.bytes, altered, withUnknownField(h));
      mustNotAck.add(idOf(altered));
    });
    const sentinel = genuine[2 * N + 1] as Uint8Array;
    frames.push(sentinel);

    const drops = [dropWatch(alice), dropWatch(carol)];
    const last = Promise.all([alice, carol].map((e) => shown(e, g, [text(2 * N + 1)])));
    for (const f of frames) publishRaw(attacker, { group: g }, f, 'MESSAGE', g);
    await last;
    await Promise.all([alice, carol].map((e) => e.inbox.idle()));
    const refused = { equivocation: N, 'envelope-bad-signature': N, 'envelope-malformed': N };
    await untilAll([attacker], () => [alice, carol].every((e) => ackedIds(attacker, e).has(idOf(sentinel))), TIMEOUT);
    for (const d of drops) d.off();

    const all = Array.from({ length: 2 * N + 2 }, (_, i) => text(i));
    for (const [e, d] of [[alice, drops[0]], [carol, drops[1]]] as const) {
      expect(bobsTexts(e, g, bob).sort()).toEqual(all);
      expectReasons(d?.reasons ?? {}, refused, N);
      const acked = ackedIds(attacker, e);
      expect([...mustNotAck].filter((id) => acked.has(id))).toEqual([]);
      for (const id of replayed) expect(acked.has(id)).toBe(true);
    }
  }, TIMEOUT * 2);

  it('a catch-up reply carrying a burst (one tick: the pool verifies it) has its forged envelopes refused', async () => {
    // carol turns: her client goes, a raw one answers under her name with a reply she signs. alice
    // reconnects and asks the group what she missed; carol's reply carries bob's next envelopes, each
    // after a forged copy of it (same id), an altered copy (under its signature) and one eve signed as bob.
    await w.offline('carol');
    const carolsName = await w.raw(carol.getIdentity()?.slimName ?? '');
    const asBob = { ...outsiderKeys(), signPublic: fromBase64Url(userId(bob)) as Uint8Array };
    const gid = fromBase64Url(g) as Uint8Array;
    const next = genuine.slice(2 * N + 2, 3 * N + 2);
    const envelopes: Uint8Array[] = [];
    next.forEach((v, k) => {
      const i = 2 * N + 2 + k;
      const { envelope } = openSigned(v);
      const claimed = buildEnvelope(asBob, { groupId: gid, epoch: envelope.epoch, type: 'MESSAGE', seq: 2000 + k, sentAt: Date.now(), body: replaced(envelope.body, text(i), forgedText(i)) });
      envelopes.push(forged(v), v, alteredBody(v, text(i), forgedText(i)), claimed.bytes);
    });
    const reply = carol.signEnvelope({
      groupId: gid, epoch: 0, type: 'SYNC_REPLY', seq: 0, sentAt: Date.now(), recipient: fromBase64Url(userId(alice)) as Uint8Array,
      body: encodeWire('SyncReply', { envelopes, marks: [], more: false, skipTo: [] }),
    });
    const texts = next.map((_, k) => text(2 * N + 2 + k));
    const drops = dropWatch(alice);
    const all = shown(alice, g, texts);
    // A reply is taken only as the answer to an open request: alice asks as she comes back.
    await w.offline('alice');
    await w.online('alice');
    publishRaw(carolsName, { name: alice.getIdentity()?.slimName ?? '' }, reply.bytes, 'SYNC_REPLY', g);
    await all;
    await alice.inbox.idle();
    drops.off();
    expectReasons(drops.reasons, { 'envelope-bad-signature': 3 * N });
    expect(bobsTexts(alice, g, bob).filter((t) => t.startsWith('forgd')).length).toBe(0);
    expect(bobsTexts(alice, g, bob).sort()).toEqual(Array.from({ length: 3 * N + 2 }, (_, i) => text(i)));
  }, TIMEOUT * 2);
});
