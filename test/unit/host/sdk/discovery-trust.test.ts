/** discovery-trust.ts: which discovery answers bind a name to a key (issue 8, class 7). */
import { describe, expect, it } from 'vitest';
import type { PersonView } from '../../../../shared/domain/views.js';
import { createSharedSecretProvider, createSharedSecretVerifier } from '../../../../main/core/identity/tokens/index.js';
import type { DiscoveredCard } from '../../../../main/core/session/discovery.js';
import { chooseDiscoveryAnswer, discoveryTrust } from '../../../../main/host/sdk/discovery-trust.js';

const SECRET = 'the deployment secret, at least 32 bytes';
const key = (b: number): Uint8Array => new Uint8Array(32).fill(b);

function answer(signKey: Uint8Array, identityToken = ''): DiscoveredCard {
  return { card: { version: 1, displayName: 'Bob', signKey, boxKey: key(9), slimName: 'org/ns/bob', createdAt: 1 }, text: 'card', identityToken };
}

function contact(signKey: Uint8Array, slimName: string, contactState: PersonView['contactState'] = 'added'): PersonView {
  return { userId: Buffer.from(signKey).toString('base64url'), displayName: 'Bob', slimName, contactState, addedAt: 1, blockedAt: null };
}

async function tokenFor(signKey: Uint8Array): Promise<string> {
  const provider = createSharedSecretProvider({ secret: SECRET, id: 'bob' });
  provider.bindSigningKey(signKey);
  return provider.token();
}

describe('discoveryTrust', () => {
  const verifier = createSharedSecretVerifier({ secret: SECRET });

  it('trusts an accepted contact only for its own key and name', async () => {
    expect(await discoveryTrust('org/ns/bob', answer(key(1)), [contact(key(1), 'org/ns/bob')], undefined)).toEqual({ kind: 'contact' });
    expect(await discoveryTrust('org/ns/bob', answer(key(2)), [contact(key(1), 'org/ns/bob')], undefined)).toEqual({ kind: 'unverified', reason: 'no-token' });
    expect(await discoveryTrust('org/ns/bob', answer(key(1)), [contact(key(1), 'org/ns/robert')], undefined)).toEqual({ kind: 'unverified', reason: 'contact-has-another-name' });
  });

  it('trusts a token bound to the answering key, not one replayed from someone else', async () => {
    const genuine = await tokenFor(key(1));
    expect(await discoveryTrust('org/ns/bob', answer(key(1), genuine), [], verifier)).toMatchObject({ kind: 'token', identity: { subject: 'bob' } });
    expect(await discoveryTrust('org/ns/bob', answer(key(2), genuine), [], verifier)).toEqual({ kind: 'unverified', reason: 'token-key-mismatch' });
    expect(await discoveryTrust('org/ns/bob', answer(key(1), genuine), [], undefined)).toEqual({ kind: 'unverified', reason: 'no-verifier' });
    expect(await discoveryTrust('org/ns/bob', answer(key(1), 'garbage'), [], verifier)).toMatchObject({ kind: 'unverified' });
  });

  it('picks the verified answer when an impostor answered first, and flags unverified conflicts', async () => {
    const genuine = answer(key(1), await tokenFor(key(1)));
    const impostor = answer(key(2));
    const picked = await chooseDiscoveryAnswer('org/ns/bob', { ...impostor, others: [genuine] }, [], verifier);
    expect(picked.answer.card.signKey).toEqual(key(1));
    expect(picked.trust.kind).toBe('token');
    const conflict = await chooseDiscoveryAnswer('org/ns/bob', { ...impostor, others: [answer(key(3))] }, [], verifier);
    expect(conflict).toMatchObject({ conflicting: true, trust: { kind: 'unverified', reason: 'conflicting-answers' } });
    expect(await chooseDiscoveryAnswer('org/ns/bob', impostor, [], verifier)).toMatchObject({ conflicting: false, trust: { kind: 'unverified', reason: 'no-token' } });
  });
});
