import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import * as mls from '../crypto/mls/index.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { announceOutbox, queueToUser } from '../kernel/outbox-writer.js';
import { writeSequencedEnvelope } from '../kernel/sequenced-send.js';
import { buildEnvelope } from '../envelopes/envelope-builder.js';
import { encodeWire } from '../wire/wire-codec.js';
import type { MemberToken, SenderMark, WireMember } from '../wire/wire-schemas.js';
import { issueVersion, requireAdmin, type PreparedChange } from './group-admin.js';
import { everyone, latestVersion, requireGroup, versionChain } from './group-state.js';
import { emitGroup } from './group-views.js';
import { knownMemberTokens } from '../identity/member-identity-tokens.js';
import { signedGroupVersionFromBytes } from './signed-group-version.js';

/**
 * MLS changes that need no new group version: adding a member who accepted (commit to the group,
 * welcome to the newcomer) and rotating keys with an empty commit. The new state is stored in the
 * same transaction that queues the commit, before anything is acknowledged.
 */
/**
 * Admits a member who accepted: in MLS an add commit to the group and a welcome to them; in sealed
 * and unencrypted groups just the welcome (they hold the secret already). Call inside the group's
 * lock; undefined when they are already in (a repeated join). `memberTokens` (the joiner's verified
 * identity token) ride on the MLS add commit's GroupUpdate, or on a GroupUpdate of their own in sealed
 * and unencrypted groups, so that every member can check them too.
 */
export async function prepareJoin(
  ctx: EngineContext,
  groupId: Uint8Array,
  joiner: WireMember,
  keyPackage: Uint8Array,
  memberTokens: MemberToken[] = [],
): Promise<PreparedChange | undefined> {
  requireAdmin(ctx, groupId);
  const group = requireGroup(ctx, groupId);
  const after = (): void => {
    emitGroup(ctx, groupId);
    announceOutbox(ctx, groupId);
  };
  if (group.mode !== 'mls') {
    if (ctx.store.read.groups.member(groupId, joiner.userId)?.status === 'joined') return undefined;
    return {
      write: () => {
        ctx.store.write.groups.setMemberStatus(groupId, joiner.userId, 'joined');
        if (memberTokens.length > 0) {
          const now = ctx.now();
          const body = encodeWire('GroupUpdate', { secrets: [], mlsCommit: new Uint8Array(0), mlsEpoch: 0, memberTokens });
          writeSequencedEnvelope(ctx, { groupId, epoch: group.epoch, type: 'GROUP_UPDATE', seq: ctx.store.read.log.nextOwnSeq(groupId), body, sentAt: now });
        }
        queueWelcome(ctx, groupId, group.epoch, joiner, new Uint8Array(0));
      },
      after,
    };
  }
  const current = ctx.mlsStates.current(groupId);
  if (current === undefined) throw new KizunaError('MLS_ERROR', 'The admin has no MLS state for this group.');
  if (mls.rosterOf(current.state).some((id) => bytesEqual(id, joiner.userId))) return undefined;
  const kp = await mls.decodeKeyPackage(keyPackage);
  if (!bytesEqual(kp.identity, joiner.userId)) throw new KizunaError('KEY_PACKAGE_INVALID', 'The key package belongs to someone else.');
  const out = await mls.addMembers(current.state, [keyPackage]);
  const epoch = Number(mls.epochOf(out.state));
  const now = ctx.now();
  const version = latestVersion(ctx, groupId).version.version;
  const write = (): void => {
    ctx.mlsStates.put(groupId, epoch, out.state);
    ctx.store.write.groups.insertEpoch(groupId, epoch, version, mls.rosterOf(out.state), null, now);
    ctx.store.write.groups.setEpoch(groupId, epoch);
    ctx.store.write.groups.setMemberStatus(groupId, joiner.userId, 'joined');
    const body = encodeWire('GroupUpdate', { secrets: [], mlsCommit: out.commit, mlsEpoch: epoch, memberTokens });
    writeSequencedEnvelope(ctx, { groupId, epoch, type: 'GROUP_UPDATE', seq: ctx.store.read.log.nextOwnSeq(groupId), body, sentAt: now });
    queueWelcome(ctx, groupId, epoch, joiner, out.welcome);
  };
  return { write, after };
}

/** SLIM's GROUP_WELCOME: the chain, the MLS welcome (if any) and where each sender's sequence stands. */
function queueWelcome(ctx: EngineContext, groupId: Uint8Array, epoch: number, joiner: WireMember, mlsWelcome: Uint8Array): void {
  // A direct chat's history is the newcomer's own (issue 11): without MLS they hold the keys of what
  // we wrote before they accepted, so they catch up from the start (MLS chats send it again instead).
  const group = requireGroup(ctx, groupId);
  const fromStart = group.direct === 1 && group.mode !== 'mls';
  const marks: SenderMark[] = fromStart ? [] : ctx.store.read.log.cursors(groupId).map((c) => ({ sender: c.sender, seq: c.highest }));
  const members = everyone(latestVersion(ctx, groupId).version).map((m) => m.userId);
  const body = encodeWire('Welcome', {
    chain: versionChain(ctx, groupId).map(signedGroupVersionFromBytes),
    mlsWelcome,
    mlsRatchetTree: new Uint8Array(0),
    mlsEpoch: epoch,
    marks,
    memberTokens: knownMemberTokens(ctx, groupId, members),
  });
  queueToUser(ctx, buildEnvelope(ctx.self(), { groupId, epoch, type: 'WELCOME', seq: 0, sentAt: ctx.now(), body, recipient: joiner.userId }), joiner);
}

/** Rotates the group's keys: an empty MLS commit, or (sealed) a new epoch secret in a new version. */
export async function rotateGroupKeys(ctx: EngineContext, groupId: Uint8Array): Promise<void> {
  const group = requireGroup(ctx, groupId);
  if (group.mode === 'none') throw new KizunaError('ENCRYPTION_MODE_INVALID', 'A group without encryption has no keys to rotate.');
  if (group.mode === 'sealed') {
    await issueVersion(ctx, groupId, { kind: 'ROTATE_KEYS' });
    return;
  }
  await ctx.groupLocks.run(toBase64Url(groupId), async () => {
    requireAdmin(ctx, groupId);
    const current = ctx.mlsStates.current(groupId);
    if (current === undefined) throw new KizunaError('MLS_ERROR');
    const out = await mls.rotateKeys(current.state);
    const epoch = Number(mls.epochOf(out.state));
    const now = ctx.now();
    const version = latestVersion(ctx, groupId).version.version;
    ctx.store.transaction(() => {
      ctx.mlsStates.put(groupId, epoch, out.state);
      ctx.store.write.groups.insertEpoch(groupId, epoch, version, mls.rosterOf(out.state), null, now);
      ctx.store.write.groups.setEpoch(groupId, epoch);
      const body = encodeWire('GroupUpdate', { secrets: [], mlsCommit: out.commit, mlsEpoch: epoch });
      writeSequencedEnvelope(ctx, { groupId, epoch, type: 'GROUP_UPDATE', seq: ctx.store.read.log.nextOwnSeq(groupId), body, sentAt: now });
    });
    emitGroup(ctx, groupId);
    announceOutbox(ctx, groupId);
  });
}
