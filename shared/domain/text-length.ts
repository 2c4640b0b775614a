/**
 * Counts user-perceived characters (grapheme clusters), not bytes or UTF-16 units: a family emoji
 * or a letter with combining accents is one character in a 50-character group name.
 */
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function characterCount(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}
