import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import { engineContextOf } from '../../main/core/engine/engine-internals.js';
import { blake2b256 } from '../../main/core/crypto/hash.js';
import { toBase64Url } from '../../main/core/encoding/base64url.js';
import { HOLD_MS } from '../../main/core/ingest/sender-order.js';
import { encodeWire } from '../../main/core/wire/wire-codec.js';
import { isBlankText } from '../../main/core/messages/message-send.js';
import { FILE_CHUNK_BYTES, MAX_TEXT_CHARS } from '../../main/core/wire/wire-schemas.js';
import { WAITING } from '../../main/core/store/tables/channel-log-table.js';
import type { EncryptionMode, MessageView } from '../../shared/domain/views.js';
import { createWorldWithClocks, joinedGroup, type TestWorld } from '../helpers/test-world.js';
import { anyContentObject, idBytesOf, memberEnvelope } from './member-content.js';

/**
 * Fuzzing after decryption (issue 8): a member holds the group's keys, so it can send any content
 * bytes, validly encrypted and signed. Whatever it sends, the receiver (carol, a real engine on real
 * SQLite) shows it, applies it, makes it wait, or refuses it with a counted reason; it never fails
 * with an untyped error, never half-stores a refused one, and leaves no gap catch-up would chase.
 */
// Capped for the long run (`npm run fuzz`): every envelope waiting for a pin target is retried when a
// message is shown, so tens of thousands of runs would grow quadratically, not find more.
const RUNS = Math.min(Number(process.env.KIZUNA_FUZZ_RUNS ?? 25), 2000);
/** Each run is an engine round trip (tens of ms, more under load): the long run gets the time it needs. */
const TIMEOUT = 60_000 + RUNS * 300;

/** Every engine's clock: moved forward past a sender-order hold instead of waiting it out. */
let skew = 0;
const clock = (): number => Date.now() + skew;

interface Outcome {
  /** Drop reasons of envelopes from the hostile member in this delivery. */
  dropped: string[];
  shown: MessageView[];
  typing: number;
  /** What carol's channel log holds at the envelope's place (MESSAGE, REFUSED), if anything. */
  logged: string | undefined;
  messageStored: boolean;
}

