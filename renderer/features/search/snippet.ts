/**
 * The part of a found message a result shows: up to `max` characters around the first place a
 * search word occurs, cut with "…", split into plain and matching parts for <mark>. Matching is
 * case-insensitive like the core's (see shared/domain/search-words.ts for the words).
 */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

/** Characters shown before the first match, so it is read in context (at most a third of the snippet). */
const LEAD = 30;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Moves an index off the second half of a surrogate pair, so no character is cut in two. */
function onCharBoundary(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return i > 0 && i < text.length && code >= 0xdc00 && code <= 0xdfff ? i - 1 : i;
}

export function highlightSnippet(text: string, words: readonly string[], max = 160): SnippetPart[] {
  const usable = words.filter((w) => w.length > 0).sort((a, b) => b.length - a.length);
  const pattern = usable.length === 0 ? null : new RegExp(usable.map(escapeRegExp).join('|'), 'giu');
  const first = pattern === null ? -1 : text.search(pattern);
  const lead = Math.min(LEAD, Math.floor(max / 3));
  let start = first <= lead ? 0 : onCharBoundary(text, first - lead);
  let end = Math.min(text.length, start + max);
  if (end === text.length) start = Math.max(0, onCharBoundary(text, Math.min(start, end - max)));
  end = onCharBoundary(text, end);
  const shown = text.slice(start, end);
  const parts: SnippetPart[] = [];
  if (start > 0) parts.push({ text: '…', hit: false });
  let at = 0;
  if (pattern !== null) {
    for (const m of shown.matchAll(pattern)) {
      if (m.index > at) parts.push({ text: shown.slice(at, m.index), hit: false });
      parts.push({ text: m[0], hit: true });
      at = m.index + m[0].length;
    }
  }
  if (at < shown.length) parts.push({ text: shown.slice(at), hit: false });
  if (end < text.length) parts.push({ text: '…', hit: false });
  return parts;
}
