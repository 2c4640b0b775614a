import type { AtRestCipher } from '../crypto/at-rest-cipher.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { StorageHealthMonitor } from './storage-health.js';
import { createStatementCache } from './statement-cache.js';
import { channelLogReader, channelLogWriter, type ChannelLogReader, type ChannelLogWriter, type HeldBounds } from './tables/channel-log-table.js';
import { filesReader, filesWriter, type FilesReader, type FilesWriter } from './tables/files-table.js';
import { groupKeysReader, groupKeysWriter, type GroupKeysReader, type GroupKeysWriter } from './tables/group-keys-table.js';
import { clearGroupsCaches, groupsCaches, groupsReader, groupsWriter, type GroupsReader, type GroupsWriter } from './tables/groups-table.js';
import { identityReader, identityWriter, type IdentityReader, type IdentityWriter } from './tables/identity-table.js';
import { invitationsReader, invitationsWriter, type InvitationsReader, type InvitationsWriter } from './tables/invitations-table.js';
import { directMergesReader, directMergesWriter, type DirectMergesReader, type DirectMergesWriter } from './tables/direct-merges-table.js';
import { deliveryFailuresReader, deliveryFailuresWriter, type DeliveryFailuresReader, type DeliveryFailuresWriter } from './tables/delivery-failures-table.js';
import { retryPoliciesReader, retryPoliciesWriter, type RetryPoliciesReader, type RetryPoliciesWriter } from './tables/retry-policies-table.js';
import {
  memberIdentitiesReader,
  memberIdentitiesWriter,
  type MemberIdentitiesGeneration,
  type MemberIdentitiesReader,
  type MemberIdentitiesWriter,
} from './tables/member-identities-table.js';
import { messagesReader, messagesWriter, type MessagesReader, type MessagesWriter } from './tables/messages-table.js';
import { PeopleCache, peopleReader, peopleWriter, type PeopleReader, type PeopleWriter } from './tables/people-table.js';
import { queueReader, queueWriter, type QueueReader, type QueueWriter } from './tables/queue-tables.js';

/** Everything the engine may read. Services that only display data get only this. */
export interface StoreReader {
  identity: IdentityReader;
  people: PeopleReader;
  groups: GroupsReader;
  keys: GroupKeysReader;
  invitations: InvitationsReader;
  messages: MessagesReader;
  log: ChannelLogReader;
  queue: QueueReader;
  files: FilesReader;
  memberIdentities: MemberIdentitiesReader;
  retryPolicies: RetryPoliciesReader;
  deliveryFailures: DeliveryFailuresReader;
  directMerges: DirectMergesReader;
}

/** Everything the engine may change. Writes that belong together run inside `transaction`. */
export interface StoreWriter {
  identity: IdentityWriter;
  people: PeopleWriter;
  groups: GroupsWriter;
  keys: GroupKeysWriter;
  invitations: InvitationsWriter;
  messages: MessagesWriter;
  log: ChannelLogWriter;
  queue: QueueWriter;
  files: FilesWriter;
  memberIdentities: MemberIdentitiesWriter;
  retryPolicies: RetryPoliciesWriter;
  deliveryFailures: DeliveryFailuresWriter;
  directMerges: DirectMergesWriter;
}

export interface Store {
  readonly read: StoreReader;
  readonly write: StoreWriter;
  readonly cipher: AtRestCipher;
  /** Runs `fn` in one SQLite transaction: all of its writes land, or none. Nested calls join the outer one. */
  transaction<T>(fn: () => T): T;
  /** Whether writes land (a full or read-only disk, a database locked by another program). */
  health: StorageHealthMonitor;
  /**
   * Has `listener` called after each commit of the Store's writes (one listener: a later call replaces it). The WAL
   * checkpointer's wake-up, so it runs on every commit: keep it as cheap as that one.
   */
  onCommit(listener: () => void): void;
  close(): void;
  /** For benchmarks and maintenance tools only. */
  readonly db: SqliteDatabase;
}

export function openStore(path: string, cipher: AtRestCipher, databaseKey: Uint8Array): Store {
  const db = openDatabase(path, cipher, databaseKey);
  const health = new StorageHealthMonitor();
  let committed: () => void = () => {};
  // A write landed: a transaction, or a statement outside one (the statement cache tells). The checkpoint worker
  // first: a health listener that throws must not leave the commit's frames to a worker that sleeps.
  const landed = (): void => {
    committed();
    health.noteWriteOk();
  };
  const prepare = createStatementCache(db, { ok: landed, failed: (err) => health.noteFailure(err) });
  // Rows read per received envelope, kept between writes (each table's writer drops what it changes).
  const groups = groupsCaches();
  const heldBounds: HeldBounds = new Map();
  const people = new PeopleCache();
  const identities: MemberIdentitiesGeneration = { value: 0 };
  const read: StoreReader = {
    identity: identityReader(prepare),
    people: peopleReader(prepare, people),
    groups: groupsReader(prepare, groups),
    keys: groupKeysReader(prepare),
    invitations: invitationsReader(prepare),
    messages: messagesReader(prepare),
    log: channelLogReader(prepare, heldBounds),
    queue: queueReader(prepare),
    files: filesReader(prepare),
    memberIdentities: memberIdentitiesReader(prepare, identities),
    retryPolicies: retryPoliciesReader(prepare),
    deliveryFailures: deliveryFailuresReader(prepare),
    directMerges: directMergesReader(prepare),
  };
  const write: StoreWriter = {
    identity: identityWriter(prepare),
    people: peopleWriter(prepare, people),
    groups: groupsWriter(prepare, groups),
    keys: groupKeysWriter(prepare),
    invitations: invitationsWriter(prepare),
    messages: messagesWriter(prepare),
    log: channelLogWriter(prepare, heldBounds),
    queue: queueWriter(prepare),
    files: filesWriter(prepare),
    memberIdentities: memberIdentitiesWriter(prepare, identities),
    retryPolicies: retryPoliciesWriter(prepare),
    deliveryFailures: deliveryFailuresWriter(prepare),
    directMerges: directMergesWriter(prepare),
  };
  return {
    read,
    write,
    cipher,
    db,
    health,
    transaction: (fn) => {
      if (db.inTransaction) return fn();
      try {
        const result = db.transaction(fn)();
        landed();
        return result;
      } catch (err) {
        // Rows read inside the failed transaction may describe writes that were rolled back.
        clearGroupsCaches(groups);
        heldBounds.clear();
        people.clear();
        identities.value += 1;
        throw health.noteFailure(err);
      }
    },
    onCommit: (listener) => {
      committed = listener;
    },
    close: () => {
      if (db.open) db.close();
    },
  };
}
