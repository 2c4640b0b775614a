import type { Prepare } from '../statement-cache.js';

/** A member's identity as verified from their identity token (see main/core/identity/tokens). */
export interface MemberIdentityRow {
  groupId: Uint8Array;
  userId: Uint8Array;
  kind: 'shared-secret' | 'jwt';
  issuer: string;
  subject: string;
  expiresAt: number | null;
  verifiedAt: number;
  /** The token as presented (a JWT or shared-secret token; not a secret of ours). */
  token: string;
}

export interface MemberIdentitiesReader {
  get(groupId: Uint8Array, userId: Uint8Array): MemberIdentityRow | undefined;
  forGroup(groupId: Uint8Array): MemberIdentityRow[];
  /** Moves on with every write (and every rollback): what was built from these rows before is stale. */
  generation(): number;
}

export interface MemberIdentitiesWriter {
  put(row: MemberIdentityRow): void;
}

/** Shared by a store's reader and writer; the store moves it on at a rollback too. */
export interface MemberIdentitiesGeneration {
  value: number;
}

const COLUMNS = 'group_id AS groupId, user_id AS userId, kind, issuer, subject, expires_at AS expiresAt, verified_at AS verifiedAt, token';

export function memberIdentitiesReader(prepare: Prepare, generation: MemberIdentitiesGeneration = { value: 0 }): MemberIdentitiesReader {
  return {
    get: (g, u) => prepare(`SELECT ${COLUMNS} FROM member_identities WHERE group_id = ? AND user_id = ?`).get(g, u) as MemberIdentityRow | undefined,
    forGroup: (g) => prepare(`SELECT ${COLUMNS} FROM member_identities WHERE group_id = ?`).all(g) as MemberIdentityRow[],
    generation: () => generation.value,
  };
}

export function memberIdentitiesWriter(prepare: Prepare, generation: MemberIdentitiesGeneration = { value: 0 }): MemberIdentitiesWriter {
  return {
    put: (r) => {
      generation.value += 1;
      prepare(
        `INSERT INTO member_identities (group_id, user_id, kind, issuer, subject, expires_at, verified_at, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (group_id, user_id) DO UPDATE SET kind = excluded.kind, issuer = excluded.issuer, subject = excluded.subject,
           expires_at = excluded.expires_at, verified_at = excluded.verified_at, token = excluded.token`,
      ).run(r.groupId, r.userId, r.kind, r.issuer, r.subject, r.expiresAt, r.verifiedAt, r.token);
    },
  };
}
