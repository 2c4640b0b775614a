import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { parseUserId } from '../identity/contacts-service.js';
import type { WireMember } from '../wire/wire-schemas.js';

/**
 * Turns user ids chosen by the local user into group members. Only people this device knows
 * (with their keys) can be added, and blocked people never (seed 003: "cannot create group with
 * blocked agents"). Duplicates and the creator are refused before anything else.
 */
export function resolveNewMembers(ctx: EngineContext, userIds: readonly string[]): WireMember[] {
  const self = ctx.self();
  const ids = userIds.map(parseUserId);
  const seen = new Set<string>();
  for (const id of ids) {
    if (bytesEqual(id, self.userId)) throw new KizunaError('GROUP_CREATOR_IN_MEMBERS');
    const k = toBase64Url(id);
    if (seen.has(k)) throw new KizunaError('GROUP_DUPLICATE_MEMBERS', undefined, { member: k });
    seen.add(k);
  }
  return ids.map((id) => {
    const person = ctx.store.read.people.get(id);
    if (person === undefined) throw new KizunaError('CONTACT_NOT_FOUND', undefined, { member: toBase64Url(id) });
    if (person.contactState === 'blocked') throw new KizunaError('CONTACT_BLOCKED', undefined, { member: toBase64Url(id) });
    return { userId: person.userId, boxKey: person.boxPublic, displayName: person.displayName, slimName: person.slimName };
  });
}

export function selfAsMember(ctx: EngineContext): WireMember {
  const s = ctx.self();
  return { userId: s.userId, boxKey: s.boxPublic, displayName: s.displayName, slimName: s.slimName };
}
