import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import type { Engine } from '../../main/core/engine/engine.js';
import { engineContextOf } from '../../main/core/engine/engine-internals.js';
import { buildEnvelope } from '../../main/core/envelopes/envelope-builder.js';
import { INVITATION_TTL_MS, MAX_PENDING_FROM_CONTACTS, MAX_PENDING_FROM_STRANGERS, MAX_PENDING_PER_INVITER } from '../../main/core/groups/invitation-bounds.js';
import { signGroupVersion } from '../../main/core/groups/signed-group-version.js';
import { decodeWire, encodeWire } from '../../main/core/wire/wire-codec.js';
import { signedGroupVersionSchema, type GroupVersion } from '../../main/core/wire/wire-schemas.js';
import type { EncryptionMode } from '../../shared/domain/views.js';
import { LoopbackNetwork } from '../helpers/loopback-network.js';
import { introduce, newUser, openProfile, tempDir, testProfile, userId } from '../helpers/test-engines.js';
import { joinedGroup, type TestWorld } from '../helpers/test-world.js';
import { outsiderKeys } from './hostile-world.js';
import { openSigned, verdictOf } from './attack-kit.js';

/**
 * Issue 8, class 1: an invitation is a proposal until the user accepts. An outsider's invitation
 * (self-signed, naming real members with the attacker's keys and names) changes nothing we hold or
 * show, a decline leaves nothing behind, a flood stays bounded, and a genuine invitation still works.
 */
type Keys = ReturnType<typeof outsiderKeys>;
const bytesOf = (id: string): Uint8Array => fromBase64Url(id) as Uint8Array;

/**
 * A self-signed invitation from `keys` to `to` (what any outsider on the node can make): to a direct
 * chat unless `direct` is false (then to a group of `to` and a made-up second member).
 */
function strangerInvite(keys: Keys, to: Uint8Array, sentAt: number, direct = true): Uint8Array {
  const v0: GroupVersion = {
    groupId: new Uint8Array(0),
    version: 0,
    kind: 'CREATE',
    name: 'Free prizes',
    creator: { userId: keys.userId, boxKey: new Uint8Array(32), displayName: 'Prize desk', slimName: 'kizuna/outsiders/x' },
    createdAt: sentAt,
    updatedAt: sentAt,
    // A group needs someone beside us (a direct chat is the creator and us).
    members: [
      { userId: to, boxKey: new Uint8Array(32), displayName: 'you', slimName: 'kizuna/outsiders/y' },
      ...(direct ? [] : [{ userId: new Uint8Array(randomBytes(32)), boxKey: new Uint8Array(32), displayName: 'someone', slimName: 'kizuna/outsiders/z' }]),
    ],
    mode: 'NONE',
    avatar: new Uint8Array(0),
    avatarMime: '',
    prevHash: new Uint8Array(0),
    epoch: 0,
    secretCommitment: new Uint8Array(0),
    nonce: new Uint8Array(randomBytes(16)),
    affected: [],
    cutoffs: [],
    direct,
  };
  const signed = signGroupVersion(v0, keys.signSecret);
  const chain = [decodeWire('SignedGroupVersion', signedGroupVersionSchema, signed.signedBytes)];
  const body = encodeWire('Invite', { chain, secrets: [] });
  return buildEnvelope(keys, { groupId: signed.hash, epoch: 0, type: 'INVITE', seq: 0, sentAt, body, recipient: to }).bytes;
}

/** Everything alice holds that an invitation must not touch before she answers. */
function heldState(e: Engine) {
  const ctx = engineContextOf(e);
  const people = (['none', 'added', 'blocked'] as const).flatMap((s) => ctx.store.read.people.listByState(s));
  return {
    people: people.map((p) => ({ id: Buffer.from(p.userId).toString('hex'), box: Buffer.from(p.boxPublic).toString('hex'), name: p.displayName, slim: p.slimName, state: p.contactState })),
    groups: e.listGroups(),
    contacts: e.listContacts(),
  };
}

