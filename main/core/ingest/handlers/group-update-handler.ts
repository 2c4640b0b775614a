import { KizunaError, isKizunaError } from '../../../../shared/errors/kizuna-error.js';
import * as mls from '../../crypto/mls/index.js';
import { bytesEqual } from '../../encoding/base64url.js';
import type { EngineContext } from '../../kernel/engine-context.js';
import { openOwnSecret, storeEpochSecret } from '../../encryption/sealed-secrets.js';
import { applyVersion, everyone, latestVersion } from '../../groups/group-state.js';
import { validateNextVersion } from '../../groups/group-validation.js';
import { emitGroup } from '../../groups/group-views.js';
import { verifySignedGroupVersion, type VerifiedGroupVersion } from '../../groups/signed-group-version.js';
import { recordMemberIdentity, verifyAnnouncedTokens } from '../../identity/member-identity-tokens.js';
import type { GroupRow } from '../../store/tables/groups-table.js';
import { decodeWire } from '../../wire/wire-codec.js';
import { groupUpdateSchema, type GroupUpdate } from '../../wire/wire-schemas.js';
import { defer, done, drop, type Handler, type Verdict } from '../verdict.js';
import { handleInvitationUpdate } from './invitation-update.js';

/**
 * GROUP_UPDATE from the admin: the next signed version (checked with the same rules the admin
 * applied), the new epoch's sealed secret for us, and/or an MLS commit processed under the policy
 * "only the admin commits, and only people listed in the version may be in the group". Identity
 * tokens the admin announces are checked again here and the identities they prove recorded.
 */
export const handleGroupUpdate: Handler = async (ctx, v) => {
  const e = v.envelope;
  const group = ctx.store.read.groups.get(e.groupId);
  if (group === undefined) return handleInvitationUpdate(ctx, v); // only invited: nothing applies before accept
  if (!bytesEqual(e.sender, group.creator)) return drop('not-admin');
  const update = decodeWire('GroupUpdate', groupUpdateSchema, e.body);

  let next: VerifiedGroupVersion | undefined;
  let current = latestVersion(ctx, e.groupId);
  if (update.version !== undefined) {
    const candidate = verifySignedGroupVersion(update.version);
    if (candidate.version.version > current.version.version + 1) return defer('version-gap');
    if (candidate.version.version === current.version.version + 1) {
      validateNextVersion(current.version, current.hash, e.groupId, candidate.version, candidate.signer);
      next = candidate;
      current = candidate;
    } else if (!bytesEqual(candidate.hash, (ctx.store.read.groups.version(e.groupId, candidate.version.version)?.hash ?? new Uint8Array(0)))) {
      return drop('version-conflict');
    }
  }

  const mlsStep = await processMlsCommit(ctx, group, update, current);
  if ('outcome' in mlsStep) return mlsStep;

  const self = ctx.self();
  const identities = await verifyAnnouncedTokens(ctx, e.groupId, update.memberTokens, everyone(current.version).map((m) => m.userId), e.sentAt);
  const stillMember = everyone(current.version).some((m) => bytesEqual(m.userId, self.userId));
  const secret = next !== undefined && group.mode === 'sealed' ? openOwnSecret(self, update.secrets, next.version.epoch) : undefined;
  return done(
    () => {
      if (next !== undefined) applyVersion(ctx, e.groupId, next, 'invited');
      if (secret !== undefined && next !== undefined) storeEpochSecret(ctx.store, e.groupId, next.version.epoch, secret, next.version.secretCommitment);
      mlsStep.write();
      for (const { token, identity } of identities) recordMemberIdentity(ctx, e.groupId, token, identity);
      const state = ctx.store.read.groups.get(e.groupId)?.myState;
      if (!stillMember && state !== undefined && state !== 'left' && state !== 'closed' && state !== 'declined') {
        ctx.store.write.groups.setMyState(e.groupId, 'removed');
        if (ctx.store.read.invitations.get(e.groupId)?.state === 'pending') ctx.store.write.invitations.setState(e.groupId, 'stale');
      }
    },
    () => emitGroup(ctx, e.groupId),
    true,
  );
};

/** Processes the MLS part (if any) and returns its write step, or a verdict that stops here. */
async function processMlsCommit(ctx: EngineContext, group: GroupRow, update: GroupUpdate, latest: VerifiedGroupVersion): Promise<{ write(): void } | Verdict> {
  const noop = { write: () => undefined };
  if (update.mlsCommit.byteLength === 0) return noop;
  if (group.mode !== 'mls') return drop('mls-commit-in-non-mls-group');
  const mine = ctx.mlsStates.current(group.groupId);
  // Waiting for our welcome: this commit may lead past the epoch we join at, so it waits for the
  // welcome (commits up to our join epoch are then skipped, later ones processed in order).
  if (mine === undefined) return group.myState === 'joining' ? defer('not-joined') : noop;
  if (update.mlsEpoch <= mine.epoch) return noop; // already applied, or from before we joined
  if (update.mlsEpoch > mine.epoch + 1) return defer('epoch-gap');
  const allowed = everyone(latest.version).map((m) => m.userId);
  let out: mls.MlsProcessedCommit;
  try {
    out = await mls.processCommit(mine.state, update.mlsCommit, {
      adminIdentity: group.creator,
      isAllowed: (id) => allowed.some((a) => bytesEqual(a, id)),
    });
  } catch (err) {
    if (isKizunaError(err)) return drop(err.code === 'MLS_COMMIT_REJECTED' ? 'commit-rejected' : 'commit-invalid');
    throw err;
  }
  const epoch = Number(out.epoch);
  if (!out.removedSelf && epoch !== update.mlsEpoch) throw new KizunaError('MLS_ERROR', 'The commit led to another epoch than announced.');
  return {
    write: () => {
      if (out.removedSelf) {
        ctx.mlsStates.put(group.groupId, mine.epoch, out.state);
        return;
      }
      ctx.mlsStates.put(group.groupId, epoch, out.state);
      ctx.store.write.groups.insertEpoch(group.groupId, epoch, latest.version.version, out.roster, null, ctx.now());
      ctx.store.write.groups.setEpoch(group.groupId, epoch);
      for (const id of out.roster) ctx.store.write.groups.setMemberStatus(group.groupId, id, 'joined');
    },
  };
}
