import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { announceOutbox, queueToUser } from '../kernel/outbox-writer.js';
import { writeSequencedEnvelope } from '../kernel/sequenced-send.js';
import { buildEnvelope } from '../envelopes/envelope-builder.js';
import * as mls from '../crypto/mls/index.js';
import { newEpochSecret, sealSecretFor, secretCommitment, storeEpochSecret } from '../encryption/sealed-secrets.js';
import { encodeWire } from '../wire/wire-codec.js';
import type { GroupVersion, SealedSecret, SenderMark, VersionKind, WireMember } from '../wire/wire-schemas.js';
import { applyVersion, latestVersion, requireGroup, versionChain } from './group-state.js';
import { changesEpoch, validateNextVersion } from './group-validation.js';
import { emitGroup } from './group-views.js';
import { verifiedCutoffs } from './removal-cutoffs.js';
import { signGroupVersion, signedGroupVersionFromBytes, toSignedGroupVersion, type VerifiedGroupVersion } from './signed-group-version.js';

/**
 * The admin's side of every group change after creation (seed 003/004's update_entry, SLIM's
 * moderator): build the next version, check it with the same rules receivers apply, change the
 * keys (new sealed secret, MLS commit), and queue the update for the channel, the invitations for
 * newcomers and a direct copy for whoever is removed, all in one transaction.
 */
export interface VersionChange {
  kind: VersionKind;
  name?: string;
  members?: WireMember[];
  affected?: Uint8Array[];
  avatar?: Uint8Array;
  avatarMime?: string;
  /** MLS: identities to remove from the MLS group with this version. */
  mlsRemove?: Uint8Array[];
  /** MEMBER_LEFT: the leaver's own signed word on its last envelope (its LEAVE's sequence number). */
  ownCutoffs?: SenderMark[];
}

const removalKinds: ReadonlySet<VersionKind> = new Set(['REMOVE_MEMBERS', 'MEMBER_LEFT', 'MEMBER_DECLINED']);

export function requireAdmin(ctx: EngineContext, groupId: Uint8Array): void {
  const g = requireGroup(ctx, groupId);
  if (g.myState === 'closed') throw new KizunaError('GROUP_CLOSED');
  if (!bytesEqual(g.creator, ctx.self().userId)) throw new KizunaError('NOT_GROUP_ADMIN');
}

/** A change whose crypto is done: `write` runs inside a transaction, `after` once it committed. */
export interface PreparedChange {
  write(): void;
  after(): void;
}

export async function issueVersion(ctx: EngineContext, groupId: Uint8Array, change: VersionChange): Promise<VerifiedGroupVersion> {
  return ctx.groupLocks.run(toBase64Url(groupId), async () => {
    const prepared = await prepareVersion(ctx, groupId, change);
    ctx.store.transaction(() => prepared.write());
    prepared.after();
    return prepared.signed;
  });
}

