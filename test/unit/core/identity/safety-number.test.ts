import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { engineContextOf } from '../../../../main/core/engine/engine-internals.js';
import { createContactCard } from '../../../../main/core/identity/contact-card.js';
import { generateBoxKeyPair } from '../../../../main/core/crypto/box.js';
import { loadSodium } from '../../../../main/core/crypto/sodium.js';
import { readEnteredSafetyNumber, safetyNumber, safetyNumberGroups } from '../../../../main/core/identity/safety-number.js';
import { expectCode } from '../../../helpers/expect-code.js';
import { newUser, tempDir, userId } from '../../../helpers/test-engines.js';
import { createWorld, type TestWorld } from '../../../helpers/test-world.js';

const keys = (fill: number, box = fill + 1) => ({ signKey: new Uint8Array(32).fill(fill), boxKey: new Uint8Array(32).fill(box) });

describe('safety numbers', () => {
  beforeAll(async () => {
    await loadSodium();
  });

  it('are 60 digits in 12 groups of 5, the same whichever side computes them, and stable', () => {
    const n = safetyNumber(keys(1), keys(7));
    expect(n).toMatch(/^\d{60}$/);
    expect(safetyNumber(keys(7), keys(1))).toBe(n);
    // A fixed vector: changing the derivation would make every verified pair disagree with older peers.
    expect(n).toBe('623184022186002921980774583565680390646279618162405267265869');
    expect(safetyNumberGroups(n)).toHaveLength(12);
    expect(safetyNumberGroups(n).join('')).toBe(n);
  });

  it('change when either side has another identity key or box key', () => {
    const n = safetyNumber(keys(1), keys(7));
    expect(safetyNumber(keys(1), keys(9, 8))).not.toBe(n);
    expect(safetyNumber(keys(1), keys(7, 9))).not.toBe(n);
    expect(safetyNumber(keys(2, 2), keys(7))).not.toBe(n);
    // Swapping one side's two keys is another identity too.
    expect(safetyNumber(keys(1), keys(8, 7))).not.toBe(n);
  });

  it('read what a person enters: digits with any spacing, or the QR text; nothing else', () => {
    const n = safetyNumber(keys(1), keys(7));
    expect(readEnteredSafetyNumber(safetyNumberGroups(n).join(' '))).toBe(n);
    expect(readEnteredSafetyNumber(`  kizuna:safety:v1:${n}\n`)).toBe(n);
    expect(readEnteredSafetyNumber(n.slice(1))).toBeUndefined();
    expect(readEnteredSafetyNumber(`${n}0`)).toBeUndefined();
    expect(readEnteredSafetyNumber('kizuna:contact:v1:abc')).toBeUndefined();
  });
});

