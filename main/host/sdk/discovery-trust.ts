/**
 * Whether a discovery answer binds a SLIM name to a key (issue 8, class 7). Anyone who can subscribe to a
 * name on the node can answer for it with a card they signed themselves, so the first answer proves
 * nothing. A name is bound to the answering key only by:
 * - a contact card the user accepted earlier, for that very key and name ('contact'), or
 * - an identity token (issue 5: JWT or shared secret) that our verifier accepts for that key ('token').
 * Anything else is 'unverified': the caller must ask the user (or be told to accept it) before inviting.
 */
import { formatSlimName, parseSlimName } from '../../../shared/domain/slim-name.js';
import type { PersonView } from '../../../shared/domain/views.js';
import { isKizunaError, KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { IdentityTokenVerifier, VerifiedIdentity } from '../../core/identity/tokens/token-types.js';
import type { DiscoveredCard } from '../../core/session/discovery.js';

export type DiscoveryTrust =
  | { readonly kind: 'contact' }
  | { readonly kind: 'token'; readonly identity: VerifiedIdentity }
  | { readonly kind: 'unverified'; readonly reason: string };

export async function discoveryTrust(name: string, found: DiscoveredCard, contacts: readonly PersonView[], verifier: IdentityTokenVerifier | undefined): Promise<DiscoveryTrust> {
  const userId = Buffer.from(found.card.signKey).toString('base64url');
  const wanted = formatSlimName(parseSlimName(name));
  const known = contacts.find((c) => c.userId === userId && c.contactState === 'added');
  if (known !== undefined && formatSlimName(parseSlimName(known.slimName)) === wanted) return { kind: 'contact' };
  if (found.identityToken.length === 0) return { kind: 'unverified', reason: known === undefined ? 'no-token' : 'contact-has-another-name' };
  if (verifier === undefined) return { kind: 'unverified', reason: 'no-verifier' };
  try {
    return { kind: 'token', identity: await verifier.verify(found.identityToken, { signingKey: found.card.signKey }) };
  } catch (error) {
    return { kind: 'unverified', reason: isKizunaError(error) ? error.code.toLowerCase().replaceAll('_', '-') : 'token-refused' };
  }
}

/**
 * Several keys may answer for one name (an impostor racing the owner). The first verified answer wins;
 * when none is verified and more than one key answered, nobody can tell which is genuine: the result is
 * unverified with reason 'conflicting-answers', and `conflicting` says so (callers refuse it even when
 * told to accept unverified answers).
 */
export async function chooseDiscoveryAnswer(
  name: string,
  found: DiscoveredCard,
  contacts: readonly PersonView[],
  verifier: IdentityTokenVerifier | undefined,
): Promise<{ answer: DiscoveredCard; trust: DiscoveryTrust; conflicting: boolean }> {
  const candidates = [found, ...(found.others ?? [])];
  let firstTrust: DiscoveryTrust | undefined;
  for (const answer of candidates) {
    const trust = await discoveryTrust(name, answer, contacts, verifier);
    if (trust.kind !== 'unverified') return { answer, trust, conflicting: false };
    firstTrust ??= trust;
  }
  if (candidates.length > 1) return { answer: found, trust: { kind: 'unverified', reason: 'conflicting-answers' }, conflicting: true };
  return { answer: found, trust: firstTrust ?? { kind: 'unverified', reason: 'no-token' }, conflicting: false };
}

/** The refusal for an unverified answer the caller did not accept: says who answered and how to confirm. */
export function unverifiedAnswerError(name: string, found: DiscoveredCard, reason: string): KizunaError {
  const userId = Buffer.from(found.card.signKey).toString('base64url');
  return new KizunaError(
    'DISCOVERY_UNVERIFIED',
    `${name} was answered by a key nothing vouches for (${reason}): key ${userId}, "${found.card.displayName}". ` +
      'Compare the key with the person, then confirm (acceptUnverified, --accept-unverified or KIZUNA_ACCEPT_UNVERIFIED=1), or add their contact card.',
    { name, userId, displayName: found.card.displayName, reason },
  );
}