describe.each<EncryptionMode>(['sealed', 'mls'])('decrypted content from a member, fuzzed (%s)', (mode) => {
  let world: TestWorld;
  let bob: Engine;
  let carol: Engine;
  let g: string;

  beforeAll(async () => {
    world = await createWorldWithClocks(['alice', 'bob', 'carol'], { alice: clock, bob: clock, carol: clock });
    const [alice, b, c] = world.engines as [Engine, Engine, Engine];
    bob = b;
    carol = c;
    g = await joinedGroup(world, alice, [bob, carol], mode);
  }, 60_000);

  afterAll(async () => {
    await world.close();
  });

  /** Carol gets one envelope; holds for earlier numbers are let go at once (the clock moves past them). */
  async function deliver(bytes: Uint8Array, id: Uint8Array, seq: number): Promise<Outcome> {
    const bobId = bob.getIdentity()?.userId;
    const out: Outcome = { dropped: [], shown: [], typing: 0, logged: undefined, messageStored: false };
    const allDropped: string[] = [];
    const offs = [
      carol.events.on('dropped', (d) => {
        allDropped.push(d.reason);
        if (d.sender === bobId) out.dropped.push(d.reason);
      }),
      carol.events.on('message', (m) => out.shown.push(m)),
      carol.events.on('typing', () => out.typing++),
    ];
    const before = carol.stats().dropped;
    await carol.receive(bytes);
    await carol.inbox.idle();
    skew += HOLD_MS + 1;
    carol.inbox.schedule();
    await carol.inbox.idle();
    for (const off of offs) off();
    // Every refusal is counted under its reason, and only typed errors ever reach a reason.
    const after = carol.stats().dropped;
    const counted = Object.entries(after).reduce((n, [r, c]) => n + c - (before[r] ?? 0), 0);
    expect(counted).toBe(allDropped.length);
    expect(allDropped).not.toContain('internal');
    const ctx = engineContextOf(carol);
    out.messageStored = ctx.store.read.messages.get(id) !== undefined;
    if (seq > 0) out.logged = ctx.store.read.log.get(idBytesOf(g), idBytesOf(bobId ?? ''), seq)?.type;
    return out;
  }

  /** The invariants every MESSAGE outcome keeps, whatever its content. */
  function expectWhole(o: Outcome, id: Uint8Array): void {
    const mine = o.shown.filter((m) => m.id === toBase64Url(id));
    if (o.dropped.length > 0) {
      // Refused: nothing of it shown or stored, its number used up (no gap for catch-up).
      expect(o.messageStored).toBe(false);
      expect(mine).toEqual([]);
      expect(o.logged).toBe('REFUSED');
    } else if (o.logged === 'MESSAGE') {
      // Applied: shown exactly when it is a message of its own (text, file offer), once.
      expect(mine.length).toBe(o.messageStored ? 1 : 0);
    } else {
      // Neither: it waits (a pin before its message, a chunk before its offer), held in the log (its number
      // taken, so its sender's later messages are not stopped behind it) and stored nowhere else.
      expect(o.logged).toBe(WAITING);
      expect(o.messageStored).toBe(false);
    }
    expect(o.typing).toBe(0);
  }

  async function send(plaintext: Uint8Array): Promise<Outcome & { id: Uint8Array }> {
    const built = await memberEnvelope(bob, g, plaintext);
    const o = await deliver(built.bytes, built.id, built.envelope.seq);
    expectWhole(o, built.id);
    return { ...o, id: built.id };
  }

  /** Numbers of bob's that carol has not logged between her contiguous run and the highest she knows of. */
  function holes(): number {
    const read = engineContextOf(carol).store.read.log;
    const group = idBytesOf(g);
    const sender = idBytesOf(bob.getIdentity()?.userId ?? '');
    const c = read.cursor(group, sender);
    if (c === undefined) return 0;
    return c.highest - c.contiguous - read.idsInRange(group, sender, c.contiguous, c.highest, 1_000_000).length;
  }

  const content = (value: object): Uint8Array => encodeWire('Content', value);

  it('shows well-formed texts, replies and file offers (deterministic)', async () => {
    const hello = await send(content({ text: { text: 'hello' } }));
    expect(hello.shown.map((m) => m.text)).toEqual(['hello']);
    const reply = await send(content({ text: { text: 'and a reply' }, replyTo: hello.id }));
    expect(reply.shown.map((m) => [m.text, m.replyTo])).toEqual([['and a reply', toBase64Url(hello.id)]]);
    const bytes = new TextEncoder().encode('a small picture');
    const offer = await send(content({ file: { name: 'p.png', size: bytes.byteLength, mime: 'image/png', hash: blake2b256(bytes), chunkCount: 1, chunkSize: FILE_CHUNK_BYTES, caption: 'look' } }));
    expect(offer.shown.map((m) => [m.kind, m.file?.name, m.file?.mime])).toEqual([['media', 'p.png', 'image/png']]);
    const chunk = await send(content({ fileChunk: { fileHash: blake2b256(bytes), index: 0, data: bytes } }));
    expect(chunk.logged).toBe('MESSAGE');
    expect(carol.readFile(toBase64Url(offer.id)).bytes).toEqual(bytes);
    const pin = await send(content({ pin: { messageId: hello.id } }));
    expect(pin.logged).toBe('MESSAGE');
    expect(carol.latestMessages(g, 10).messages.find((m) => m.id === toBase64Url(hello.id))?.pinned).toBe(true);
  });

  it('refuses hostile file offers, blank text and typing inside a MESSAGE with their own reasons (deterministic)', async () => {
    const offer = (name: string, mime = 'application/pdf'): Uint8Array =>
      content({ file: { name, size: 3, mime, hash: blake2b256(new Uint8Array([1, 2, 3])), chunkCount: 1, chunkSize: FILE_CHUNK_BYTES, caption: '' } });
    for (const name of ['../../.bashrc', 'a/b', 'a\\b', 'bell\u0007', 'line\nbreak', '', ' padded ', '.', '..', 'n'.repeat(256)]) {
      expect((await send(offer(name))).dropped, name).toEqual(['file-offer-invalid']);
    }
    for (const mime of ['text/html', 'image/svg+xml', 'IMAGE/PNG', 'application/x-msdownload', '']) {
      expect((await send(offer('ok.bin', mime))).dropped, mime).toEqual(['file-mime-refused']);
    }
    expect(engineContextOf(carol).store.read.files.get(blake2b256(new Uint8Array([1, 2, 3])))).toBeUndefined();
    for (const text of ['', ' ', '\n\t ']) expect((await send(content({ text: { text } }))).dropped).toEqual(['text-empty']);
    expect((await send(content({ typing: { typing: true } }))).dropped).toEqual(['content-malformed']);
    expect((await send(new Uint8Array([0xff, 0xff, 0xff]))).dropped).toEqual(['content-malformed']);
    // After all that, bob's stream has no gap and he is still heard.
    expect((await send(content({ text: { text: 'still here' } }))).shown.map((m) => m.text)).toEqual(['still here']);
    expect(carol.channels.missing(idBytesOf(g))).toBe(0);
    expect(holes()).toBe(0);
  });

  it('malformed typing content is refused as content-malformed (deterministic and random)', async () => {
    for (const body of [new Uint8Array([0xff, 0xff]), content({ text: { text: 'not typing' } }), content({})]) {
      const built = await memberEnvelope(bob, g, body, { type: 'TYPING' });
      const o = await deliver(built.bytes, built.id, 0);
      expect(o.dropped).toEqual(['content-malformed']);
      expect(o.typing).toBe(0);
    }
    const ok = await memberEnvelope(bob, g, content({ typing: { typing: true } }), { type: 'TYPING' });
    expect((await deliver(ok.bytes, ok.id, 0)).typing).toBe(1);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 96 }), anyContentObject.map(content)), async (body) => {
        const built = await memberEnvelope(bob, g, body, { type: 'TYPING' });
        const o = await deliver(built.bytes, built.id, 0);
        expect(o.dropped.length + o.typing).toBe(1);
        expect(o.shown).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('random content bytes: shown, applied, waiting or refused with a counted reason, never half-stored', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 256 }), async (body) => {
        await send(body);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('arbitrary objects of every content kind: the same, and valid texts are shown', async () => {
    await fc.assert(
      fc.asyncProperty(anyContentObject, async (value) => {
        const o = await send(content(value));
        const { text, replyTo } = value as { text?: { text: string }; replyTo?: Uint8Array };
        // A text within bounds with something to show (and a reply id, if any, of id size) is shown, as sent.
        const wellFormed = text !== undefined && !isBlankText(text.text) && text.text.length <= MAX_TEXT_CHARS && [undefined, 0, 32].includes(replyTo?.byteLength);
        if (wellFormed) expect(o.shown.map((m) => m.text)).toEqual([text.text]);
      }),
      { numRuns: RUNS },
    );
    // Only waiting envelopes may leave a hole in bob's stream (refused ones used their numbers up).
    expect(holes()).toBeLessThanOrEqual(carol.stats().inbox['deferred'] ?? 0);
  }, TIMEOUT);
});
