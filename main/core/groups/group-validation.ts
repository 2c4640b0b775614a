import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { hasControlCharacter } from '../../../shared/domain/control-characters.js';
import { characterCount } from '../../../shared/domain/text-length.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { GroupVersion, VersionKind, WireMember } from '../wire/wire-schemas.js';

/**
 * Kizuna's group rules (seeds 003 and 004), as pure functions. They run when the local user acts
 * and again on every version that arrives from someone else, so a modified client cannot push
 * a group into a state an honest one would refuse.
 */
const GROUP_NAME_MAX_CHARS = 50;
const GROUP_MIN_MEMBERS = 2;

const keyOf = (id: Uint8Array): string => toBase64Url(id);

/** Trims and checks a group name: 1..50 characters, counted as characters, not bytes. */
export function validateGroupName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (name.length === 0) throw new KizunaError('GROUP_NAME_EMPTY');
  if (characterCount(name) > GROUP_NAME_MAX_CHARS) throw new KizunaError('GROUP_NAME_TOO_LONG', undefined, { max: GROUP_NAME_MAX_CHARS });
  if (hasControlCharacter(name)) throw new KizunaError('INVALID_INPUT', 'A group name cannot contain control characters.');
  return name;
}

/** No duplicates, creator not among members (create_group's and update's rules). */
function validateMemberList(creator: Uint8Array, members: readonly Uint8Array[]): void {
  const seen = new Set<string>();
  for (const m of members) {
    if (bytesEqual(m, creator)) throw new KizunaError('GROUP_CREATOR_IN_MEMBERS');
    const k = keyOf(m);
    if (seen.has(k)) throw new KizunaError('GROUP_DUPLICATE_MEMBERS', undefined, { member: k });
    seen.add(k);
  }
}

/**
 * A group has at least two members besides its creator; a direct chat has exactly one, and is
 * exempt from the minimum only because it is direct.
 */
export function validateMemberCount(members: readonly unknown[], direct = false): void {
  if (direct) {
    if (members.length !== 1) throw new KizunaError('GROUP_DIRECT_ONE_MEMBER', undefined, { got: members.length });
    return;
  }
  if (members.length < GROUP_MIN_MEMBERS) {
    throw new KizunaError('GROUP_TOO_FEW_MEMBERS', undefined, { min: GROUP_MIN_MEMBERS, got: members.length });
  }
}

const KINDS_CHANGING_EPOCH: ReadonlySet<VersionKind> = new Set(['ADD_MEMBERS', 'REMOVE_MEMBERS', 'MEMBER_LEFT', 'MEMBER_DECLINED', 'ROTATE_KEYS']);

/** Whether a version of this kind starts a new key epoch (sealed and none modes). */
export function changesEpoch(kind: VersionKind): boolean {
  return KINDS_CHANGING_EPOCH.has(kind);
}

function fail(reason: string, details: Record<string, unknown> = {}): never {
  throw new KizunaError('GROUP_VERSION_INVALID', `A group update was not valid: ${reason}.`, { reason, ...details });
}

function sameMember(a: WireMember, b: WireMember): boolean {
  return bytesEqual(a.userId, b.userId) && bytesEqual(a.boxKey, b.boxKey);
}

/** Checks version 0 (create). `signer` is whoever signed it. */
export function validateCreateVersion(v: GroupVersion, signer: Uint8Array): void {
  if (v.kind !== 'CREATE' || v.version !== 0) fail('the first version must be a creation');
  if (v.groupId.byteLength !== 0 || v.prevHash.byteLength !== 0) fail('the first version has no group id or predecessor');
  if (!bytesEqual(v.creator.userId, signer)) fail('the first version must be signed by its creator');
  if (v.nonce.byteLength < 16) fail('the first version needs a random nonce');
  if (v.epoch !== 0) fail('the first version starts at epoch 0');
  if (v.affected.length !== 0 || v.cutoffs.length !== 0 || v.avatar.byteLength !== 0) fail('the first version adds no avatar and affects nobody');
  if (v.mode === 'SEALED' && v.secretCommitment.byteLength !== 32) fail('a sealed group commits to its first secret');
  if (v.mode !== 'SEALED' && v.secretCommitment.byteLength !== 0) fail('only sealed groups commit to secrets');
  if (validateGroupName(v.name) !== v.name) fail('the name is not in normal form');
  validateMemberList(v.creator.userId, v.members.map((m) => m.userId));
  validateMemberCount(v.members, v.direct);
}

