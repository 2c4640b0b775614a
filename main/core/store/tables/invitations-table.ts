import type { Prepare } from '../statement-cache.js';

export type InvitationState = 'pending' | 'accepted' | 'declined' | 'stale';

export interface InvitationRow {
  groupId: Uint8Array;
  inviter: Uint8Array;
  version: number;
  inviteBytes: Uint8Array;
  receivedAt: number;
  state: InvitationState;
}

export interface InvitationsReader {
  get(groupId: Uint8Array): InvitationRow | undefined;
  pending(): InvitationRow[];
  /** Pending invitations from one inviter, and from everyone but contacts (the bounds on what strangers make us store). */
  pendingFrom(inviter: Uint8Array): number;
  pendingFromStrangers(): { count: number; bytes: number };
  /** Pending invitations from accepted contacts, all together (a bound of their own). */
  pendingFromContacts(): { count: number; bytes: number };
}

export interface InvitationsWriter {
  put(row: InvitationRow): void;
  setState(groupId: Uint8Array, state: InvitationState): void;
  /** An answered invitation keeps only its group, inviter, version and state (replays stay refused). */
  forgetBytes(groupId: Uint8Array): void;
  /** Removes invitations received before `before`; returns how many pending ones went. */
  expire(before: number): number;
}

const COLUMNS = 'group_id AS groupId, inviter, version, invite_bytes AS inviteBytes, received_at AS receivedAt, state';

export function invitationsReader(prepare: Prepare): InvitationsReader {
  return {
    get: (id) => prepare(`SELECT ${COLUMNS} FROM invitations WHERE group_id = ?`).get(id) as InvitationRow | undefined,
    pending: () => prepare(`SELECT ${COLUMNS} FROM invitations WHERE state = 'pending' ORDER BY received_at DESC`).all() as InvitationRow[],
    pendingFrom: (inviter) => (prepare(`SELECT COUNT(*) AS n FROM invitations WHERE state = 'pending' AND inviter = ?`).get(inviter) as { n: number }).n,
    pendingFromStrangers: () =>
      prepare(
        `SELECT COUNT(*) AS count, COALESCE(SUM(length(invite_bytes)), 0) AS bytes FROM invitations
         WHERE state = 'pending' AND inviter NOT IN (SELECT user_id FROM people WHERE contact_state = 'added')`,
      ).get() as { count: number; bytes: number },
    pendingFromContacts: () =>
      prepare(
        `SELECT COUNT(*) AS count, COALESCE(SUM(length(invite_bytes)), 0) AS bytes FROM invitations
         WHERE state = 'pending' AND inviter IN (SELECT user_id FROM people WHERE contact_state = 'added')`,
      ).get() as { count: number; bytes: number },
  };
}

export function invitationsWriter(prepare: Prepare): InvitationsWriter {
  return {
    put: (r) =>
      void prepare(
        `INSERT INTO invitations (group_id, inviter, version, invite_bytes, received_at, state) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (group_id) DO UPDATE SET inviter = excluded.inviter, version = excluded.version,
           invite_bytes = excluded.invite_bytes, received_at = excluded.received_at, state = excluded.state`,
      ).run(r.groupId, r.inviter, r.version, r.inviteBytes, r.receivedAt, r.state),
    setState: (id, state) => void prepare('UPDATE invitations SET state = ? WHERE group_id = ?').run(state, id),
    forgetBytes: (id) => void prepare('UPDATE invitations SET invite_bytes = ? WHERE group_id = ?').run(new Uint8Array(0), id),
    expire: (before) => {
      const pending = (prepare(`SELECT COUNT(*) AS n FROM invitations WHERE state = 'pending' AND received_at < ?`).get(before) as { n: number }).n;
      prepare('DELETE FROM invitations WHERE received_at < ?').run(before);
      return pending;
    },
  };
}
