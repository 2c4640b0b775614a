import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { SafetyNumberView } from '../../../shared/domain/views.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { PersonRow } from '../store/tables/people-table.js';
import { parseId } from '../encoding/parse-id.js';
import { personView } from './person-view.js';
import { readEnteredSafetyNumber, safetyNumber, safetyNumberGroups, safetyQrPayload, verifiedKeysDigest } from './safety-number.js';

/**
 * Verified contacts (issue 11): a person's safety number with us, marking them verified once the
 * numbers matched, and noticing when a verified person's keys change (a new card, a roster that
 * shows another box key for them, or another key now using their SLIM name), which unverifies them
 * and leaves a warning until the user acknowledges it.
 */
function knownPerson(ctx: EngineContext, userId: string): PersonRow {
  const id = parseId(userId, 'user');
  if (bytesEqual(id, ctx.self().userId)) throw new KizunaError('CONTACT_IS_SELF');
  const person = ctx.store.read.people.get(id);
  if (person === undefined) throw new KizunaError('CONTACT_NOT_FOUND');
  return person;
}

function numberWith(ctx: EngineContext, person: PersonRow): string {
  const self = ctx.self();
  return safetyNumber({ signKey: self.signPublic, boxKey: self.boxPublic }, { signKey: person.userId, boxKey: person.boxPublic });
}

export function safetyNumberOf(ctx: EngineContext, userId: string): SafetyNumberView {
  const person = knownPerson(ctx, userId);
  const digits = numberWith(ctx, person);
  return {
    userId: toBase64Url(person.userId),
    displayName: person.displayName,
    digits,
    groups: safetyNumberGroups(digits),
    qrPayload: safetyQrPayload(digits),
    verified: person.verifiedKeys !== null && bytesEqual(person.verifiedKeys, verifiedKeysDigest({ signKey: person.userId, boxKey: person.boxPublic })),
    keyChangedAt: person.keyChangedAt,
  };
}

/**
 * Marks someone verified. With `entered` (the number they read out or their QR code's text), only
 * if it matches ours: SAFETY_NUMBER_MISMATCH otherwise. Without it, the user says they compared.
 */
export function verifyContact(ctx: EngineContext, userId: string, entered?: string): SafetyNumberView {
  const person = knownPerson(ctx, userId);
  if (entered !== undefined) {
    const theirs = readEnteredSafetyNumber(entered);
    if (theirs === undefined) throw new KizunaError('SAFETY_NUMBER_INVALID');
    if (theirs !== numberWith(ctx, person)) throw new KizunaError('SAFETY_NUMBER_MISMATCH');
  }
  ctx.store.write.people.setVerified(person.userId, verifiedKeysDigest({ signKey: person.userId, boxKey: person.boxPublic }), ctx.now());
  return announced(ctx, person.userId, userId);
}

export function unverifyContact(ctx: EngineContext, userId: string): SafetyNumberView {
  const person = knownPerson(ctx, userId);
  ctx.store.write.people.setVerified(person.userId, null, ctx.now());
  return announced(ctx, person.userId, userId);
}

/** The user saw the "safety number changed" warning; they stay unverified until they verify again. */
export function acknowledgeKeyChange(ctx: EngineContext, userId: string): SafetyNumberView {
  const person = knownPerson(ctx, userId);
  ctx.store.write.people.clearKeyChange(person.userId);
  return announced(ctx, person.userId, userId);
}

/** Tells the hosts (`contact` event) and answers with the new state. */
function announced(ctx: EngineContext, id: Uint8Array, userId: string): SafetyNumberView {
  ctx.events.emit('contact', personView(ctx.store.read.people.get(id) as PersonRow));
  return safetyNumberOf(ctx, userId);
}

export interface SeenKeys {
  userId: Uint8Array;
  boxKey: Uint8Array;
  slimName: string;
}

/**
 * Checks keys just seen (a card accepted, a roster applied) against everyone verified: a verified
 * person shown with another box key, or whose SLIM name now answers with another identity key, is
 * marked changed and announced (`contact` event).
 */
export function noteSeenKeys(ctx: EngineContext, seen: readonly SeenKeys[]): void {
  const store = ctx.store;
  const verified = store.read.people.listVerified();
  if (verified.length === 0) return;
  for (const person of verified) {
    const stillMatches = seen.every((s) => {
      if (bytesEqual(s.userId, person.userId)) return bytesEqual(verifiedKeysDigest({ signKey: s.userId, boxKey: s.boxKey }), person.verifiedKeys as Uint8Array);
      return s.slimName !== person.slimName;
    });
    if (stillMatches) continue;
    store.write.people.markKeyChanged(person.userId, ctx.now());
    ctx.events.emit('contact', personView(store.read.people.get(person.userId) as PersonRow));
  }
}
