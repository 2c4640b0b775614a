import type { Prepare } from '../statement-cache.js';
import { idsKey } from './row-cache.js';

export type ContactState = 'none' | 'added' | 'blocked';

export interface PersonRow {
  userId: Uint8Array;
  boxPublic: Uint8Array;
  displayName: string;
  slimName: string;
  contactState: ContactState;
  addedAt: number | null;
  blockedAt: number | null;
  updatedAt: number;
  /** Digest of their keys when we verified them (safety-number.ts), or null: not verified. */
  verifiedKeys: Uint8Array | null;
  verifiedAt: number | null;
  /** When a verified person's keys were seen to change; null once the user acknowledged it. */
  keyChangedAt: number | null;
}

export interface PeopleReader {
  get(userId: Uint8Array): PersonRow | undefined;
  listByState(state: ContactState): PersonRow[];
  isBlocked(userId: Uint8Array): boolean;
  /** Everyone we verified (compared safety numbers with), to check the keys a card or roster shows. */
  listVerified(): PersonRow[];
  /** Moves on with every write to people (and every rollback): what was built from their rows before is stale. */
  generation(): number;
}

export interface PeopleWriter {
  /** Inserts or refreshes what we know of a person, keeping their contact state. */
  upsert(person: { userId: Uint8Array; boxPublic: Uint8Array; displayName: string; slimName: string }, now: number): void;
  setState(userId: Uint8Array, state: ContactState, now: number): void;
  /** Marks someone verified with the digest of their keys now (contact-verification.ts), or not (null). */
  setVerified(userId: Uint8Array, verifiedKeys: Uint8Array | null, now: number): void;
  /** A verified person's keys changed: no longer verified, and a warning waits (at `now`) until acknowledged. */
  markKeyChanged(userId: Uint8Array, now: number): void;
  clearKeyChange(userId: Uint8Array): void;
}

const COLUMNS = `user_id AS userId, box_public AS boxPublic, display_name AS displayName, slim_name AS slimName,
  contact_state AS contactState, added_at AS addedAt, blocked_at AS blockedAt, updated_at AS updatedAt,
  verified_keys AS verifiedKeys, verified_at AS verifiedAt, key_changed_at AS keyChangedAt`;

/**
 * People are read for every message shown and for every member of a group's view, and change rarely: the
 * reader remembers them (and who is not there: most members of a large group are no contact of ours) until a
 * write. Bounded: a sender making us look up many people costs reads, never memory.
 */
export class PeopleCache {
  readonly rows = new Map<string, PersonRow | undefined>();
  /** Moves on with every write and rollback (group-view-of.ts reuses member views while it stands). */
  generation = 0;

  /** A write to this person: their row is read again, and views built from people are stale. */
  forget(userId: Uint8Array): void {
    this.rows.delete(idsKey(userId));
    this.generation += 1;
  }

  /** A rollback: rows read inside it may describe writes that never landed. */
  clear(): void {
    this.rows.clear();
    this.generation += 1;
  }
}

export function peopleReader(prepare: Prepare, cache = new PeopleCache()): PeopleReader {
  const { rows } = cache;
  const reader: PeopleReader = {
    get: (userId) => {
      const key = idsKey(userId);
      if (rows.has(key)) return rows.get(key);
      const row = prepare(`SELECT ${COLUMNS} FROM people WHERE user_id = ?`).get(userId) as PersonRow | undefined;
      if (rows.size >= 10_000) rows.clear();
      rows.set(key, row);
      return row;
    },
    listByState: (state) =>
      prepare(`SELECT ${COLUMNS} FROM people WHERE contact_state = ? ORDER BY display_name COLLATE NOCASE, user_id`).all(state) as PersonRow[],
    isBlocked: (userId) => reader.get(userId)?.contactState === 'blocked',
    listVerified: () => prepare(`SELECT ${COLUMNS} FROM people WHERE verified_keys IS NOT NULL`).all() as PersonRow[],
    generation: () => cache.generation,
  };
  return reader;
}

export function peopleWriter(prepare: Prepare, cache = new PeopleCache()): PeopleWriter {
  return {
    upsert: (p, now) => {
      cache.forget(p.userId);
      prepare(
        `INSERT INTO people (user_id, box_public, display_name, slim_name, contact_state, updated_at)
         VALUES (?, ?, ?, ?, 'none', ?)
         ON CONFLICT (user_id) DO UPDATE SET box_public = excluded.box_public, display_name = excluded.display_name,
           slim_name = excluded.slim_name, updated_at = excluded.updated_at`,
      ).run(p.userId, p.boxPublic, p.displayName, p.slimName, now);
    },
    setVerified: (userId, verifiedKeys, now) => {
      cache.forget(userId);
      prepare(`UPDATE people SET verified_keys = ?, verified_at = ?, key_changed_at = NULL, updated_at = ? WHERE user_id = ?`).run(
        verifiedKeys,
        verifiedKeys === null ? null : now,
        now,
        userId,
      );
    },
    markKeyChanged: (userId, now) => {
      cache.forget(userId);
      prepare(`UPDATE people SET verified_keys = NULL, verified_at = NULL, key_changed_at = ?, updated_at = ? WHERE user_id = ?`).run(now, now, userId);
    },
    clearKeyChange: (userId) => {
      cache.forget(userId);
      prepare(`UPDATE people SET key_changed_at = NULL WHERE user_id = ?`).run(userId);
    },
    setState: (userId, state, now) => {
      cache.forget(userId);
      prepare(
        `UPDATE people SET contact_state = ?,
           added_at = CASE WHEN ? = 'added' THEN ? ELSE added_at END,
           blocked_at = CASE WHEN ? = 'blocked' THEN ? ELSE NULL END,
           updated_at = ?
         WHERE user_id = ?`,
      ).run(state, state, now, state, now, now, userId);
    },
  };
}
