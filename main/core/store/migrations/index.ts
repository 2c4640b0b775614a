import type { Migration } from './migration.js';
import { migration0001 } from './0001-initial.js';
import { migration0002 } from './0002-member-identities.js';
import { migration0003 } from './0003-held-plaintexts.js';
import { migration0004 } from './0004-queue-indexes.js';
import { migration0005 } from './0005-file-authors.js';
import { migration0006 } from './0006-direct-chats.js';
import { migration0007 } from './0007-retry-policies.js';
import { migration0008 } from './0008-group-member-records.js';
import { migration0009 } from './0009-verified-contacts.js';
import { migration0010 } from './0010-trigram-search.js';
import { migration0011 } from './0011-message-read-marks.js';
import { migration0012 } from './0012-direct-chat-merges.js';
import { migration0013 } from './0013-search-index-queue.js';
import { migration0014 } from './0014-fewer-pages-per-message.js';
import { migration0015 } from './0015-cumulative-ack-marks.js';
import { migration0016 } from './0016-search-merges-in-own-turns.js';

/** Every migration, in order. Add a numbered file and list it here; never edit a shipped one. */
export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
  migration0013,
  migration0014,
  migration0015,
  migration0016,
];
