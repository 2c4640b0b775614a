import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { buildEnvelope } from '../../../../main/core/envelopes/envelope-builder.js';
import { fromBase64Url } from '../../../../main/core/encoding/base64url.js';
import { latestVersion } from '../../../../main/core/groups/group-state.js';
import { signGroupVersion, toSignedGroupVersion } from '../../../../main/core/groups/signed-group-version.js';
import { encodeWire, decodeWire } from '../../../../main/core/wire/wire-codec.js';
import { envelopeSchema, signedEnvelopeSchema } from '../../../../main/core/wire/wire-schemas.js';
import type { EncryptionMode } from '../../../../shared/domain/views.js';
import { LoopbackNetwork } from '../../../helpers/loopback-network.js';
import { introduce, newUser, tempDir, userId } from '../../../helpers/test-engines.js';
import { engineContextOf } from '../../../../main/core/engine/engine-internals.js';

const id = (text: string): Uint8Array => fromBase64Url(text) as Uint8Array;

/** Feeds bytes to an engine and returns the drop reason (or 'accepted'). */
async function verdictOf(engine: Engine, bytes: Uint8Array): Promise<string> {
  const reasons: string[] = [];
  const off = engine.events.on('dropped', (d) => reasons.push(d.reason));
  engine.receive(bytes);
  await engine.inbox.idle();
  off();
  return reasons[0] ?? 'accepted';
}

