/**
 * A search as the store runs it. `match` is an FTS5 query over the trigram index (words of three
 * or more characters, each a quoted substring; null when there is none); `likes` are LIKE patterns
 * (already escaped with `\`) for shorter words, which three-character trigrams cannot find: one or
 * two kanji, "hi". Every part must match (AND), in the body or the file name.
 */
export interface MessageSearch {
  match: string | null;
  likes: readonly string[];
}

/**
 * Where the messages of a search come from and which rows qualify; each shape is prepared once (at
 * most 16 LIKE words). The last `limit` matches stored (rowid order) are taken, then shown newest
 * first: walking rowids backwards lets SQLite stop at `limit` matches, where sorting by sent_at would
 * read every match first (a common word in a long history: 20x slower, measured). A direct chat
 * merged into another (migration 0012) is hidden and its texts were carried into the kept chat, so
 * its messages are left out: the user would see their own words twice.
 */
export function searchSql(columns: string, s: MessageSearch, inGroup: boolean): string {
  const like = ` AND (m.body LIKE ? ESCAPE '\\' OR coalesce(m.file_name, '') LIKE ? ESCAPE '\\')`;
  const from = s.match === null ? 'messages m WHERE 1 = 1' : 'messages_fts f JOIN messages m ON m.rowid = f.rowid WHERE messages_fts MATCH ?';
  return `SELECT * FROM (SELECT ${columns} FROM ${from}${like.repeat(s.likes.length)}${inGroup ? ' AND m.group_id = ?' : ''}
    AND NOT EXISTS (SELECT 1 FROM direct_chat_merges d WHERE d.group_id = m.group_id)
    ORDER BY m.rowid DESC LIMIT ?) ORDER BY sentAt DESC, id DESC`;
}

/** The parameters for searchSql's placeholders, in order. */
export function searchParams(s: MessageSearch, groupId: Uint8Array | undefined, limit: number): (string | number | Uint8Array)[] {
  return [...(s.match === null ? [] : [s.match]), ...s.likes.flatMap((p) => [p, p]), ...(groupId === undefined ? [] : [groupId]), limit];
}