describe('invitations are proposals until accepted', () => {
  let dir: ReturnType<typeof tempDir>;
  let net: LoopbackNetwork;
  let alice: Engine, bob: Engine, carol: Engine, eve: Engine;
  let clock = Date.now();
  let world: TestWorld;
  let g: string;

  beforeAll(async () => {
    dir = tempDir('kizuna-invitations-');
    const profile = testProfile(dir.path, 'alice');
    alice = await openProfile(profile, () => clock);
    alice.createIdentity({ displayName: 'alice' });
    bob = (await newUser(dir.path, 'bob')).engine;
    carol = (await newUser(dir.path, 'carol')).engine;
    eve = (await newUser(dir.path, 'eve')).engine;
    introduce(alice, bob, carol);
    introduce(eve, bob, carol);
    eve.addContact(alice.getIdentity()?.card ?? ''); // eve has alice's card; alice does not know eve
    net = new LoopbackNetwork();
    net.add(alice, bob, carol, eve);
    world = { dir, net, engines: [alice, bob, carol, eve], close: async () => undefined };
    g = await joinedGroup(world, carol, [alice, bob], 'sealed', 'Real');
  });
  afterAll(async () => {
    for (const e of [alice, bob, carol, eve]) await e.close();
    dir.cleanup();
  });

  it('an outsider naming real members with her own keys changes nothing before accept, and nothing is left after a decline', async () => {
    const bobId = bytesOf(userId(bob));
    const a = engineContextOf(alice);
    // Eve's invitation lists alice and bob, but "bob" carries eve's box key and SLIM name, renamed.
    const e = engineContextOf(eve);
    e.store.write.people.upsert({ userId: bobId, boxPublic: e.self().boxPublic, displayName: 'Bob (new phone)', slimName: e.self().slimName }, Date.now());
    const before = heldState(alice);
    const bobInReal = alice.getGroup(g).members.find((m) => m.userId === userId(bob));
    const invited = alice.events.waitFor('invitation', (i) => i.state === 'pending' && i.groupName === 'Trap');
    const trap = await eve.createGroup({ name: 'Trap', members: [userId(alice), userId(bob)], mode: 'sealed' });
    await net.settle();
    await invited;

    // Only the invitation itself is shown; no group, member, people or contact row moved.
    expect(alice.listInvitations().map((i) => i.groupId)).toEqual([trap.groupId]);
    expect(heldState(alice)).toEqual(before);
    expect(a.store.read.groups.get(bytesOf(trap.groupId))).toBeUndefined();
    expect(a.store.read.groups.members(bytesOf(trap.groupId))).toEqual([]);
    expect(a.store.read.groups.memberRecord(bytesOf(trap.groupId), bobId)).toBeUndefined();
    expect(a.store.read.keys.secretEpochs(bytesOf(trap.groupId))).toEqual([]);
    expect(alice.getGroup(g).members.find((m) => m.userId === userId(bob))).toEqual(bobInReal);
    expect(a.store.read.people.get(bobId)?.slimName).toBe(bob.getIdentity()?.slimName);
    // The proposal is readable as a group we are invited to, and says nothing about the real group.
    expect(alice.getGroup(trap.groupId).myState).toBe('invited');

    const asReceived = a.store.read.invitations.get(bytesOf(trap.groupId))?.inviteBytes ?? new Uint8Array(0);
    alice.declineInvitation(trap.groupId);
    await net.settle();
    expect(alice.listInvitations()).toEqual([]);
    expect(() => alice.getGroup(trap.groupId)).toThrow(expect.objectContaining({ code: 'GROUP_NOT_FOUND' }));
    expect(heldState(alice)).toEqual(before);
    expect(a.store.read.invitations.get(bytesOf(trap.groupId))?.inviteBytes.byteLength).toBe(0);
    // A replay of the declined invitation shows nothing again.
    expect(await verdictOf(alice, asReceived)).not.toBe('accepted');
    expect(alice.listInvitations()).toEqual([]);
  });

  it('a co-member as another group\'s admin signed it stays inside that group, even once accepted', async () => {
    const bobId = bytesOf(userId(bob));
    const a = engineContextOf(alice);
    const before = heldState(alice).people;
    const bobInReal = alice.getGroup(g).members.find((m) => m.userId === userId(bob));
    const invited = alice.events.waitFor('invitation', (i) => i.state === 'pending' && i.groupName === 'Accepted trap');
    const trap = await eve.createGroup({ name: 'Accepted trap', members: [userId(alice), userId(bob)], mode: 'none' });
    await net.settle();
    await invited;
    await alice.acceptInvitation(trap.groupId);
    await net.settle();
    // Inside eve's group, bob is what eve signed; everywhere else, what alice held before.
    expect(alice.getGroup(trap.groupId).members.find((m) => m.userId === userId(bob))?.displayName).toBe('Bob (new phone)');
    expect(a.store.read.groups.memberRecord(bytesOf(trap.groupId), bobId)?.slimName).toBe(eve.getIdentity()?.slimName);
    expect(alice.getGroup(g).members.find((m) => m.userId === userId(bob))).toEqual(bobInReal);
    expect(a.store.read.groups.member(bytesOf(g), bobId)?.slimName).toBe(bob.getIdentity()?.slimName);
    expect(heldState(alice).people).toEqual(before); // neither eve nor her "bob" reached people
    const sent = await bob.sendText(g, 'still me');
    await net.settle();
    expect(alice.latestMessages(g, 5).messages.find((m) => m.id === sent.id)?.senderName).toBe('bob');
  });

  it('an invitation whose chain another admin signed is refused and stores nothing', async () => {
    const genuine = await bob.createGroup({ name: 'Bob club', members: [userId(alice), userId(carol)], mode: 'none' });
    const job = bob.outbox.due(10_000).find((j) => j.type === 'INVITE' && j.recipient !== null && Buffer.from(j.recipient).equals(Buffer.from(bytesOf(userId(alice)))));
    expect(job).toBeDefined();
    // Eve re-sends bob's chain inside an envelope she signs herself.
    const { envelope } = openSigned(job!.bytes);
    const keys = outsiderKeys();
    const forged = buildEnvelope(keys, { groupId: envelope.groupId, epoch: envelope.epoch, type: 'INVITE', seq: 0, sentAt: Date.now(), body: envelope.body, recipient: envelope.recipient }).bytes;
    expect(await verdictOf(alice, forged)).not.toBe('accepted');
    expect(engineContextOf(alice).store.read.invitations.get(bytesOf(genuine.groupId))).toBeUndefined();
    await net.settle();
    // The genuine one still arrives and works.
    expect(alice.listInvitations().map((i) => i.groupId)).toContain(genuine.groupId);
    alice.declineInvitation(genuine.groupId);
    await net.settle();
  });

  it('a flood of invitations stays bounded per inviter, in total, and in time', async () => {
    const aliceId = bytesOf(userId(alice));
    const a = engineContextOf(alice);
    const one = outsiderKeys();
    const reasons: string[] = [];
    for (let i = 0; i < MAX_PENDING_PER_INVITER + 4; i++) reasons.push(await verdictOf(alice, strangerInvite(one, aliceId, clock)));
    expect(reasons.filter((r) => r === 'accepted')).toHaveLength(MAX_PENDING_PER_INVITER);
    expect(reasons.filter((r) => r === 'invite-cap-inviter')).toHaveLength(4);

    // Many keys (they cost nothing): strangers together never hold more than the total cap.
    for (let i = 0; i < MAX_PENDING_FROM_STRANGERS; i++) await verdictOf(alice, strangerInvite(outsiderKeys(), aliceId, clock));
    expect(a.store.read.invitations.pendingFromStrangers().count).toBe(MAX_PENDING_FROM_STRANGERS);
    expect(await verdictOf(alice, strangerInvite(outsiderKeys(), aliceId, clock))).toBe('invite-cap-total');
    expect(a.store.read.log.dropCounts()['invite-cap-total']).toBeGreaterThan(0);
    expect(a.store.read.log.dropCounts()['invite-cap-inviter']).toBe(4);

    // An invitation older than the expiry is refused; stored ones are forgotten once they expire.
    expect(await verdictOf(alice, strangerInvite(outsiderKeys(), aliceId, clock - INVITATION_TTL_MS - 1))).toBe('invite-expired');
    clock += INVITATION_TTL_MS + 1;
    expect(alice.listInvitations()).toEqual([]);
    expect(a.store.read.invitations.pendingFromStrangers().count).toBe(0);
  });

  it('a contact’s genuine invitation is still taken while strangers are at the cap', async () => {
    const aliceId = bytesOf(userId(alice));
    for (let i = 0; i < MAX_PENDING_FROM_STRANGERS; i++) await verdictOf(alice, strangerInvite(outsiderKeys(), aliceId, clock));
    expect(await verdictOf(alice, strangerInvite(outsiderKeys(), aliceId, clock))).toBe('invite-cap-total');
    const invited = alice.events.waitFor('invitation', (i) => i.state === 'pending' && i.groupName === 'Still works');
    const genuine = await bob.createGroup({ name: 'Still works', members: [userId(alice), userId(carol)], mode: 'none' });
    await net.settle();
    await invited;
    expect(alice.listInvitations().map((i) => i.groupId)).toContain(genuine.groupId);
  });

  it('contacts’ invitations have a total bound of their own (a contact’s leaked keys cannot grow the store)', async () => {
    const aliceId = bytesOf(userId(alice));
    const a = engineContextOf(alice);
    const reasons: string[] = [];
    // Enough accepted contacts, each at its per-inviter limit, to pass the contacts' total. They fill it
    // with group invitations: each direct-chat invitation that is taken makes the engine look for direct
    // chats to merge, verifying every pending invitation again, so filling with direct ones takes a
    // minute. The bound is the same for both kinds; the last contact's are direct and refused at it.
    const contacts = MAX_PENDING_FROM_CONTACTS / MAX_PENDING_PER_INVITER;
    for (let c = 0; c <= contacts; c++) {
      const keys = outsiderKeys();
      a.store.write.people.upsert({ userId: keys.userId, boxPublic: keys.boxPublic, displayName: `contact ${c}`, slimName: `kizuna/contacts/c${c}` }, clock);
      a.store.write.people.setState(keys.userId, 'added', clock);
      for (let i = 0; i < MAX_PENDING_PER_INVITER; i++) reasons.push(await verdictOf(alice, strangerInvite(keys, aliceId, clock, c === contacts)));
    }
    expect(a.store.read.invitations.pendingFromContacts().count).toBe(MAX_PENDING_FROM_CONTACTS);
    expect(reasons.filter((r) => r === 'invite-cap-contacts').length).toBeGreaterThanOrEqual(MAX_PENDING_PER_INVITER);
    expect(reasons.every((r) => r === 'accepted' || r === 'invite-cap-contacts')).toBe(true);
    expect(a.store.read.log.dropCounts()['invite-cap-contacts']).toBe(reasons.filter((r) => r === 'invite-cap-contacts').length);
  });
});

