import { bytesEqual } from '../../encoding/base64url.js';
import * as mls from '../../crypto/mls/index.js';
import { verifyChain } from '../../groups/group-chain.js';
import { applyVersion, everyone } from '../../groups/group-state.js';
import { emitGroup } from '../../groups/group-views.js';
import { mlsKeyPackageLabel } from '../../groups/invitation-answer.js';
import { recordMemberIdentity, verifyAnnouncedTokens } from '../../identity/member-identity-tokens.js';
import { decodeWire } from '../../wire/wire-codec.js';
import { welcomeSchema } from '../../wire/wire-schemas.js';
import { done, drop, type Handler } from '../verdict.js';

/**
 * WELCOME (SLIM's GROUP_WELCOME) for a member who accepted: the current chain, the MLS welcome
 * (joined with the key package we kept for it), and each sender's sequence position, so catch-up
 * starts where our membership starts. Identity tokens of members the admin verified come along and
 * are checked here like announced ones.
 */
export const handleWelcome: Handler = async (ctx, v) => {
  const e = v.envelope;
  const self = ctx.self();
  const group = ctx.store.read.groups.get(e.groupId);
  if (group === undefined) return drop('unknown-group');
  if (!bytesEqual(group.creator, e.sender)) return drop('not-admin');
  if (group.myState !== 'joining' && group.myState !== 'joined') return drop('welcome-unexpected');
  const welcome = decodeWire('Welcome', welcomeSchema, e.body);
  const chain = verifyChain(welcome.chain, e.groupId);
  const latest = chain[chain.length - 1]!;
  if (!latest.version.members.some((m) => bytesEqual(m.userId, self.userId))) return drop('welcome-not-member');

  let joined: { state: mls.MlsGroupState; epoch: number } | undefined;
  if (group.mode === 'mls') {
    if (group.myState === 'joined') return done(); // a repeated welcome
    const kp = ctx.store.read.keys.keyPackage(e.groupId);
    if (kp === undefined) return drop('no-key-package');
    const allowed = everyone(latest.version).map((m) => m.userId);
    const state = await mls.joinFromWelcome(
      welcome.mlsWelcome,
      ctx.store.cipher.open(mlsKeyPackageLabel(e.groupId), kp.privateSealed),
      kp.publicPackage,
      { publicKey: self.signPublic, secretKey: self.signSecret },
      { adminIdentity: group.creator, isAllowed: (id) => allowed.some((a) => bytesEqual(a, id)) },
    );
    joined = { state, epoch: Number(mls.epochOf(state)) };
  }
  const identities = await verifyAnnouncedTokens(ctx, e.groupId, welcome.memberTokens, everyone(latest.version).map((m) => m.userId), e.sentAt);
  return done(
    () => {
      for (const version of chain) if (version.version.version > group.latestVersion) applyVersion(ctx, e.groupId, version, 'joining');
      if (joined !== undefined) {
        ctx.mlsStates.put(e.groupId, joined.epoch, joined.state);
        ctx.store.write.groups.insertEpoch(e.groupId, joined.epoch, latest.version.version, mls.rosterOf(joined.state), null, ctx.now());
        ctx.store.write.groups.setEpoch(e.groupId, joined.epoch);
        ctx.store.write.groups.setJoinedEpoch(e.groupId, joined.epoch);
        ctx.store.write.keys.deleteKeyPackage(e.groupId);
        for (const id of mls.rosterOf(joined.state)) ctx.store.write.groups.setMemberStatus(e.groupId, id, 'joined');
      }
      ctx.store.write.groups.setMyState(e.groupId, 'joined');
      ctx.store.write.groups.setMemberStatus(e.groupId, self.userId, 'joined');
      // History before our membership is not ours to fetch: start each sender after its mark.
      for (const mark of welcome.marks) ctx.store.write.log.startCursor(e.groupId, mark.sender, mark.seq + 1);
      for (const { token, identity } of identities) recordMemberIdentity(ctx, e.groupId, token, identity);
    },
    () => emitGroup(ctx, e.groupId),
    true,
  );
};
