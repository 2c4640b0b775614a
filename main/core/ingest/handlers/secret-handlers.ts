import { bytesEqual } from '../../encoding/base64url.js';
import { queueToUser } from '../../kernel/outbox-writer.js';
import { buildEnvelope } from '../../envelopes/envelope-builder.js';
import { loadEpochSecret, openOwnSecret, sealSecretFor, storeEpochSecret } from '../../encryption/sealed-secrets.js';
import { decodeWire, encodeWire } from '../../wire/wire-codec.js';
import { secretReplySchema, secretRequestSchema, type SealedSecret } from '../../wire/wire-schemas.js';
import { done, drop, type Handler } from '../verdict.js';
import { toBase64Url } from '../../encoding/base64url.js';
import { epochRosterMember } from '../../groups/epoch-roster-member.js';

/**
 * SECRET_REQUEST / SECRET_REPLY (seed 004's request_secrets): we hand an epoch's secret only to
 * someone in that epoch's roster, sealed to the key the group knows for them; the asker stores it
 * only if it matches the admin's commitment for that epoch.
 */
export const handleSecretRequest: Handler = async (ctx, v) => {
  const e = v.envelope;
  const group = ctx.store.read.groups.get(e.groupId);
  if (group === undefined) return drop('unknown-group');
  if (group.mode !== 'sealed') return drop('not-sealed');
  const req = decodeWire('SecretRequest', secretRequestSchema, e.body);
  // Sealed to the key and sent to the SLIM name the admin signed into each epoch's roster, never
  // the people table's (an outsider may have introduced a row there; issue 8, class 1).
  let asker: { userId: Uint8Array; slimName: string } | undefined;
  const secrets: SealedSecret[] = [];
  for (const epoch of req.epochs) {
    const member = epochRosterMember(ctx.store, e.groupId, epoch, e.sender);
    if (member === undefined) continue; // not theirs to have
    const secret = loadEpochSecret(ctx.store, e.groupId, epoch);
    if (secret === undefined) continue;
    secrets.push(sealSecretFor({ userId: member.userId, boxKey: member.boxKey }, epoch, secret));
    asker = { userId: member.userId, slimName: member.slimName };
  }
  if (asker === undefined) return ctx.store.read.groups.member(e.groupId, e.sender) === undefined ? drop('not-member') : done();
  const reply = buildEnvelope(ctx.self(), {
    groupId: e.groupId,
    epoch: e.epoch,
    type: 'SECRET_REPLY',
    seq: 0,
    sentAt: ctx.now(),
    body: encodeWire('SecretReply', { secrets }),
    recipient: e.sender,
  });
  const sendTo = asker;
  return done(() => queueToUser(ctx, reply, sendTo), () =>
    ctx.events.emit('outbox', { groupId: toBase64Url(e.groupId) }),
  );
};

export const handleSecretReply: Handler = async (ctx, v) => {
  const e = v.envelope;
  const group = ctx.store.read.groups.get(e.groupId);
  if (group === undefined) return drop('unknown-group');
  const roster = ctx.store.read.groups.roster(e.groupId, e.epoch);
  if (roster === undefined || !roster.some((m) => bytesEqual(m, e.sender))) return drop('not-member');
  const reply = decodeWire('SecretReply', secretReplySchema, e.body);
  const self = ctx.self();
  const got: number[] = [];
  return done(
    () => {
      for (const s of reply.secrets) {
        if (ctx.store.read.keys.secret(e.groupId, s.epoch) !== undefined) continue;
        const secret = openOwnSecret(self, [s], s.epoch);
        const commitment = ctx.store.read.groups.commitment(e.groupId, s.epoch);
        if (secret === undefined || commitment === undefined) continue;
        storeEpochSecret(ctx.store, e.groupId, s.epoch, secret, commitment);
        got.push(s.epoch);
      }
    },
    () => {
      for (const epoch of got) ctx.events.emit('secret', { groupId: toBase64Url(e.groupId), epoch });
    },
    true,
  );
};
