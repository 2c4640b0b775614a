import type { Prepare } from '../statement-cache.js';

/** A message of ours waiting to be sent again in `targetGroup` (see migration 0012). */
export interface CarryRow {
  messageId: Uint8Array;
  targetGroup: Uint8Array;
  /** 1: the new message is shown in the target chat (a merged chat's); 0: only sent (the original stays shown). */
  shown: number;
}

export interface DirectMergesReader {
  /** The chat a merged direct chat was folded into, if it was. */
  keptFor(groupId: Uint8Array): Uint8Array | undefined;
  /** Our messages waiting to be sent in `targetGroup`, in the order they were written. */
  waiting(targetGroup: Uint8Array): CarryRow[];
  /** Chats that have messages waiting (checked when the engine opens and when a chat becomes writable). */
  waitingTargets(): Uint8Array[];
  /** The new message a carried one became, if it went already. */
  carriedAs(messageId: Uint8Array): Uint8Array | undefined;
  /** The shown message an unshown copy was sent for (receipts for the copy count for it). */
  originalOf(carriedAs: Uint8Array): Uint8Array | undefined;
}

export interface DirectMergesWriter {
  merge(groupId: Uint8Array, kept: Uint8Array, at: number): void;
  /** Queues our own messages of `fromGroup` (those not queued before) for `targetGroup`. Returns how many. */
  queueCarries(fromGroup: Uint8Array, sender: Uint8Array, targetGroup: Uint8Array, shown: boolean): number;
  markCarried(messageId: Uint8Array, carriedAs: Uint8Array): void;
}

export function directMergesReader(prepare: Prepare): DirectMergesReader {
  return {
    keptFor: (id) => (prepare('SELECT kept FROM direct_chat_merges WHERE group_id = ?').get(id) as { kept: Uint8Array } | undefined)?.kept,
    waiting: (target) =>
      prepare(
        `SELECT c.message_id AS messageId, c.target_group AS targetGroup, c.shown FROM message_carries c JOIN messages m ON m.id = c.message_id
         WHERE c.target_group = ? AND c.carried_as IS NULL ORDER BY m.sent_at, m.seq`,
      ).all(target) as CarryRow[],
    waitingTargets: () =>
      (prepare('SELECT DISTINCT target_group AS t FROM message_carries WHERE carried_as IS NULL').all() as { t: Uint8Array }[]).map((r) => r.t),
    carriedAs: (id) =>
      (prepare('SELECT carried_as AS c FROM message_carries WHERE message_id = ?').get(id) as { c: Uint8Array | null } | undefined)?.c ?? undefined,
    originalOf: (as) =>
      (prepare('SELECT message_id AS m FROM message_carries WHERE carried_as = ? AND shown = 0').get(as) as { m: Uint8Array } | undefined)?.m,
  };
}

export function directMergesWriter(prepare: Prepare): DirectMergesWriter {
  return {
    merge: (id, kept, at) => void prepare('INSERT OR IGNORE INTO direct_chat_merges (group_id, kept, merged_at) VALUES (?, ?, ?)').run(id, kept, at),
    queueCarries: (from, sender, target, shown) =>
      prepare(
        `INSERT OR IGNORE INTO message_carries (message_id, target_group, shown, carried_as)
         SELECT id, ?, ?, NULL FROM messages WHERE group_id = ? AND sender = ? AND kind = 'text'`,
      ).run(target, shown ? 1 : 0, from, sender).changes,
    markCarried: (id, as) => void prepare('UPDATE message_carries SET carried_as = ? WHERE message_id = ?').run(as, id),
  };
}
