import type { EncryptionMode, GroupView } from '../../../shared/domain/views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { randomBytes } from '../crypto/aead.js';
import * as mls from '../crypto/mls/index.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { announceOutbox } from '../kernel/outbox-writer.js';
import { newEpochSecret, sealSecretFor, secretCommitment, storeEpochSecret } from '../encryption/sealed-secrets.js';
import type { GroupVersion } from '../wire/wire-schemas.js';
import { queueInvite } from './group-admin.js';
import { applyVersion, wireMode } from './group-state.js';
import { validateCreateVersion, validateGroupName, validateMemberCount } from './group-validation.js';
import { existingDirectChat } from './direct-chat-lookup.js';
import { joinWaitingDirectChat } from './direct-chat-merge.js';
import { groupView } from './group-views.js';
import { resolveNewMembers, selfAsMember } from './member-resolution.js';
import { groupIdOf, signGroupVersion } from './signed-group-version.js';

export interface CreateGroupInput {
  name: string;
  /** User ids (base64url) of at least two people this device knows; not the creator. */
  members: string[];
  mode?: EncryptionMode;
  /** A one-to-one chat: `members` holds exactly one person, and no one is ever added or removed. */
  direct?: boolean;
}

/**
 * create_group (seeds 003/004): sign version 0, derive the group id from it, set up the keys for
 * the mode and send each member an invitation (their "remote signal"). Nobody joins until they accept.
 */
export async function createGroup(ctx: EngineContext, input: CreateGroupInput): Promise<GroupView> {
  const self = ctx.self();
  const mode = input.mode ?? 'mls';
  if (mode !== 'mls' && mode !== 'sealed' && mode !== 'none') throw new KizunaError('ENCRYPTION_MODE_INVALID');
  const direct = input.direct === true;
  // The name is checked first (as always); a direct chat may leave it empty and get both people's names.
  const named = !direct || input.name.trim() !== '';
  if (named) validateGroupName(input.name);
  const members = resolveNewMembers(ctx, input.members);
  validateMemberCount(members, direct);
  const existing = direct && members[0] !== undefined ? existingDirectChat(ctx, members[0].userId, mode) : undefined;
  if (existing !== undefined) return groupView(ctx, existing);
  // Their invitation to a direct chat with us waits: that chat, joined, rather than a second one.
  const joined = direct && members[0] !== undefined ? await joinWaitingDirectChat(ctx, members[0].userId, mode) : undefined;
  if (joined !== undefined) return joined;
  const name = validateGroupName(named ? input.name : directChatName(selfAsMember(ctx).displayName, members[0]?.displayName ?? ''));
  const now = ctx.now();
  const secret = mode === 'sealed' ? newEpochSecret() : undefined;
  const v0: GroupVersion = {
    groupId: new Uint8Array(0),
    version: 0,
    kind: 'CREATE',
    name,
    creator: selfAsMember(ctx),
    createdAt: now,
    updatedAt: now,
    members,
    mode: wireMode(mode),
    avatar: new Uint8Array(0),
    avatarMime: '',
    prevHash: new Uint8Array(0),
    epoch: 0,
    secretCommitment: secret === undefined ? new Uint8Array(0) : secretCommitment(0, secret),
    nonce: randomBytes(16),
    affected: [],
    cutoffs: [],
    direct,
  };
  validateCreateVersion(v0, self.userId);
  const signed = signGroupVersion(v0, self.signSecret);
  const groupId = groupIdOf(signed);
  const mlsState = mode === 'mls' ? await mls.createGroup(groupId, { publicKey: self.signPublic, secretKey: self.signSecret }) : undefined;

  ctx.store.transaction(() => {
    applyVersion(ctx, groupId, signed, 'joined');
    ctx.store.write.groups.setJoinedEpoch(groupId, 0);
    if (secret !== undefined) storeEpochSecret(ctx.store, groupId, 0, secret, v0.secretCommitment);
    if (mlsState !== undefined) {
      ctx.mlsStates.put(groupId, 0, mlsState);
      // In MLS the roster grows as invitees accept; at first it is the creator alone.
      ctx.store.write.groups.insertEpoch(groupId, 0, 0, [self.userId], null, now);
    }
    for (const m of members) queueInvite(ctx, groupId, 0, m, secret === undefined ? [] : [sealSecretFor(m, 0, secret)]);
  });
  const row = ctx.store.read.groups.get(groupId);
  if (row === undefined) throw new KizunaError('INTERNAL');
  const view = groupView(ctx, row);
  ctx.events.emit('group', view);
  announceOutbox(ctx, groupId);
  return view;
}

/** A direct chat's name when none is given: both people's names (each screen titles it with the other's). */
export function directChatName(mine: string, theirs: string): string {
  const both = [...`${mine} & ${theirs}`.normalize('NFC').trim()];
  return both.slice(0, 50).join('').trim() || 'Direct chat';
}
