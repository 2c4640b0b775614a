import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isKizunaError } from '../../shared/errors/kizuna-error.js';
import { readEnvelope } from '../../main/core/envelopes/envelope-reader.js';
import { decodeSignedGroupVersion } from '../../main/core/groups/signed-group-version.js';
import { parseContactCard } from '../../main/core/identity/contact-card.js';
import { loadSodium } from '../../main/core/crypto/sodium.js';
import { decodeWire, type WireTypeName } from '../../main/core/wire/wire-codec.js';
import * as schemas from '../../main/core/wire/wire-schemas.js';

/** Runs per property: a few seconds in `npm test`; `npm run fuzz` raises it (KIZUNA_FUZZ_RUNS). */
const RUNS = Number(process.env.KIZUNA_FUZZ_RUNS ?? 300);

/** Whatever a decoder does with hostile bytes, it returns or throws a KizunaError, nothing else. */
function onlyTypedErrors(decode: () => unknown): boolean {
  try {
    decode();
    return true;
  } catch (err) {
    return isKizunaError(err);
  }
}

const WIRE: [WireTypeName, import('zod').ZodType][] = [
  ['Envelope', schemas.envelopeSchema],
  ['SignedEnvelope', schemas.signedEnvelopeSchema],
  ['GroupVersion', schemas.groupVersionSchema],
  ['SignedGroupVersion', schemas.signedGroupVersionSchema],
  ['GroupUpdate', schemas.groupUpdateSchema],
  ['Invite', schemas.inviteSchema],
  ['Join', schemas.joinSchema],
  ['Decline', schemas.declineSchema],
  ['Welcome', schemas.welcomeSchema],
  ['SecretRequest', schemas.secretRequestSchema],
  ['SecretReply', schemas.secretReplySchema],
  ['Content', schemas.contentSchema],
  ['Ack', schemas.ackSchema],
  ['SyncRequest', schemas.syncRequestSchema],
  ['SyncReply', schemas.syncReplySchema],
  ['Heartbeat', schemas.heartbeatSchema],
  ['DiscoveryReply', schemas.discoveryReplySchema],
  ['ContactCard', schemas.contactCardSchema],
  ['SignedContactCard', schemas.signedContactCardSchema],
];

describe('decoders under hostile input (issue 8, fuzzing)', () => {
  beforeAll(async () => {
    await loadSodium();
  });

  it.each(WIRE)('%s: random bytes decode or fail with a typed error', (name, schema) => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => onlyTypedErrors(() => decodeWire(name, schema, bytes))), { numRuns: RUNS });
  });

  it('envelopes: random and mutated bytes are read or refused with a typed error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1024 }), (bytes) => onlyTypedErrors(() => readEnvelope(bytes))), { numRuns: RUNS });
  });

  it('signed group versions: random bytes are refused with a typed error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1024 }), (bytes) => onlyTypedErrors(() => decodeSignedGroupVersion(bytes))), { numRuns: RUNS });
  });

  it('contact cards: random text is refused with a typed error', () => {
    fc.assert(fc.property(fc.string({ maxLength: 600 }), (text) => onlyTypedErrors(() => parseContactCard(text))), { numRuns: RUNS });
    fc.assert(fc.property(fc.base64String({ maxLength: 600 }), (text) => onlyTypedErrors(() => parseContactCard(text))), { numRuns: RUNS });
  });

  it('the property itself notices an untyped error', () => {
    expect(onlyTypedErrors(() => { throw new TypeError('x'); })).toBe(false);
  });
});