describe.each<EncryptionMode>(['mls', 'sealed', 'none'])('bad input on the wire (%s)', (mode) => {
  let dir: ReturnType<typeof tempDir>;
  let alice: Engine, bob: Engine, carol: Engine, eve: Engine;
  let net: LoopbackNetwork;
  let groupId: string;

  beforeEach(async () => {
    dir = tempDir();
    ({ engine: alice } = await newUser(dir.path, 'alice'));
    ({ engine: bob } = await newUser(dir.path, 'bob'));
    ({ engine: carol } = await newUser(dir.path, 'carol'));
    ({ engine: eve } = await newUser(dir.path, 'eve'));
    introduce(alice, bob, carol);
    net = new LoopbackNetwork();
    net.add(alice, bob, carol);
    groupId = (await alice.createGroup({ name: 'Safe', members: [userId(bob), userId(carol)], mode })).groupId;
    await net.settle();
    await bob.acceptInvitation(groupId);
    await carol.acceptInvitation(groupId);
    await net.settle();
  });
  afterEach(async () => {
    for (const e of [alice, bob, carol, eve]) await e.close();
    dir.cleanup();
  });

  /** Bob's next channel envelope, captured from his outbox before the network moves it. */
  async function bobsNextEnvelope(text: string): Promise<Uint8Array> {
    await bob.sendText(groupId, text);
    const job = bob.outbox.due().find((j) => j.type === 'MESSAGE');
    if (job === undefined) throw new Error('no job');
    return job.bytes;
  }

  it('drops garbage, truncated and oversized bytes and keeps running', async () => {
    expect(await verdictOf(carol, new Uint8Array([1, 2, 3, 4, 5]))).toBe('envelope-malformed');
    const good = await bobsNextEnvelope('hi');
    expect(await verdictOf(carol, good.subarray(0, good.length - 10))).toBe('envelope-malformed');
    expect(await verdictOf(carol, new Uint8Array(2 * 1024 * 1024))).toBe('envelope-too-large');
    expect(await verdictOf(carol, good)).toBe('accepted');
    expect(carol.latestMessages(groupId, 5).messages.map((m) => m.text)).toEqual(['hi']);
    expect(carol.stats().dropped).toMatchObject({ 'envelope-malformed': 2, 'envelope-too-large': 1 });
  });

  it('drops a forged sender and a replay, and processing twice changes nothing', async () => {
    const good = await bobsNextEnvelope('once');
    const signed = decodeWire('SignedEnvelope', signedEnvelopeSchema, good);
    const env = decodeWire('Envelope', envelopeSchema, signed.envelope);
    // Claim carol wrote it, keeping bob's signature.
    const forged = encodeWire('SignedEnvelope', { envelope: encodeWire('Envelope', { ...env, sender: id(userId(carol)) }), signature: signed.signature });
    expect(await verdictOf(alice, forged)).toBe('envelope-bad-signature');
    expect(await verdictOf(alice, good)).toBe('accepted');
    expect(await verdictOf(alice, good)).toBe('replay');
    expect(alice.latestMessages(groupId, 5).messages.map((m) => m.text)).toEqual(['once']);
    expect(alice.stats().dropped['replay']).toBe(1);
  });

  it('drops a message from someone who is not a member', async () => {
    const good = await bobsNextEnvelope('from bob');
    const env = decodeWire('Envelope', envelopeSchema, decodeWire('SignedEnvelope', signedEnvelopeSchema, good).envelope);
    const eveSelf = engineContextOf(eve).self();
    const fromEve = buildEnvelope(eveSelf, { groupId: id(groupId), epoch: env.epoch, type: 'MESSAGE', seq: 1, sentAt: Date.now(), body: env.body });
    // Refused before it is stored at all: eve is in none of the group's records (issue 8, class 6).
    const rows = alice.stats().inbox;
    expect(await verdictOf(alice, fromEve.bytes)).toBe('unknown-sender');
    expect(alice.stats().inbox).toEqual(rows);
  });

  it('drops a group update that is not from the admin, or that breaks the rules', async () => {
    const bobSelf = engineContextOf(bob).self();
    const prev = latestVersion(engineContextOf(alice), id(groupId));
    // Bob signs a rename as if he were in charge.
    const rename = { ...prev.version, version: prev.version.version + 1, kind: 'RENAME' as const, name: 'Bob rules', prevHash: prev.hash, nonce: new Uint8Array(0), groupId: id(groupId), affected: [], cutoffs: [] };
    const bobsVersion = signGroupVersion(rename, bobSelf.signSecret);
    const body = encodeWire('GroupUpdate', { version: toSignedGroupVersion(bobsVersion), secrets: [], mlsCommit: new Uint8Array(0), mlsEpoch: 0 });
    const fromBob = buildEnvelope(bobSelf, { groupId: id(groupId), epoch: 0, type: 'GROUP_UPDATE', seq: 99, sentAt: Date.now(), body });
    expect(await verdictOf(carol, fromBob.bytes)).toBe('not-admin');

    // The admin's key, but a rename to the same name: every member refuses it.
    const aliceSelf = engineContextOf(alice).self();
    const same = signGroupVersion({ ...rename, name: prev.version.name }, aliceSelf.signSecret);
    const body2 = encodeWire('GroupUpdate', { version: toSignedGroupVersion(same), secrets: [], mlsCommit: new Uint8Array(0), mlsEpoch: 0 });
    const fromAlice = buildEnvelope(aliceSelf, { groupId: id(groupId), epoch: 0, type: 'GROUP_UPDATE', seq: 99, sentAt: Date.now(), body: body2 });
    expect(await verdictOf(carol, fromAlice.bytes)).toBe('group-name-unchanged');
    expect(carol.getGroup(groupId).name).toBe('Safe');
  });

  it('drops a second envelope with a sequence number already used (equivocation)', async () => {
    const first = await bobsNextEnvelope('first');
    expect(await verdictOf(carol, first)).toBe('accepted');
    const env = decodeWire('Envelope', envelopeSchema, decodeWire('SignedEnvelope', signedEnvelopeSchema, first).envelope);
    const again = buildEnvelope(engineContextOf(bob).self(), { ...env, sentAt: env.sentAt + 1 });
    expect(await verdictOf(carol, again.bytes)).toBe('equivocation');
  });

  it('refuses what a removed member sends afterwards, even in an epoch they hold keys for', async () => {
    const old = await bobsNextEnvelope('kept');
    await net.settle();
    const { engine: dave } = await newUser(dir.path, 'dave');
    introduce(alice, dave);
    await alice.addMembers(groupId, [userId(dave)]);
    await net.settle();
    await alice.removeMembers(groupId, [userId(bob)]);
    await net.settle();
    expect(await verdictOf(carol, old)).toBe('replay');
    // Bob's engine still believes it is in (it is offline from the network's point of view), and
    // builds a message in the epoch it knows: members refuse it.
    const env = decodeWire('Envelope', envelopeSchema, decodeWire('SignedEnvelope', signedEnvelopeSchema, old).envelope);
    const late = buildEnvelope(engineContextOf(bob).self(), { ...env, seq: env.seq + 1, sentAt: Date.now() });
    expect(await verdictOf(carol, late.bytes)).toBe('sender-removed');
    await dave.close();
  });
});
