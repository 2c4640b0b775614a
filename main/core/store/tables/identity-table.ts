import type { Prepare } from '../statement-cache.js';

export interface IdentityRow {
  signPublic: Uint8Array;
  signSecretSealed: Uint8Array;
  boxPublic: Uint8Array;
  boxSecretSealed: Uint8Array;
  displayName: string;
  slimName: string;
  createdAt: number;
}

export interface IdentityReader {
  get(): IdentityRow | undefined;
}

export interface IdentityWriter {
  insert(row: IdentityRow): void;
  setDisplayName(name: string): void;
}

const COLUMNS = `sign_public AS signPublic, sign_secret_sealed AS signSecretSealed, box_public AS boxPublic,
  box_secret_sealed AS boxSecretSealed, display_name AS displayName, slim_name AS slimName, created_at AS createdAt`;

export function identityReader(prepare: Prepare): IdentityReader {
  return { get: () => prepare(`SELECT ${COLUMNS} FROM identity WHERE id = 1`).get() as IdentityRow | undefined };
}

export function identityWriter(prepare: Prepare): IdentityWriter {
  return {
    insert: (r) =>
      void prepare(
        `INSERT INTO identity (id, sign_public, sign_secret_sealed, box_public, box_secret_sealed, display_name, slim_name, created_at)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(r.signPublic, r.signSecretSealed, r.boxPublic, r.boxSecretSealed, r.displayName, r.slimName, r.createdAt),
    setDisplayName: (name) => void prepare('UPDATE identity SET display_name = ? WHERE id = 1').run(name),
  };
}