/**
 * Checks that `next` may follow `prev` (whose signed hash is `prevHash`) in group `groupId`, signed
 * by `signer`. Every later version is signed by the admin (the creator); a member's leave or decline
 * is recorded by the admin as MEMBER_LEFT / MEMBER_DECLINED.
 */
export function validateNextVersion(prev: GroupVersion, prevHash: Uint8Array, groupId: Uint8Array, next: GroupVersion, signer: Uint8Array): void {
  if (!bytesEqual(next.groupId, groupId)) fail('the version belongs to another group');
  if (next.version !== prev.version + 1) fail('versions must follow each other', { expected: prev.version + 1, got: next.version });
  if (!bytesEqual(next.prevHash, prevHash)) fail('the version does not chain to the previous one');
  if (prev.kind === 'CLOSE') throw new KizunaError('GROUP_CLOSED');
  if (!bytesEqual(signer, prev.creator.userId)) throw new KizunaError('NOT_GROUP_ADMIN');
  if (!sameMember(next.creator, prev.creator) || next.createdAt !== prev.createdAt || next.mode !== prev.mode) {
    fail('the creator, creation time and encryption mode never change');
  }
  if (next.nonce.byteLength !== 0) fail('only the first version carries a nonce');
  if (next.direct !== prev.direct) fail('a chat is direct from its creation on, or never');
  // A direct chat's two people never change; either may still leave or decline, and the admin may delete it.
  if (next.direct && (next.kind === 'ADD_MEMBERS' || next.kind === 'REMOVE_MEMBERS')) throw new KizunaError('GROUP_DIRECT_MEMBERS_FIXED');
  if (validateGroupName(next.name) !== next.name) fail('the name is not in normal form');
  validateMemberList(next.creator.userId, next.members.map((m) => m.userId));

  const expectedEpoch = next.mode === 'MLS' ? 0 : changesEpoch(next.kind) ? prev.epoch + 1 : prev.epoch;
  if (next.epoch !== expectedEpoch) fail('the key epoch is wrong', { expected: expectedEpoch, got: next.epoch });
  const needsCommitment = next.mode === 'SEALED';
  const commitmentChanges = needsCommitment && changesEpoch(next.kind);
  if (needsCommitment && next.secretCommitment.byteLength !== 32) fail('a sealed group commits to its secret');
  if (!needsCommitment && next.secretCommitment.byteLength !== 0) fail('only sealed groups commit to secrets');
  if (needsCommitment && !commitmentChanges && !bytesEqual(next.secretCommitment, prev.secretCommitment)) fail('the secret changes only with the epoch');
  if (commitmentChanges && bytesEqual(next.secretCommitment, prev.secretCommitment)) fail('a new epoch needs a new secret');

  const removal = next.kind === 'REMOVE_MEMBERS' || next.kind === 'MEMBER_LEFT' || next.kind === 'MEMBER_DECLINED';
  const cutoffFor = new Set(next.cutoffs.map((c) => keyOf(c.sender)));
  // A closing names a cutoff for everyone (the creator and each member): what the group still takes
  // from each of them is decided by sequence numbers the admin verified, never by a sender's clock.
  const closingFor = next.kind === 'CLOSE' ? [next.creator.userId, ...next.members.map((m) => m.userId).filter((m) => !bytesEqual(m, next.creator.userId))] : [];
  const cutoffTargets = removal ? next.affected : closingFor;
  if (
    next.kind === 'CLOSE' && next.cutoffs.length === 0
      ? false // closings signed before cutoffs existed: receivers then take nothing more at all
      : cutoffFor.size !== next.cutoffs.length || next.cutoffs.length !== cutoffTargets.length || !cutoffTargets.every((a) => cutoffFor.has(keyOf(a)))
  ) {
    fail('a removal names one cutoff for each member it removes, a closing one for everyone, and nothing else does');
  }

  const prevKeys = new Map(prev.members.map((m) => [keyOf(m.userId), m]));
  const nextKeys = new Map(next.members.map((m) => [keyOf(m.userId), m]));
  const affected = next.affected.map(keyOf);
  const unchangedMembers = (): boolean => prev.members.length === next.members.length && next.members.every((m) => {
    const p = prevKeys.get(keyOf(m.userId));
    return p !== undefined && sameMember(p, m);
  });
  const sameLook = (): boolean => next.name === prev.name && next.avatarMime === prev.avatarMime && bytesEqual(next.avatar, prev.avatar);

  switch (next.kind) {
    case 'ADD_MEMBERS': {
      if (affected.length === 0) throw new KizunaError('GROUP_MEMBERS_EMPTY');
      for (const k of affected) {
        if (prevKeys.has(k)) throw new KizunaError('GROUP_ALREADY_MEMBER', undefined, { member: k });
        if (!nextKeys.has(k)) fail('an added member is missing from the members');
      }
      if (next.members.length !== prev.members.length + affected.length) fail('an addition only adds');
      for (const m of prev.members) if (!sameMember(nextKeys.get(keyOf(m.userId)) ?? m, m) || !nextKeys.has(keyOf(m.userId))) fail('an addition keeps everyone');
      validateMemberCount(next.members);
      if (!sameLook()) fail('an addition does not rename');
      break;
    }
    case 'REMOVE_MEMBERS':
    case 'MEMBER_LEFT':
    case 'MEMBER_DECLINED': {
      if (affected.length === 0) throw new KizunaError('GROUP_MEMBERS_EMPTY');
      if (next.kind !== 'REMOVE_MEMBERS' && affected.length !== 1) fail('one member leaves or declines at a time');
      for (const k of affected) {
        if (!prevKeys.has(k)) throw new KizunaError('GROUP_NOT_MEMBER', undefined, { member: k });
        if (nextKeys.has(k)) fail('a removed member is still listed');
      }
      if (next.members.length !== prev.members.length - affected.length) fail('a removal only removes');
      for (const m of next.members) {
        const p = prevKeys.get(keyOf(m.userId));
        if (p === undefined || !sameMember(p, m)) fail('a removal does not add or change anyone');
      }
      // The admin keeps groups at two members or more; someone leaving on their own is always allowed.
      if (next.kind === 'REMOVE_MEMBERS') validateMemberCount(next.members);
      if (!sameLook()) fail('a removal does not rename');
      break;
    }
    case 'RENAME':
      if (next.name === prev.name) throw new KizunaError('GROUP_NAME_UNCHANGED');
      if (!unchangedMembers() || next.affected.length !== 0) fail('a rename keeps the members');
      if (next.avatarMime !== prev.avatarMime || !bytesEqual(next.avatar, prev.avatar)) fail('a rename keeps the avatar');
      break;
    case 'SET_AVATAR':
      if (!unchangedMembers() || next.affected.length !== 0 || next.name !== prev.name) fail('an avatar change keeps everything else');
      if (next.avatarMime === prev.avatarMime && bytesEqual(next.avatar, prev.avatar)) fail('the avatar did not change');
      break;
    case 'ROTATE_KEYS':
    case 'CLOSE':
      if (!unchangedMembers() || next.affected.length !== 0 || !sameLook()) fail(`${next.kind.toLowerCase()} changes nothing else`);
      break;
    case 'CREATE':
      fail('a group is created once');
  }
}
