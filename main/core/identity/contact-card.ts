import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import { fromBase64Url, toBase64Url } from '../encoding/base64url.js';
import { signDetached, verifyDetached } from '../crypto/signing.js';
import { contactCardSchema, signedContactCardSchema, type ContactCardData } from '../wire/wire-schemas.js';
import { decodeWire, encodeWire } from '../wire/wire-codec.js';
import type { SelfKeys } from '../crypto/self-keys.js';

/**
 * A contact card is a copy-pasteable string: `kizuna:contact:v1:<base64url(signed card)>`, or the
 * same inside a `kizuna://contact/<...>` deep link. It carries the display name, both public keys
 * and the SLIM name, signed by the identity key so nobody can swap a key inside it.
 */
export const CARD_PREFIX = 'kizuna:contact:v1:';
const CARD_LINK_PREFIX = 'kizuna://contact/';

export function createContactCard(self: SelfKeys): string {
  const card = encodeWire('ContactCard', {
    version: 1,
    displayName: self.displayName,
    signKey: self.signPublic,
    boxKey: self.boxPublic,
    slimName: self.slimName,
    createdAt: self.createdAt,
  });
  const signed = encodeWire('SignedContactCard', { card, signature: signDetached('kizuna/contact-card/v1', card, self.signSecret) });
  return CARD_PREFIX + toBase64Url(signed);
}

export function contactLink(card: string): string {
  return CARD_LINK_PREFIX + card.slice(CARD_PREFIX.length);
}

/** Parses and verifies a card (or a card link). Anything else is INVALID_CONTACT_CARD. */
export function parseContactCard(text: string): ContactCardData {
  const trimmed = text.trim();
  const payload = trimmed.startsWith(CARD_PREFIX)
    ? trimmed.slice(CARD_PREFIX.length)
    : trimmed.startsWith(CARD_LINK_PREFIX)
      ? trimmed.slice(CARD_LINK_PREFIX.length)
      : undefined;
  const bytes = payload === undefined ? undefined : fromBase64Url(payload);
  if (bytes === undefined || bytes.byteLength > 8192) throw new KizunaError('INVALID_CONTACT_CARD');
  const signed = decodeWire('SignedContactCard', signedContactCardSchema, bytes, 'INVALID_CONTACT_CARD');
  const card = decodeWire('ContactCard', contactCardSchema, signed.card, 'INVALID_CONTACT_CARD');
  if (!verifyDetached('kizuna/contact-card/v1', signed.card, signed.signature, card.signKey)) {
    throw new KizunaError('INVALID_CONTACT_CARD', 'This contact card has been altered or is not signed by its owner.');
  }
  try {
    parseSlimName(card.slimName);
  } catch {
    throw new KizunaError('INVALID_CONTACT_CARD', 'This contact card holds an invalid SLIM name.');
  }
  return card;
}
