import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlake2b256 } from '../../main/core/crypto/hash.js';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import type { Engine } from '../../main/core/engine/engine.js';
import { engineContextOf } from '../../main/core/engine/engine-internals.js';
import { sendControl } from '../../main/core/messages/message-send.js';
import { FILE_CHUNK_BYTES } from '../../main/core/wire/wire-schemas.js';
import type { EncryptionMode } from '../../shared/domain/views.js';
import { createWorld, joinedGroup, type TestWorld } from '../helpers/test-world.js';

function hashOf(bytes: Uint8Array): Uint8Array {
  const h = createBlake2b256();
  h.update(bytes);
  return h.digest();
}

/**
 * Asserts two files' bytes are the same. toEqual walks a 257 KiB array element by element (about a
 * second per call); Buffer.equals compares them natively, and on a mismatch the hashes say which file.
 */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  const same = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength));
  if (!same) expect({ size: actual.byteLength, hash: Buffer.from(hashOf(actual)).toString('hex') }).toEqual({ size: expected.byteLength, hash: Buffer.from(hashOf(expected)).toString('hex') });
  expect(same).toBe(true);
}

function fileBytes(seed: number, size = FILE_CHUNK_BYTES + 1000): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) & 0xff);
}

/**
 * Class 3 of issue 8: an ordinary member (carol) attacks bob's files at alice: chunks for a file she
 * did not offer, chunks into a complete file, an empty offer that would mark a hash complete, and a
 * second offer for bob's hash. Each is refused with its reason, and bob's file stays readable.
 */
describe.each<EncryptionMode>(['mls', 'sealed', 'none'])('file attacks by an ordinary member (%s)', (mode) => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine;
  let groupId: string;
  let group: Uint8Array;

  beforeAll(async () => {
    world = await createWorld('alice', 'bob', 'carol');
    [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
    groupId = await joinedGroup(world, alice, [bob, carol], mode);
    group = fromBase64Url(groupId) as Uint8Array;
  });
  afterAll(() => world.close());

  const dropsAt = (e: Engine, reason: string): number => e.stats().dropped[reason] ?? 0;

  it('a chunk from someone other than the offer author, into a complete file, is refused', async () => {
    const bytes = fileBytes(1);
    const sent = await bob.sendFile(groupId, { name: 'a.bin', mime: 'application/octet-stream', bytes });
    await world.net.settle();
    expectSameBytes(alice.readFile(sent.id).bytes, bytes);
    const before = dropsAt(alice, 'file-chunk-not-sender');
    await sendControl(engineContextOf(carol), group, { fileChunk: { fileHash: hashOf(bytes), index: 0, data: new Uint8Array(FILE_CHUNK_BYTES) } });
    await world.net.settle();
    expect(dropsAt(alice, 'file-chunk-not-sender')).toBe(before + 1);
    expectSameBytes(alice.readFile(sent.id).bytes, bytes);
  });

  it('a chunk from a non-author while the file is still incomplete is refused', async () => {
    const bytes = fileBytes(2);
    world.net.lose.add('MESSAGE');
    const sent = await bob.sendFile(groupId, { name: 'b.bin', mime: 'application/octet-stream', bytes });
    // Alice gets only the offer (the first of bob's queued messages), not yet the chunks.
    const jobs = bob.outbox.due(10_000).filter((j) => j.type === 'MESSAGE');
    await alice.receive(jobs[0]!.bytes);
    await alice.inbox.idle();
    const before = dropsAt(alice, 'file-chunk-not-sender');
    await sendControl(engineContextOf(carol), group, { fileChunk: { fileHash: hashOf(bytes), index: 0, data: new Uint8Array(FILE_CHUNK_BYTES) } });
    world.net.lose.delete('MESSAGE');
    const carolsChunk = carol.outbox.due(10_000).find((j) => j.type === 'MESSAGE')!;
    await alice.receive(carolsChunk.bytes);
    await alice.inbox.idle();
    expect(dropsAt(alice, 'file-chunk-not-sender')).toBe(before + 1);
    for (const j of jobs.slice(1)) await alice.receive(j.bytes);
    await alice.inbox.idle();
    expectSameBytes(alice.readFile(sent.id).bytes, bytes);
    await world.net.settle();
  });

  it('an offer with zero chunks (or a size that does not fit its count) is refused and marks nothing complete', async () => {
    const bytes = fileBytes(3);
    const hash = hashOf(bytes);
    const before = dropsAt(alice, 'file-offer-invalid');
    const ctx = engineContextOf(carol);
    await sendControl(ctx, group, { file: { name: 'x', size: 0, mime: 'a/b', hash, chunkCount: 0, chunkSize: FILE_CHUNK_BYTES, caption: '' } });
    await sendControl(ctx, group, { file: { name: 'y', size: bytes.byteLength, mime: 'a/b', hash, chunkCount: 0, chunkSize: FILE_CHUNK_BYTES, caption: '' } });
    await world.net.settle();
    expect(dropsAt(alice, 'file-offer-invalid')).toBe(before + 2);
    expect(engineContextOf(alice).store.read.files.get(hash)).toBeUndefined();
    const sent = await bob.sendFile(groupId, { name: 'c.bin', mime: 'application/octet-stream', bytes });
    await world.net.settle();
    expectSameBytes(alice.readFile(sent.id).bytes, bytes);
  });

  it('a second offer for the same hash does not make its author the file sender', async () => {
    const bytes = fileBytes(4);
    const hash = hashOf(bytes);
    world.net.lose.add('MESSAGE');
    const sent = await bob.sendFile(groupId, { name: 'd.bin', mime: 'application/octet-stream', bytes });
    const jobs = bob.outbox.due(10_000).filter((j) => j.type === 'MESSAGE');
    world.net.lose.delete('MESSAGE');
    await alice.receive(jobs[0]!.bytes);
    await alice.inbox.idle();
    const ctx = engineContextOf(carol);
    await sendControl(ctx, group, { file: { name: 'd.bin', size: bytes.byteLength, mime: 'a/b', hash, chunkCount: 2, chunkSize: FILE_CHUNK_BYTES, caption: '' } });
    await sendControl(ctx, group, { fileChunk: { fileHash: hash, index: 1, data: new Uint8Array(1000) } });
    const before = dropsAt(alice, 'file-chunk-not-sender');
    for (const j of carol.outbox.due(10_000).filter((x) => x.type === 'MESSAGE')) await alice.receive(j.bytes);
    await alice.inbox.idle();
    expect(dropsAt(alice, 'file-chunk-not-sender')).toBe(before + 1);
    for (const j of jobs.slice(1)) await alice.receive(j.bytes);
    await alice.inbox.idle();
    expectSameBytes(alice.readFile(sent.id).bytes, bytes);
    await world.net.settle();
  });
});
