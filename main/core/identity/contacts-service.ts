import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { PersonView } from '../../../shared/domain/views.js';
import { bytesEqual } from '../encoding/base64url.js';
import { parseId } from '../encoding/parse-id.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { PersonRow } from '../store/tables/people-table.js';
import { parseContactCard } from './contact-card.js';
import { personView } from './person-view.js';

/**
 * Kizuna's contacts (add, remove, block, unblock, list added, list blocked) with its errors:
 * adding twice, removing a non-contact, blocking twice, unblocking someone not blocked and
 * blocking yourself are refused. Blocking removes from contacts; unblocking does not re-add.
 */
export function parseUserId(text: string): Uint8Array {
  return parseId(text, 'user');
}

/** Adds a contact from their card (or card link). */
export function addContact(ctx: EngineContext, cardText: string): PersonView {
  const card = parseContactCard(cardText);
  const self = ctx.self();
  if (bytesEqual(card.signKey, self.userId)) throw new KizunaError('CONTACT_IS_SELF');
  const now = ctx.now();
  return ctx.store.transaction(() => {
    const existing = ctx.store.read.people.get(card.signKey);
    if (existing?.contactState === 'added') throw new KizunaError('CONTACT_ALREADY_ADDED');
    if (existing?.contactState === 'blocked') throw new KizunaError('CONTACT_BLOCKED', 'This person is blocked; unblock them first.');
    ctx.store.write.people.upsert({ userId: card.signKey, boxPublic: card.boxKey, displayName: card.displayName, slimName: card.slimName }, now);
    ctx.store.write.people.setState(card.signKey, 'added', now);
    return personView(ctx.store.read.people.get(card.signKey) as PersonRow);
  });
}

export function removeContact(ctx: EngineContext, userId: string): void {
  const id = parseUserId(userId);
  ctx.store.transaction(() => {
    if (ctx.store.read.people.get(id)?.contactState !== 'added') throw new KizunaError('CONTACT_NOT_FOUND');
    ctx.store.write.people.setState(id, 'none', ctx.now());
  });
}

/** Blocks a known person (a contact or someone met in a group), or a new one from a card. */
export function blockContact(ctx: EngineContext, who: { userId: string } | { card: string }): PersonView {
  const self = ctx.self();
  const now = ctx.now();
  return ctx.store.transaction(() => {
    let id: Uint8Array;
    if ('card' in who) {
      const card = parseContactCard(who.card);
      id = card.signKey;
      if (bytesEqual(id, self.userId)) throw new KizunaError('CONTACT_IS_SELF');
      if (ctx.store.read.people.get(id) === undefined) {
        ctx.store.write.people.upsert({ userId: id, boxPublic: card.boxKey, displayName: card.displayName, slimName: card.slimName }, now);
      }
    } else {
      id = parseUserId(who.userId);
      if (bytesEqual(id, self.userId)) throw new KizunaError('CONTACT_IS_SELF');
    }
    const existing = ctx.store.read.people.get(id);
    if (existing === undefined) throw new KizunaError('CONTACT_NOT_FOUND');
    if (existing.contactState === 'blocked') throw new KizunaError('CONTACT_ALREADY_BLOCKED');
    ctx.store.write.people.setState(id, 'blocked', now);
    return personView(ctx.store.read.people.get(id) as PersonRow);
  });
}

export function unblockContact(ctx: EngineContext, userId: string): PersonView {
  const id = parseUserId(userId);
  return ctx.store.transaction(() => {
    if (ctx.store.read.people.get(id)?.contactState !== 'blocked') throw new KizunaError('CONTACT_NOT_BLOCKED');
    ctx.store.write.people.setState(id, 'none', ctx.now());
    return personView(ctx.store.read.people.get(id) as PersonRow);
  });
}

export function listContacts(ctx: EngineContext): PersonView[] {
  return ctx.store.read.people.listByState('added').map(personView);
}

export function listBlocked(ctx: EngineContext): PersonView[] {
  return ctx.store.read.people.listByState('blocked').map(personView);
}
