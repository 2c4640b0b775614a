import type { PersonView } from '../../../shared/domain/views.js';
import { toBase64Url } from '../encoding/base64url.js';
import type { PersonRow } from '../store/tables/people-table.js';

/** A stored person as the hosts see them (own file: the CLI's read-only commands use it without contacts-service's card crypto). */
export function personView(row: PersonRow): PersonView {
  return {
    userId: toBase64Url(row.userId),
    displayName: row.displayName,
    slimName: row.slimName,
    contactState: row.contactState,
    addedAt: row.contactState === 'added' ? row.addedAt : null,
    blockedAt: row.blockedAt,
    verified: row.verifiedKeys !== null,
    keyChangedAt: row.keyChangedAt,
  };
}
