import type { Migration } from './migration.js';

/**
 * The search index's segments are merged in turns of their own, not inside the commits that index
 * (issue 13). With automerge on (16, migration 0013), the index turn whose commit completed a level of
 * segments merged the level in that commit: 36–45 ms measured alone and up to ~90 ms in the peer flood,
 * a pass of the event loop every IPC reply and network read waited behind, a few times a burst.
 *
 * automerge 0: an index turn only writes its own new segment. After index turns, the inbox merges in
 * turns of a bounded amount of work ('merge' steps, search-indexer.ts) until no level has `usermerge`
 * segments left, 16 as automerge had it (each row rewritten as seldom as before). crisismerge (64, from
 * 0013) stays the bound should those turns ever fall behind: a level that reaches 64 segments is merged in
 * the commit that made it so.
 */
export const migration0016: Migration = {
  version: 16,
  name: 'search-merges-in-own-turns',
  sql: `
INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 0);
INSERT INTO messages_fts (messages_fts, rank) VALUES ('usermerge', 16);
`,
};