describe('verified contacts', () => {
  let dir: ReturnType<typeof tempDir>;
  let alice: Engine, bob: Engine, carol: Engine;

  beforeEach(async () => {
    dir = tempDir();
    ({ engine: alice } = await newUser(dir.path, 'alice'));
    ({ engine: bob } = await newUser(dir.path, 'bob'));
    ({ engine: carol } = await newUser(dir.path, 'carol'));
    alice.addContact(bob.getIdentity()?.card ?? '');
    bob.addContact(alice.getIdentity()?.card ?? '');
    alice.addContact(carol.getIdentity()?.card ?? '');
  });
  afterEach(async () => {
    for (const e of [alice, bob, carol]) await e.close();
    dir.cleanup();
  });

  it('both people see the same number; another contact gives another number', () => {
    const atAlice = alice.safetyNumber(userId(bob));
    const atBob = bob.safetyNumber(userId(alice));
    expect(atAlice.digits).toBe(atBob.digits);
    expect(atAlice.qrPayload).toBe(`kizuna:safety:v1:${atAlice.digits}`);
    expect(atAlice).toMatchObject({ displayName: 'bob', verified: false, keyChangedAt: null });
    expect(alice.safetyNumber(userId(carol)).digits).not.toBe(atAlice.digits);
  });

  it('marks verified only when the entered number or QR text matches', async () => {
    const bobsNumber = bob.safetyNumber(userId(alice));
    const carolsNumber = alice.safetyNumber(userId(carol));
    await expectCode(() => alice.verifyContact(userId(bob), carolsNumber.digits), 'SAFETY_NUMBER_MISMATCH');
    await expectCode(() => alice.verifyContact(userId(bob), '12345'), 'SAFETY_NUMBER_INVALID');
    expect(alice.listContacts().find((c) => c.userId === userId(bob))?.verified).toBe(false);

    expect(alice.verifyContact(userId(bob), bobsNumber.qrPayload).verified).toBe(true);
    expect(bob.verifyContact(userId(alice), bobsNumber.groups.join(' ')).verified).toBe(true);
    expect(alice.listContacts().find((c) => c.userId === userId(bob))?.verified).toBe(true);
    expect(alice.unverifyContact(userId(bob)).verified).toBe(false);
    await expectCode(() => alice.safetyNumber(userId(alice)), 'CONTACT_IS_SELF');
  });

  it('a new card with another key unverifies the contact and warns until acknowledged', async () => {
    alice.verifyContact(userId(bob));
    const changed = alice.events.waitFor('contact', (p) => p.userId === userId(bob));
    const bobSelf = engineContextOf(bob).self();
    const newCard = createContactCard({ ...bobSelf, boxPublic: generateBoxKeyPair().publicKey });
    alice.addContact(newCard);
    const person = await changed;
    expect(person.verified).toBe(false);
    expect(person.keyChangedAt).not.toBeNull();
    const number = alice.safetyNumber(userId(bob));
    expect(number.verified).toBe(false);
    expect(number.digits).not.toBe(bob.safetyNumber(userId(alice)).digits);
    expect(alice.acknowledgeKeyChange(userId(bob)).keyChangedAt).toBeNull();
    expect(alice.listContacts().find((c) => c.userId === userId(bob))).toMatchObject({ verified: false, keyChangedAt: null });
    // The same card again is refused as before.
    await expectCode(() => alice.addContact(newCard), 'CONTACT_ALREADY_ADDED');
  });

  it('another key taking a verified contact’s SLIM name warns on the old contact', async () => {
    alice.verifyContact(userId(bob));
    const { engine: impostor } = await newUser(dir.path, 'bob-again');
    try {
      const ctx = engineContextOf(impostor);
      const self = ctx.self();
      const card = createContactCard({ ...self, displayName: 'bob', slimName: bob.getIdentity()?.slimName ?? '' });
      alice.addContact(card);
      const old = alice.listContacts().find((c) => c.userId === userId(bob));
      expect(old?.verified).toBe(false);
      expect(old?.keyChangedAt).not.toBeNull();
    } finally {
      await impostor.close();
    }
  });
});

describe('verified contacts and rosters', () => {
  let world: TestWorld;
  afterEach(() => world.close());

  it('a roster of a group we accepted showing a verified contact with another box key unverifies them', async () => {
    world = await createWorld('alice', 'bob', 'carol');
    const [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
    alice.verifyContact(userId(bob));
    // Carol (an admin) holds, and so signs into her roster, another box key for Bob.
    const carolCtx = engineContextOf(carol);
    const bobRow = carolCtx.store.read.people.get(carolCtx.store.read.people.listByState('added').find((p) => Buffer.from(p.userId).toString('base64url') === userId(bob))?.userId as Uint8Array);
    carolCtx.store.write.people.upsert({ userId: bobRow?.userId as Uint8Array, boxPublic: generateBoxKeyPair().publicKey, displayName: 'bob', slimName: bobRow?.slimName ?? '' }, Date.now());
    const invited = alice.events.waitFor('invitation', (i) => i.state === 'pending');
    await carol.createGroup({ name: 'Forged', members: [userId(alice), userId(bob)], mode: 'none' });
    await world.net.settle();
    await invited;
    // An invitation not yet accepted (anyone can send one) changes nothing.
    expect(alice.safetyNumber(userId(bob)).verified).toBe(true);
    const changed = alice.events.waitFor('contact', (p) => p.userId === userId(bob));
    await alice.acceptInvitation(alice.listInvitations()[0]?.groupId ?? '');
    await world.net.settle();
    expect((await changed).verified).toBe(false);
    const g = alice.listGroups().find((x) => x.name === 'Forged');
    expect(g?.members.find((m) => m.userId === userId(bob))).toMatchObject({ contactVerified: false, keyChanged: true });
  });
});
