/**
 * Identity tokens in the engine's join flow (issue 5):
 * 1. the invitee presents its provider's token in JOIN (SLIM's JOIN_REPLY);
 * 2. the admin verifies it against the invitee's signing key; a refused token means no membership
 *    (the JOIN is dropped with the token error as reason, e.g. `token-expired`);
 * 3. the admin announces the verified token to the group (GroupUpdate.member_tokens) and every member
 *    verifies it again, as of the moment the admin verified it (carried in the admin-signed update),
 *    and records the identity; members who join later get the tokens of earlier members in their
 *    Welcome and check them the same way.
 * With no provider the invitee sends no token; with no verifier nothing is checked or recorded: the
 * engine behaves as it did before tokens existed.
 */
import { isKizunaError, KizunaError } from '../../../shared/errors/kizuna-error.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { MemberToken } from '../wire/wire-schemas.js';
import type { VerifiedIdentity } from './tokens/token-types.js';

/** The token to put in our JOIN: '' without a provider (or with the local-key one). */
export async function presentJoinToken(ctx: EngineContext): Promise<string> {
  const provider = ctx.identityTokens.provider;
  if (provider === undefined || provider.kind === 'local') return '';
  provider.bindSigningKey(ctx.self().signPublic);
  const token = await provider.token();
  if (token.length === 0) throw new KizunaError('TOKEN_MISSING');
  return token;
}

/** The drop reason for a refused token: its code in lower kebab case (TOKEN_EXPIRED → token-expired). */
export function tokenRefusalReason(error: KizunaError): string {
  return error.code.toLowerCase().replaceAll('_', '-');
}

/**
 * The admin's check of a JOIN's token. Undefined when no verifier is configured; throws the token's
 * KizunaError when refused (TOKEN_MISSING for a JOIN without one).
 */
export async function verifyJoinToken(ctx: EngineContext, token: string, joiner: Uint8Array): Promise<VerifiedIdentity | undefined> {
  const verifier = ctx.identityTokens.verifier;
  if (verifier === undefined) return undefined;
  return verifier.verify(token, { signingKey: joiner, at: ctx.now() });
}

export interface AnnouncedIdentity {
  readonly token: MemberToken;
  readonly identity: VerifiedIdentity;
}

/**
 * A member's check of the tokens the admin announced (in a GroupUpdate or a Welcome). Each is checked as
 * of the moment the admin verified it (`verifiedAt`, or `announcedAt` when absent), so a short-lived
 * token does not fail on a member that was offline for a while. Tokens for people the current version
 * does not list are ignored; a token that fails is logged and its member simply has no verified identity
 * here (the admin's membership decision stands: members cannot veto it, only decline to vouch).
 */
export async function verifyAnnouncedTokens(
  ctx: EngineContext,
  groupId: Uint8Array,
  tokens: readonly MemberToken[],
  members: readonly Uint8Array[],
  announcedAt: number,
): Promise<AnnouncedIdentity[]> {
  const verifier = ctx.identityTokens.verifier;
  if (verifier === undefined || tokens.length === 0) return [];
  const verified: AnnouncedIdentity[] = [];
  for (const t of tokens) {
    if (!members.some((m) => bytesEqual(m, t.userId))) continue;
    try {
      const at = t.verifiedAt > 0 ? t.verifiedAt : announcedAt;
      verified.push({ token: t, identity: await verifier.verify(t.token, { signingKey: t.userId, at }) });
    } catch (error) {
      if (!isKizunaError(error)) throw error;
      ctx.log.warn('announced identity token refused', { group: toBase64Url(groupId), member: toBase64Url(t.userId), reason: tokenRefusalReason(error) });
    }
  }
  return verified;
}

/** Stores a verified identity and its token (inside the envelope's transaction). */
export function recordMemberIdentity(ctx: EngineContext, groupId: Uint8Array, token: MemberToken, identity: VerifiedIdentity): void {
  ctx.store.write.memberIdentities.put({
    groupId,
    userId: token.userId,
    kind: identity.kind,
    issuer: identity.issuer,
    subject: identity.subject,
    expiresAt: identity.expiresAt,
    verifiedAt: token.verifiedAt > 0 ? token.verifiedAt : ctx.now(),
    token: token.token,
  });
}

/** The tokens the admin holds for current members, to hand to a newcomer in its Welcome. */
export function knownMemberTokens(ctx: EngineContext, groupId: Uint8Array, members: readonly Uint8Array[]): MemberToken[] {
  return ctx.store.read.memberIdentities
    .forGroup(groupId)
    .filter((row) => row.token.length > 0 && members.some((m) => bytesEqual(m, row.userId)))
    .map((row) => ({ userId: row.userId, token: row.token, verifiedAt: row.verifiedAt }));
}
