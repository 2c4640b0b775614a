import { describe, expect, it } from 'vitest';
import { highlightSnippet, type SnippetPart } from '../../../renderer/features/search/snippet';
import { searchWords } from '../../../shared/domain/search-words';

/** A snippet written as text with the hits in [brackets]. */
function show(parts: SnippetPart[]): string {
  return parts.map((p) => (p.hit ? `[${p.text}]` : p.text)).join('');
}

describe('the snippet of a search result', () => {
  it('marks every occurrence of every word, ignoring case', () => {
    expect(show(highlightSnippet('The quick brown Fox saw a fox', searchWords('fox quick')))).toBe('The [quick] brown [Fox] saw a [fox]');
  });

  it('marks Japanese words inside a sentence without spaces, the longer word first', () => {
    expect(show(highlightSnippet('東京タワーに行きました。東京は晴れ', searchWords('東京 東京タワー')))).toBe('[東京タワー]に行きました。[東京]は晴れ');
  });

  it('shows the part of a long message around the first match, cut with an ellipsis', () => {
    const text = `${'あ'.repeat(300)}抹茶${'い'.repeat(300)}`;
    const s = highlightSnippet(text, ['抹茶'], 80);
    expect(s[0]).toEqual({ text: '…', hit: false });
    expect(s[s.length - 1]).toEqual({ text: '…', hit: false });
    expect(s.filter((p) => p.hit).map((p) => p.text)).toEqual(['抹茶']);
    expect(show(s).length).toBeLessThanOrEqual(80 + 4);
  });

  it('shows the start of the message when the match is near its end or there is none', () => {
    expect(show(highlightSnippet('short text', ['text']))).toBe('short [text]');
    expect(show(highlightSnippet('no match here', ['zzz']))).toBe('no match here');
    expect(show(highlightSnippet('a'.repeat(10), [], 4))).toBe('aaaa…');
  });

  it('never cuts a character outside the Basic Plane in two, and takes words as text, not patterns', () => {
    const text = `${'𠮷'.repeat(40)}野家 (a+b) ${'x'.repeat(40)}`;
    const s = show(highlightSnippet(text, ['野家', '(a+b)'], 33)); // 11 before the match: mid-character
    expect(s).toContain('[野家] [(a+b)]');
    // With the u flag a surrogate only matches when it stands alone (half a character).
    expect(/[\ud800-\udfff]/u.test(s)).toBe(false);
    expect(s.startsWith('…𠮷')).toBe(true);
  });
});