/** Builds the next version and its key change. Call inside the group's lock. */
export async function prepareVersion(ctx: EngineContext, groupId: Uint8Array, change: VersionChange): Promise<PreparedChange & { signed: VerifiedGroupVersion }> {
  requireAdmin(ctx, groupId);
  const self = ctx.self();
  const prev = latestVersion(ctx, groupId);
  const p = prev.version;
  const now = Math.max(ctx.now(), p.updatedAt);
  const sealed = p.mode === 'SEALED';
  const newEpoch = p.mode !== 'MLS' && changesEpoch(change.kind);
  const epoch = p.mode === 'MLS' ? 0 : newEpoch ? p.epoch + 1 : p.epoch;
  const secret = sealed && newEpoch ? newEpochSecret() : undefined;
  const next: GroupVersion = {
    ...p,
    version: p.version + 1,
    kind: change.kind,
    name: change.name ?? p.name,
    members: change.members ?? p.members,
    affected: change.affected ?? [],
    cutoffs: removalKinds.has(change.kind)
      ? verifiedCutoffs(ctx, groupId, change.affected ?? [], change.ownCutoffs)
      : change.kind === 'CLOSE'
        ? verifiedCutoffs(ctx, groupId, [p.creator.userId, ...p.members.map((m) => m.userId).filter((m) => !bytesEqual(m, p.creator.userId))])
        : [],
    avatar: change.avatar ?? p.avatar,
    avatarMime: change.avatarMime ?? p.avatarMime,
    prevHash: prev.hash,
    updatedAt: now,
    epoch,
    nonce: new Uint8Array(0),
    secretCommitment: secret !== undefined ? secretCommitment(epoch, secret) : p.secretCommitment,
    groupId,
  };
  // The admin's own client holds itself to the rules every receiver checks.
  validateNextVersion(p, prev.hash, groupId, next, self.userId);
  const signed = signGroupVersion(next, self.signSecret);

  let mlsCommit: Uint8Array = new Uint8Array(0);
  let mlsResult: { epoch: number; state: mls.MlsGroupState; roster: Uint8Array[] } | undefined;
  if (p.mode === 'MLS') {
    const current = ctx.mlsStates.current(groupId);
    if (current === undefined) throw new KizunaError('MLS_ERROR', 'The admin has no MLS state for this group.');
    const roster = mls.rosterOf(current.state);
    const toRemove = (change.mlsRemove ?? []).filter((id) => roster.some((r) => bytesEqual(r, id)));
    if (toRemove.length > 0) {
      const out = await mls.removeMembers(current.state, toRemove);
      mlsCommit = out.commit;
      mlsResult = { epoch: Number(mls.epochOf(out.state)), state: out.state, roster: mls.rosterOf(out.state) };
    }
  }

  const secrets: SealedSecret[] = secret === undefined ? [] : next.members.map((m) => sealSecretFor(m, epoch, secret));
  const envelopeEpoch = mlsResult?.epoch ?? (p.mode === 'MLS' ? requireGroup(ctx, groupId).epoch : epoch);
  const body = encodeWire('GroupUpdate', { version: toSignedGroupVersion(signed), secrets, mlsCommit, mlsEpoch: mlsResult?.epoch ?? 0 });

  const write = (): void => {
    applyVersion(ctx, groupId, signed, 'joined');
    if (secret !== undefined) storeEpochSecret(ctx.store, groupId, epoch, secret, next.secretCommitment);
    if (mlsResult !== undefined) {
      ctx.mlsStates.put(groupId, mlsResult.epoch, mlsResult.state);
      ctx.store.write.groups.insertEpoch(groupId, mlsResult.epoch, next.version, mlsResult.roster, null, now);
      ctx.store.write.groups.setEpoch(groupId, mlsResult.epoch);
    }
    const seq = ctx.store.read.log.nextOwnSeq(groupId);
    const update = writeSequencedEnvelope(ctx, { groupId, epoch: envelopeEpoch, type: 'GROUP_UPDATE', seq, body, sentAt: now });
    // Whoever is removed (or left, or declined) hears it directly too: they will not be served
    // the group's history once they are out of it.
    if (change.kind === 'REMOVE_MEMBERS' || change.kind === 'MEMBER_LEFT' || change.kind === 'MEMBER_DECLINED') {
      for (const m of p.members.filter((m) => (change.affected ?? []).some((a) => bytesEqual(a, m.userId)))) queueToUser(ctx, update, m);
    }
    if (change.kind === 'ADD_MEMBERS') {
      for (const m of next.members.filter((m) => (change.affected ?? []).some((a) => bytesEqual(a, m.userId)))) {
        queueInvite(ctx, groupId, envelopeEpoch, m, secret === undefined ? [] : [sealSecretFor(m, epoch, secret)]);
      }
    }
  };
  const after = (): void => {
    emitGroup(ctx, groupId);
    announceOutbox(ctx, groupId);
  };
  return { signed, write, after };
}

/** SLIM's JOIN_REQUEST: the whole version chain (and in sealed mode the invitee's secret), direct. */
export function queueInvite(ctx: EngineContext, groupId: Uint8Array, epoch: number, member: WireMember, secrets: SealedSecret[]): void {
  const body = encodeWire('Invite', { chain: versionChain(ctx, groupId).map(signedGroupVersionFromBytes), secrets });
  const built = buildEnvelope(ctx.self(), { groupId, epoch, type: 'INVITE', seq: 0, sentAt: ctx.now(), body, recipient: member.userId });
  queueToUser(ctx, built, member);
}
