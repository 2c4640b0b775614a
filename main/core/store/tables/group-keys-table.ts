import type { Prepare } from '../statement-cache.js';

/** Key material per group: sealed-mode epoch secrets, MLS states, our pending MLS key packages. */
export interface GroupKeysReader {
  secret(groupId: Uint8Array, epoch: number): Uint8Array | undefined;
  secretEpochs(groupId: Uint8Array): number[];
  mlsState(groupId: Uint8Array, epoch: number): Uint8Array | undefined;
  latestMlsState(groupId: Uint8Array): { epoch: number; stateSealed: Uint8Array } | undefined;
  keyPackage(groupId: Uint8Array): { publicPackage: Uint8Array; privateSealed: Uint8Array } | undefined;
}

export interface GroupKeysWriter {
  putSecret(groupId: Uint8Array, epoch: number, sealed: Uint8Array): void;
  putMlsState(groupId: Uint8Array, epoch: number, sealed: Uint8Array): void;
  putKeyPackage(groupId: Uint8Array, publicPackage: Uint8Array, privateSealed: Uint8Array, now: number): void;
  deleteKeyPackage(groupId: Uint8Array): void;
}

export function groupKeysReader(prepare: Prepare): GroupKeysReader {
  return {
    secret: (id, epoch) =>
      (prepare('SELECT secret_sealed AS s FROM group_secrets WHERE group_id = ? AND epoch = ?').get(id, epoch) as { s: Uint8Array } | undefined)?.s,
    secretEpochs: (id) =>
      (prepare('SELECT epoch FROM group_secrets WHERE group_id = ? ORDER BY epoch').all(id) as { epoch: number }[]).map((r) => r.epoch),
    mlsState: (id, epoch) =>
      (prepare('SELECT state_sealed AS s FROM mls_states WHERE group_id = ? AND epoch = ?').get(id, epoch) as { s: Uint8Array } | undefined)?.s,
    latestMlsState: (id) =>
      prepare('SELECT epoch, state_sealed AS stateSealed FROM mls_states WHERE group_id = ? ORDER BY epoch DESC LIMIT 1').get(id) as
        | { epoch: number; stateSealed: Uint8Array }
        | undefined,
    keyPackage: (id) =>
      prepare('SELECT public_package AS publicPackage, private_sealed AS privateSealed FROM mls_key_packages WHERE group_id = ?').get(id) as
        | { publicPackage: Uint8Array; privateSealed: Uint8Array }
        | undefined,
  };
}

export function groupKeysWriter(prepare: Prepare): GroupKeysWriter {
  return {
    putSecret: (id, epoch, sealed) =>
      void prepare('INSERT OR IGNORE INTO group_secrets (group_id, epoch, secret_sealed) VALUES (?, ?, ?)').run(id, epoch, sealed),
    putMlsState: (id, epoch, sealed) =>
      void prepare('INSERT OR REPLACE INTO mls_states (group_id, epoch, state_sealed) VALUES (?, ?, ?)').run(id, epoch, sealed),
    putKeyPackage: (id, pub, priv, now) =>
      void prepare('INSERT OR REPLACE INTO mls_key_packages (group_id, public_package, private_sealed, created_at) VALUES (?, ?, ?, ?)').run(
        id, pub, priv, now),
    deleteKeyPackage: (id) => void prepare('DELETE FROM mls_key_packages WHERE group_id = ?').run(id),
  };
}
