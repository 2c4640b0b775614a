/**
 * SLIM's MLS profile over ts-mls (suite 0x0002, token credentials): two members, one moderating, with the
 * header digest as authenticated data. The interop with mls-rs itself is in
 * test/integration/slim-session/slim-interop-*.test.ts; this covers what an attacker could try.
 */
import { describe, expect, it } from 'vitest';
import { createSlimMlsFactory } from '../../../../main/core/slim-session/slim-mls.js';
import { createSlimMemberIdentity } from '../../../../main/core/slim-session/slim-member-identity.js';
import { expectCode } from '../../../helpers/expect-code.js';

const SECRET = 'unit-test-shared-secret-of-32-bytes-plus';
const mls = createSlimMlsFactory();
const aad = (n: number): Uint8Array => Uint8Array.from([8, 1, 0x38, n]);

async function pair() {
  const moderator = mls.moderator(createSlimMemberIdentity({ base: 'org/ns/mod', secret: SECRET }));
  const member = mls.participant(createSlimMemberIdentity({ base: 'org/ns/bob', secret: SECRET }));
  await moderator.createGroup(Buffer.from('group'));
  const { welcome } = await moderator.addMember(await member.keyPackage());
  await member.joinFromWelcome(welcome);
  return { moderator, member };
}

describe('SLIM MLS sessions over ts-mls', () => {
  it('joins from a welcome and exchanges messages whose authenticated data is the header digest', async () => {
    const { moderator, member } = await pair();
    expect(member.epoch()).toBe(moderator.epoch());
    const sealed = await moderator.encrypt(Buffer.from('hello'), aad(1));
    expect(Buffer.from(await member.decrypt(sealed, aad(1))).toString()).toBe('hello');
    const back = await member.encrypt(Buffer.from('hi'), aad(2));
    expect(Buffer.from(await moderator.decrypt(back, aad(2))).toString()).toBe('hi');
  });

  it('drops a message whose header was changed after encryption (digest mismatch)', async () => {
    const { moderator, member } = await pair();
    const sealed = await moderator.encrypt(Buffer.from('hello'), aad(1));
    await expectCode(member.decrypt(sealed, aad(7)), 'DECRYPT_FAILED');
  });

  it('refuses to add a key package whose credential was minted with another secret', async () => {
    const moderator = mls.moderator(createSlimMemberIdentity({ base: 'org/ns/mod', secret: SECRET }));
    await moderator.createGroup(Buffer.from('group'));
    const outsider = mls.participant(createSlimMemberIdentity({ base: 'org/ns/eve', secret: 'another-secret-that-is-long-enough-32b!' }));
    await expectCode(moderator.addMember(await outsider.keyPackage()), 'MLS_ERROR');
  });

  it('applies the moderator\'s remove commit; the removed member can no longer read the group', async () => {
    const moderator = mls.moderator(createSlimMemberIdentity({ base: 'org/ns/mod', secret: SECRET }));
    const bobId = createSlimMemberIdentity({ base: 'org/ns/bob', secret: SECRET });
    const bob = mls.participant(bobId);
    const carol = mls.participant(createSlimMemberIdentity({ base: 'org/ns/carol', secret: SECRET }));
    await moderator.createGroup(Buffer.from('group'));
    await bob.joinFromWelcome((await moderator.addMember(await bob.keyPackage())).welcome);
    const addCarol = await moderator.addMember(await carol.keyPackage());
    await bob.applyCommit(addCarol.commit);
    await carol.joinFromWelcome(addCarol.welcome);
    const removeBob = await moderator.removeMember(bobId.tokenId);
    await carol.applyCommit(removeBob);
    const sealed = await moderator.encrypt(Buffer.from('without bob'), aad(3));
    expect(Buffer.from(await carol.decrypt(sealed, aad(3))).toString()).toBe('without bob');
    await expectCode(bob.decrypt(sealed, aad(3)), 'DECRYPT_FAILED');
  });
});
