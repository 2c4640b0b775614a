import type { CoreEventPayloads } from '../../../shared/domain/core-events.js';
import type { IdentityView } from '../../../shared/domain/views.js';
import type { StorageHealth } from '../store/storage-health.js';

/** Everything the engine tells its host: what every UI hears, and what only the host needs. */
export interface EngineEvents extends CoreEventPayloads {
  /** The profile got its identity (created or restored): the host can connect now. */
  identity: IdentityView;
  /** The store's ability to write changed (disk full, read-only, locked; or ok again). */
  storage: StorageHealth;
  /** An envelope was refused; `reason` is a stable code, counted in drop_counts. */
  dropped: { reason: string; groupId?: string; sender?: string; type?: string };
  /** New envelopes wait in the outbox (the session layer drains it). */
  outbox: { groupId: string };
  /** An ephemeral envelope (typing) to publish now, best effort, never stored. */
  ephemeral: { groupId: string; slimName: string; bytes: Uint8Array };
  /** A secret for an epoch this device lacked became available (sealed mode). */
  secret: { groupId: string; epoch: number };
}
