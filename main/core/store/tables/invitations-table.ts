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
}

export interface InvitationsWriter {
  put(row: InvitationRow): void;
  setState(groupId: Uint8Array, state: InvitationState): void;
}

const COLUMNS = 'group_id AS groupId, inviter, version, invite_bytes AS inviteBytes, received_at AS receivedAt, state';

export function invitationsReader(prepare: Prepare): InvitationsReader {
  return {
    get: (id) => prepare(`SELECT ${COLUMNS} FROM invitations WHERE group_id = ?`).get(id) as InvitationRow | undefined,
    pending: () => prepare(`SELECT ${COLUMNS} FROM invitations WHERE state = 'pending' ORDER BY received_at DESC`).all() as InvitationRow[],
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
  };
}
