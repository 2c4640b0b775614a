import { encodeGroupState, type ClientState } from 'ts-mls';
import { describe, expect, it } from 'vitest';
import {
  MLS_STATE_FORMAT_VERSION,
  decryptApplication,
  deserializeState,
  encryptApplication,
  epochOf,
  processCommit,
  removeMembers,
  rosterOf,
  rotateKeys,
  serializeState,
  type MlsGroupState,
  type MlsIdentity,
} from '../../../../../main/core/crypto/mls/index.js';
import { expectKizunaError, makeGroup, newIdentity, read, sendAndCheck, text, type Member } from './mls-test-kit.js';

const internal = (state: MlsGroupState): ClientState => state as unknown as ClientState;

/**
 * ts-mls leaves two LeafNodeTBS fields (groupId, leafIndex) on the leaf it signs for the committer in
 * memory; they are not part of a LeafNode and not encoded. Everything else must survive as it is.
 */
function withoutSigningLeftovers(value: unknown): unknown {
  if (value instanceof Uint8Array || typeof value !== 'object' || value === null) return value;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, withoutSigningLeftovers(v)]));
  if (Array.isArray(value)) return value.map(withoutSigningLeftovers);
  const record = value as Record<string, unknown>;
  const isSignedLeaf = record['leafNodeSource'] === 'commit' || record['leafNodeSource'] === 'update';
  return Object.fromEntries(
    Object.entries(record)
      .filter(([key]) => !(isSignedLeaf && (key === 'groupId' || key === 'leafIndex')))
      .map(([key, v]) => [key, withoutSigningLeftovers(v)]),
  );
}

/** serialize → deserialize gives a deep-equal state (Uint8Array, bigint, Map, records, blank nodes). */
function expectRoundTrip(state: MlsGroupState, identity: MlsIdentity): MlsGroupState {
  const blob = serializeState(state);
  // The body is exactly ts-mls's own GroupState encoding (minus the signature key), however it was built.
  expect(blob.subarray(7)).toEqual(encodeGroupState({ ...internal(state), signaturePrivateKey: new Uint8Array(0) }));
  const reloaded = deserializeState(blob, identity);
  expect(withoutSigningLeftovers(internal(reloaded))).toStrictEqual(withoutSigningLeftovers(internal(state)));
  expect(serializeState(reloaded)).toEqual(blob);
  return reloaded;
}

const reload = (m: Member): void => {
  m.state = deserializeState(serializeState(m.state), m.identity);
};

describe('MLS state serialisation', () => {
  it('round-trips with deep equality through every kind of state', async () => {
    const { admin, members, policy } = await makeGroup(['bob', 'carol', 'dave']);
    const [bob, carol, dave] = members as [Member, Member, Member];
    expectRoundTrip(admin.state, admin.identity);

    // Skipped generations (unusedGenerations), past epochs (historicalReceiverData Map<bigint, …>).
    const skipped: Uint8Array[] = [];
    for (let i = 0; i < 4; i++) {
      const e = await encryptApplication(bob.state, text(`m${i}`), undefined, bob.suite);
      bob.state = e.state;
      skipped.push(e.ciphertext);
    }
    carol.state = (await decryptApplication(carol.state, skipped[3]!, carol.suite)).state;
    expect(Object.keys(internal(carol.state).secretTree.find((n) => Object.keys(n.application.unusedGenerations).length > 0)!.application.unusedGenerations)).toHaveLength(3);
    expectRoundTrip(carol.state, carol.identity);

    for (let i = 0; i < 2; i++) {
      const rotation = await rotateKeys(admin.state, admin.suite);
      admin.state = rotation.state;
      for (const m of members) m.state = (await processCommit(m.state, rotation.commit, policy, m.suite)).state;
    }
    expect(internal(carol.state).historicalReceiverData.size).toBe(2);
    expectRoundTrip(carol.state, carol.identity);
    expectRoundTrip(admin.state, admin.identity);

    // Blank leaves and parents after a removal, and a removed member's own state.
    const removal = await removeMembers(admin.state, [dave.identity.publicKey], admin.suite);
    admin.state = removal.state;
    expectRoundTrip(admin.state, admin.identity);
    const daveSees = await processCommit(dave.state, removal.commit, policy, dave.suite);
    expect(daveSees.removedSelf).toBe(true);
    const daveReloaded = expectRoundTrip(daveSees.state, dave.identity);
    expect(rosterOf(daveReloaded)).toHaveLength(3);
  });

  it('a conversation survives reloads mid-way, including a late message of the previous epoch', async () => {
    const { admin, members, policy } = await makeGroup(['bob', 'carol']);
    const [bob, carol] = members as [Member, Member];
    await sendAndCheck(bob, [admin, carol], 'before reload');
    for (const m of [admin, bob, carol]) reload(m);
    await sendAndCheck(carol, [admin, bob], 'after reload');
    await sendAndCheck(admin, [bob, carol], 'admin after reload');

    const late = await encryptApplication(bob.state, text('late one'), undefined, bob.suite);
    bob.state = late.state;
    const rotation = await rotateKeys(admin.state, admin.suite);
    admin.state = rotation.state;
    reload(admin);
    for (const m of [bob, carol]) {
      reload(m);
      m.state = (await processCommit(m.state, rotation.commit, policy, m.suite)).state;
      reload(m);
    }
    const got = await decryptApplication(carol.state, late.ciphertext, carol.suite);
    expect(read(got.plaintext)).toBe('late one');
    expect(got.epoch).toBe(1n);
    carol.state = got.state;
    reload(carol);
    // The consumed key stays consumed across the reload.
    await expectKizunaError(decryptApplication(carol.state, late.ciphertext, carol.suite), 'DECRYPT_FAILED');
    expect(epochOf(carol.state)).toBe(2n);
    await sendAndCheck(bob, [admin, carol], 'all good');
  });

  it('keeps the identity secret out of the blob and needs the right identity to load', async () => {
    const { admin } = await makeGroup(['bob']);
    const blob = serializeState(admin.state);
    expect(Buffer.from(blob).includes(Buffer.from(admin.identity.secretKey.subarray(0, 32)))).toBe(false);
    expect(blob.subarray(0, 4)).toEqual(text('KZMS'));
    expect(blob[4]).toBe(MLS_STATE_FORMAT_VERSION);
    await expectKizunaError(() => deserializeState(blob, { publicKey: new Uint8Array(32), secretKey: new Uint8Array(64) }), 'INVALID_INPUT');
    await expectKizunaError(async () => deserializeState(blob, await newIdentity()), 'INVALID_INPUT');
  });

  it('refuses damaged blobs and unknown format versions', async () => {
    const { admin } = await makeGroup(['bob']);
    const blob = serializeState(admin.state);
    await expectKizunaError(() => deserializeState(blob.subarray(0, blob.length - 1), admin.identity), 'STORE_CORRUPT');
    await expectKizunaError(() => deserializeState(new Uint8Array([...blob, 0]), admin.identity), 'STORE_CORRUPT');
    await expectKizunaError(() => deserializeState(new Uint8Array(0), admin.identity), 'STORE_CORRUPT');
    await expectKizunaError(() => deserializeState(text('KZMS'), admin.identity), 'STORE_CORRUPT');
    const future = blob.slice();
    future[4] = MLS_STATE_FORMAT_VERSION + 1;
    await expectKizunaError(() => deserializeState(future, admin.identity), 'STORE_NEWER_SCHEMA');
    const other = blob.slice();
    other[0] = 0;
    await expectKizunaError(() => deserializeState(other, admin.identity), 'STORE_CORRUPT');
  });
});
