/**
 * How search text becomes words, shared by the core (which turns them into an FTS5 trigram query,
 * or LIKE patterns for short words) and the UI (which highlights the same words in the results), so
 * what is found and what is marked agree. Words are split at spaces only (Japanese and Chinese have
 * none: a whole phrase is one word, matched as a substring); punctuation at a word's ends is dropped
 * ("hello," finds "hello") unless the word is nothing else.
 */
export const MAX_SEARCH_WORDS = 16;

export function searchWords(text: string): string[] {
  const words = new Set<string>();
  for (const raw of text.normalize('NFC').split(/\s+/u)) {
    if (raw.length === 0) continue;
    const trimmed = raw.replace(/^\p{P}+|\p{P}+$/gu, '');
    words.add(trimmed.length > 0 ? trimmed : raw);
    if (words.size === MAX_SEARCH_WORDS) break;
  }
  return [...words];
}

/** Length in characters (code points), not UTF-16 units: "𠮷野" is two characters. */
export function characterCount(word: string): number {
  let n = 0;
  for (const _ of word) n++;
  return n;
}
