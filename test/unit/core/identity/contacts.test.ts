import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { CARD_PREFIX } from '../../../../main/core/identity/contact-card.js';
import { expectCode } from '../../../helpers/expect-code.js';
import { newUser, openProfile, tempDir, testProfile, userId } from '../../../helpers/test-engines.js';

describe('identity and contacts', () => {
  let dir: ReturnType<typeof tempDir>;
  let alice: Engine, bob: Engine, carol: Engine;

  beforeEach(async () => {
    dir = tempDir();
    ({ engine: alice } = await newUser(dir.path, 'alice'));
    ({ engine: bob } = await newUser(dir.path, 'bob'));
    ({ engine: carol } = await newUser(dir.path, 'carol'));
  });
  afterEach(async () => {
    for (const e of [alice, bob, carol]) await e.close();
    dir.cleanup();
  });

  it('gives every identity a signed card with keys and a SLIM name', () => {
    const id = alice.getIdentity();
    expect(id?.displayName).toBe('alice');
    expect(id?.slimName).toMatch(/^kizuna\/users\/u-[0-9a-f]{24}$/);
    expect(id?.card.startsWith(CARD_PREFIX)).toBe(true);
    expect(id?.cardLink.startsWith('kizuna://contact/')).toBe(true);
  });

  it('refuses a second identity and invalid display names', async () => {
    await expectCode(() => alice.createIdentity({ displayName: 'again' }), 'IDENTITY_EXISTS');
    const engine = await openProfile(testProfile(dir.path, 'blank'));
    await expectCode(() => engine.createIdentity({ displayName: '   ' }), 'DISPLAY_NAME_INVALID');
    await expectCode(() => engine.createIdentity({ displayName: 'a'.repeat(65) }), 'DISPLAY_NAME_INVALID');
    await expectCode(() => engine.createIdentity({ displayName: 'ok', slimName: 'not a name' }), 'INVALID_SLIM_NAME');
    await engine.close();
  });

  it('adds a contact from a card or a link, and refuses adding twice', async () => {
    const bobCard = bob.getIdentity()?.card ?? '';
    const added = alice.addContact(bobCard);
    expect(added).toMatchObject({ displayName: 'bob', contactState: 'added', userId: userId(bob) });
    await expectCode(() => alice.addContact(bobCard), 'CONTACT_ALREADY_ADDED');
    alice.addContact(carol.getIdentity()?.cardLink ?? '');
    expect(alice.listContacts().map((c) => c.displayName)).toEqual(['bob', 'carol']);
  });

  it('refuses malformed, altered and own cards', async () => {
    await expectCode(() => alice.addContact('hello'), 'INVALID_CONTACT_CARD');
    await expectCode(() => alice.addContact(`${CARD_PREFIX}!!!`), 'INVALID_CONTACT_CARD');
    await expectCode(() => alice.addContact(`${CARD_PREFIX}AAAA`), 'INVALID_CONTACT_CARD');
    const card = bob.getIdentity()?.card ?? '';
    // Flip one character inside the signed payload: the signature no longer holds.
    const i = CARD_PREFIX.length + 20;
    const altered = card.slice(0, i) + (card[i] === 'A' ? 'B' : 'A') + card.slice(i + 1);
    await expectCode(() => alice.addContact(altered), 'INVALID_CONTACT_CARD');
    await expectCode(() => alice.addContact(alice.getIdentity()?.card ?? ''), 'CONTACT_IS_SELF');
  });

  it('removes only contacts', async () => {
    await expectCode(() => alice.removeContact(userId(bob)), 'CONTACT_NOT_FOUND');
    alice.addContact(bob.getIdentity()?.card ?? '');
    alice.removeContact(userId(bob));
    expect(alice.listContacts()).toEqual([]);
    await expectCode(() => alice.removeContact(userId(bob)), 'CONTACT_NOT_FOUND');
    await expectCode(() => alice.removeContact('not-an-id'), 'INVALID_INPUT');
  });

  it('blocks and unblocks with Kizuna semantics', async () => {
    alice.addContact(bob.getIdentity()?.card ?? '');
    const blocked = alice.blockContact({ userId: userId(bob) });
    expect(blocked.contactState).toBe('blocked');
    expect(alice.listContacts()).toEqual([]);
    expect(alice.listBlocked().map((p) => p.displayName)).toEqual(['bob']);
    await expectCode(() => alice.blockContact({ userId: userId(bob) }), 'CONTACT_ALREADY_BLOCKED');
    await expectCode(() => alice.addContact(bob.getIdentity()?.card ?? ''), 'CONTACT_BLOCKED');
    await expectCode(() => alice.blockContact({ userId: userId(alice) }), 'CONTACT_IS_SELF');
    await expectCode(() => alice.unblockContact(userId(carol)), 'CONTACT_NOT_BLOCKED');
    // Someone never met can be blocked from their card.
    alice.blockContact({ card: carol.getIdentity()?.card ?? '' });
    expect(alice.listBlocked().map((p) => p.displayName)).toEqual(['bob', 'carol']);
    alice.unblockContact(userId(bob));
    expect(alice.listBlocked().map((p) => p.displayName)).toEqual(['carol']);
    expect(alice.listContacts()).toEqual([]);
    await expectCode(() => alice.unblockContact(userId(bob)), 'CONTACT_NOT_BLOCKED');
  });
});