describe.each<EncryptionMode>(['mls', 'sealed', 'none'])('a genuine invitation answered later (%s)', (mode) => {
  let dir: ReturnType<typeof tempDir>;
  let net: LoopbackNetwork;
  let alice: Engine, bob: Engine, carol: Engine;

  beforeAll(async () => {
    dir = tempDir('kizuna-invitations-');
    [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map(async (n) => (await newUser(dir.path, n)).engine)) as [Engine, Engine, Engine];
    introduce(alice, bob, carol);
    net = new LoopbackNetwork();
    net.add(alice, bob, carol);
  });
  afterAll(async () => {
    for (const e of [alice, bob, carol]) await e.close();
    dir.cleanup();
  });

  it('applies what the admin changed while it waited, then chats', async () => {
    const g = (await carol.createGroup({ name: 'Later', members: [userId(alice), userId(bob)], mode })).groupId;
    await net.settle();
    await bob.acceptInvitation(g);
    await net.settle();
    // The admin renames the group while alice has not answered: held, not applied.
    await carol.renameGroup(g, 'Later, renamed');
    await net.settle();
    expect(engineContextOf(alice).store.read.groups.get(bytesOf(g))).toBeUndefined();
    const joined = alice.events.waitFor('group', (x) => x.groupId === g && x.myState === 'joined' && x.name === 'Later, renamed', 15_000);
    await alice.acceptInvitation(g);
    await net.settle();
    await joined;
    const sent = await alice.sendText(g, 'hello from alice');
    await net.settle();
    expect(bob.latestMessages(g, 10).messages.map((m) => m.id)).toContain(sent.id);
    expect(carol.latestMessages(g, 10).messages.find((m) => m.id === sent.id)?.senderName).toBe('alice');
    expect(alice.getGroup(g).members.map((m) => m.displayName).sort()).toEqual(['alice', 'bob', 'carol']);
  });

  it('an invitation made stale by the admin before the answer is gone, and nothing was applied', async () => {
    const dave = (await newUser(dir.path, `dave-${mode}`)).engine;
    introduce(carol, dave);
    net.add(dave);
    const g = (await carol.createGroup({ name: 'Short', members: [userId(alice), userId(bob), userId(dave)], mode })).groupId;
    await net.settle();
    const stale = dave.events.waitFor('invitation', (i) => i.groupId === g && i.state === 'stale');
    await carol.removeMembers(g, [userId(dave)]);
    await net.settle();
    await stale;
    expect(dave.listInvitations()).toEqual([]);
    expect(() => dave.getGroup(g)).toThrow(expect.objectContaining({ code: 'GROUP_NOT_FOUND' }));
    await dave.close();
  });
});
