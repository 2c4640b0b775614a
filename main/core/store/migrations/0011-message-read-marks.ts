import type { Migration } from './migration.js';

/**
 * Per-message read marks (issue 11/9): when the user read each received message (NULL: not read
 * yet). A group's old "read up to" time stood for every message sent before it, so a message that
 * arrived late with an older send time (catch-up after being offline) counted as read without ever
 * being shown, and no receipt went out for it. Existing history keeps what that watermark said; the
 * partial index holds only the unread ones (what the chat list counts and what a read marks), and
 * every group's unread count is recounted from the marks.
 */
export const migration0011: Migration = {
  version: 11,
  name: 'message-read-marks',
  sql: `
ALTER TABLE messages ADD COLUMN read_at INTEGER;
UPDATE messages SET read_at = (SELECT g.last_read_at FROM groups g WHERE g.group_id = messages.group_id)
  WHERE send_state = 'received' AND sent_at <= (SELECT g.last_read_at FROM groups g WHERE g.group_id = messages.group_id);
CREATE INDEX messages_unread ON messages (group_id, sent_at, id) WHERE send_state = 'received' AND read_at IS NULL;
UPDATE groups SET unread_count = (SELECT count(*) FROM messages m WHERE m.group_id = groups.group_id AND m.send_state = 'received' AND m.read_at IS NULL);
`,
};
