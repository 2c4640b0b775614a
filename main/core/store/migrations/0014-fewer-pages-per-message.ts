import type { Migration } from './migration.js';

/**
 * Fewer pages per message (issue 13). A round trip is bound by the pages each transaction writes
 * (every page a commit writes costs ~18-28 µs of CPU, more through the page cipher), and every index
 * a row is in is at least one more page. Counted from the WAL (bench/pages.bench.ts), a send wrote 15
 * pages and a receive 22; these indexes were in every one of them without a query that needs them:
 *
 * - `groups_by_activity`: moved on every message (last_activity_at), read only by the chat list, which
 *   reads every group row anyway; SQLite sorts those few hundred rows in memory.
 * - `messages_by_kind`: every message was in it, though only the file and media filters need it (the
 *   text filter pages through messages_by_time, where text is nearly every row). Now it holds only the
 *   rows that are not text; the queries that want it say `kind != 'text'` so the planner may use it.
 * - `inbox_by_state`, `inbox_by_group_state`: every row entered both and moved in both when it was
 *   done. What is read is the rows waiting ('new', in order) and the deferred rows of a group, so the
 *   partial indexes hold only those; a finished row leaves them and stays in no index (pruning walks
 *   the rowid, which follows arrival).
 * - `outbox_by_message`: a job that carries a message is the message's own envelope (message id =
 *   envelope id, queue-tables.ts `addOutbox` refuses anything else), so `outbox_by_envelope` finds it.
 */
export const migration0014: Migration = {
  version: 14,
  name: 'fewer-pages-per-message',
  sql: `
DROP INDEX groups_by_activity;

DROP INDEX messages_by_kind;
CREATE INDEX messages_by_kind ON messages (group_id, kind, sent_at, id) WHERE kind != 'text';

DROP INDEX inbox_by_state;
DROP INDEX inbox_by_group_state;
CREATE INDEX inbox_new ON inbox (id) WHERE state = 'new';
CREATE INDEX inbox_deferred ON inbox (group_id) WHERE state = 'deferred';

DROP INDEX outbox_by_message;
`,
};
