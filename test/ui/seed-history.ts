/**
 * Fills a group with a long history straight through the store writer, inside one transaction:
 * sending 100,000 messages through the engine would take minutes and test the engine, not the UI.
 * Rows are what the engine itself stores for shown messages, and they enter the search index in the
 * same transaction: an engine that received them over time would have indexed them as they came
 * (migration 0013). Left pending, the index took them on at the inbox's first busy moment, so the
 * renderer bench's ingest figures carried the indexing of the whole seeded history.
 */
import { randomBytes } from 'node:crypto';
import type { Engine } from '../../main/core/engine/engine.js';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import type { MessageRow } from '../../main/core/store/tables/messages-table.js';

export interface SeedOptions {
  groupId: string;
  count: number;
  /** Time of the newest message; the others are spread evenly over `spanMs` before it. */
  newestAt: number;
  spanMs: number;
  /** Who writes (base64url user ids); the engine's own id among them makes some messages "mine". */
  senders: string[];
  /** Special texts at given positions (0 = oldest), e.g. a word to search for. */
  texts?: Record<number, string>;
  /** How many of the newest received messages are left unread. */
  unread?: number;
}

const WORDS = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipiscing', 'elit', 'sed', 'do', 'eiusmod', 'tempor', 'incididunt', 'labore'];

function body(i: number): string {
  // Varied lengths (one line to a short paragraph) so the list measures real, different heights.
  const n = 3 + ((i * 7919) % 41);
  const out: string[] = [];
  for (let k = 0; k < n; k++) out.push(WORDS[(i + k * 31) % WORDS.length] as string);
  return `#${i} ${out.join(' ')}`;
}

export function seedHistory(engine: Engine, o: SeedOptions): { first: number; last: number } {
  const self = engine.getIdentity()?.userId;
  const groupId = fromBase64Url(o.groupId) as Uint8Array;
  const senders = o.senders.map((s) => ({ id: fromBase64Url(s) as Uint8Array, mine: s === self }));
  const step = o.count > 1 ? o.spanMs / (o.count - 1) : 0;
  const first = o.newestAt - o.spanMs;
  const store = engine.store;
  let lastId: Uint8Array | null = null;
  const seqs = new Map<number, number>();
  const receivedTimes: number[] = [];
  store.transaction(() => {
    for (let i = 0; i < o.count; i++) {
      const who = i % senders.length;
      const sender = senders[who] as { id: Uint8Array; mine: boolean };
      const seq = (seqs.get(who) ?? 0) + 1;
      seqs.set(who, seq);
      const sentAt = Math.round(first + i * step);
      const row: MessageRow = {
        id: new Uint8Array(randomBytes(32)),
        groupId,
        sender: sender.id,
        seq: 1_000_000 + seq,
        epoch: 0,
        sentAt,
        receivedAt: sentAt,
        kind: 'text',
        body: o.texts?.[i] ?? body(i),
        replyTo: null,
        fileName: null,
        fileSize: null,
        fileMime: null,
        fileHash: null,
        sendState: sender.mine ? 'read' : 'received',
      };
      store.write.messages.insert(row);
      if (!sender.mine) receivedTimes.push(sentAt);
      lastId = row.id;
    }
    store.write.groups.noteActivity(groupId, o.newestAt, lastId, 0);
    const unread = o.unread ?? 0;
    // Everything up to just before the last `unread` received messages counts as read.
    const readUpTo = receivedTimes.length > unread ? (receivedTimes[receivedTimes.length - unread - 1] as number) : first - 1;
    store.write.groups.markRead(groupId, readUpTo);
    store.write.messages.indexPendingSearch(Number.MAX_SAFE_INTEGER);
  });
  return { first, last: o.newestAt };
}
