import type { MessageCursorView, MessageKind, MessagePage, MessageView } from '../../../shared/domain/views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { fromBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { requireGroup } from '../groups/group-state.js';
import type { MessageCursor, MessageRow } from '../store/tables/messages-table.js';
import type { MessageSearch } from '../store/tables/message-search-sql.js';
import { characterCount, searchWords } from '../../../shared/domain/search-words.js';
import { requireMessageIn } from './message-send.js';
import { messageView } from './message-views.js';

/**
 * Kizuna's message paging, on SQLite indexes instead of day buckets: the latest N, the N before or
 * after a cursor (time, then id, breaks ties), N around a message, one local day, filtered by kind,
 * and full-text search. Pages come back oldest first, the order a chat shows them in.
 */
export type MessageFilter = 'all' | 'text' | 'file' | 'media';
const MAX_PAGE = 500;

function kindsOf(filter: MessageFilter | undefined): MessageKind[] | undefined {
  return filter === undefined || filter === 'all' ? undefined : [filter];
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new KizunaError('PAGE_SIZE_INVALID', undefined, { max: MAX_PAGE });
}

function parseCursor(c: MessageCursorView): MessageCursor {
  const id = fromBase64Url(c.id);
  if (id === undefined || id.byteLength !== 32 || !Number.isSafeInteger(c.sentAt)) throw new KizunaError('INVALID_INPUT', 'The page cursor is not valid.');
  return { id, sentAt: c.sentAt };
}

function page(ctx: EngineContext, groupId: Uint8Array, rows: MessageRow[], kinds: MessageKind[] | undefined): MessagePage {
  const first = rows[0];
  const last = rows[rows.length - 1];
  const r = ctx.store.read.messages;
  return {
    messages: rows.map((m) => messageView(ctx, m)),
    hasOlder: first !== undefined && r.before(groupId, first, 1, kinds).length > 0,
    hasNewer: last !== undefined && r.after(groupId, last, 1, kinds).length > 0,
  };
}

export function latestMessages(ctx: EngineContext, groupId: Uint8Array, limit: number, filter?: MessageFilter): MessagePage {
  checkLimit(limit);
  requireGroup(ctx, groupId);
  const kinds = kindsOf(filter);
  return page(ctx, groupId, ctx.store.read.messages.latest(groupId, limit, kinds).reverse(), kinds);
}

export function messagesBefore(ctx: EngineContext, groupId: Uint8Array, cursor: MessageCursorView, limit: number, filter?: MessageFilter): MessagePage {
  checkLimit(limit);
  requireGroup(ctx, groupId);
  const kinds = kindsOf(filter);
  return page(ctx, groupId, ctx.store.read.messages.before(groupId, parseCursor(cursor), limit, kinds).reverse(), kinds);
}

export function messagesAfter(ctx: EngineContext, groupId: Uint8Array, cursor: MessageCursorView, limit: number, filter?: MessageFilter): MessagePage {
  checkLimit(limit);
  requireGroup(ctx, groupId);
  const kinds = kindsOf(filter);
  return page(ctx, groupId, ctx.store.read.messages.after(groupId, parseCursor(cursor), limit, kinds), kinds);
}

/** `limit` messages on each side of a message, and the message itself in the middle. */
export function messagesAround(ctx: EngineContext, groupId: Uint8Array, messageId: Uint8Array, limit: number): MessagePage {
  checkLimit(limit);
  const m = requireMessageIn(ctx, groupId, messageId);
  const r = ctx.store.read.messages;
  const rows = [...r.before(groupId, m, limit, undefined).reverse(), m, ...r.after(groupId, m, limit, undefined)];
  return page(ctx, groupId, rows, undefined);
}

/** Local midnight to midnight of `date` (YYYY-MM-DD) in an IANA time zone, as UTC ms. */
export function localDayBounds(date: string, timeZone: string): { from: number; to: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match === null) throw new KizunaError('INVALID_INPUT', 'A date is written YYYY-MM-DD.');
  const [y, mo, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) throw new KizunaError('INVALID_INPUT', 'No such date.');
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  } catch {
    throw new KizunaError('INVALID_INPUT', 'Unknown time zone.');
  }
  // The zone's offset at a UTC instant, from how the instant reads on that zone's wall clock.
  const offsetAt = (utc: number): number => {
    const parts = Object.fromEntries(fmt.formatToParts(new Date(utc)).map((p) => [p.type, p.value]));
    const wall = Date.UTC(Number(parts['year']), Number(parts['month']) - 1, Number(parts['day']), Number(parts['hour']), Number(parts['minute']), Number(parts['second']));
    return wall - utc;
  };
  const midnight = (yy: number, mm: number, dd: number): number => {
    const wall = Date.UTC(yy, mm, dd);
    let utc = wall - offsetAt(wall);
    utc = wall - offsetAt(utc); // second pass settles days when the offset changes (DST)
    return utc;
  };
  return { from: midnight(y, mo - 1, d), to: midnight(y, mo - 1, d + 1) };
}

const DAY_CAP = 10_000;

/** Everything sent on one local day (jump to date), oldest first. */
export function messagesOnDay(ctx: EngineContext, groupId: Uint8Array, date: string, timeZone: string, filter?: MessageFilter): MessagePage {
  requireGroup(ctx, groupId);
  const { from, to } = localDayBounds(date, timeZone);
  const kinds = kindsOf(filter);
  return page(ctx, groupId, ctx.store.read.messages.between(groupId, from, to, DAY_CAP, kinds), kinds);
}

/** Words this short are found with LIKE: a trigram index holds nothing shorter than three characters. */
const TRIGRAM = 3;

/**
 * The user's search text as the store runs it (message-search-sql.ts). Words of three or more
 * characters become quoted FTS5 strings (a substring match on the trigram index, in any script), so
 * no input is read as FTS syntax; shorter ones (one or two kanji) become LIKE patterns with `%`, `_`
 * and `\` escaped. Every word must match.
 */
export function toMessageSearch(text: string): MessageSearch {
  const words = searchWords(text);
  if (words.length === 0) throw new KizunaError('SEARCH_QUERY_INVALID');
  const long = words.filter((w) => characterCount(w) >= TRIGRAM);
  const short = words.filter((w) => characterCount(w) < TRIGRAM);
  return {
    match: long.length === 0 ? null : long.map((w) => `"${w.replaceAll('"', '""')}"`).join(' '),
    likes: short.map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`),
  };
}

/** Search in one chat or, without `groupId`, across all of them (groups and direct chats). Newest matches first. */
export function searchMessages(ctx: EngineContext, text: string, options: { groupId?: Uint8Array; limit?: number } = {}): MessageView[] {
  const limit = options.limit ?? 50;
  checkLimit(limit);
  if (options.groupId !== undefined) requireGroup(ctx, options.groupId);
  return ctx.store.read.messages.search(options.groupId, toMessageSearch(text), limit).map((m) => messageView(ctx, m));
}
