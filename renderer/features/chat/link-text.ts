import { externalUrl } from '../../../shared/domain/external-url';

/**
 * Finds web links in message text, so they can be shown as links built from parsed pieces (never
 * as HTML). Only http(s) addresses written out in full count: `www.x` or bare domains stay text,
 * and so does anything the URL parser refuses or that carries a user name or password (a classic
 * disguise: https://bank.example@evil.example/).
 */
export type TextPiece = { kind: 'text'; text: string } | { kind: 'link'; text: string; url: string };

/** Cap on what is scanned: a 64 KiB message of links must not cost the list a long render. */
const MAX_LINKS = 200;

const CANDIDATE = /https?:\/\/[^\s<>"'`]+/giu;
/** Punctuation that ends a sentence rather than the address. */
const TRAILING = /[.,;:!?'"»」』、。）]+$/u;

/** The address as the browser will open it, or null when it is not a plain http(s) link. */
export const linkTarget = externalUrl;

/** A closing bracket belongs to the address only if the address opened one: "(see https://x/a_(b))". */
function trimUnbalanced(raw: string): string {
  let s = raw.replace(TRAILING, '');
  while (s.endsWith(')') && (s.match(/\(/g) ?? []).length < (s.match(/\)/g) ?? []).length) s = s.slice(0, -1).replace(TRAILING, '');
  return s;
}

export function splitLinks(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let at = 0;
  let links = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    if (links >= MAX_LINKS) break;
    const start = match.index;
    const written = trimUnbalanced(match[0]);
    const url = linkTarget(written);
    if (url === null) continue;
    if (start > at) pieces.push({ kind: 'text', text: text.slice(at, start) });
    pieces.push({ kind: 'link', text: written, url });
    at = start + written.length;
    links += 1;
  }
  if (at < text.length) pieces.push({ kind: 'text', text: text.slice(at) });
  return pieces;
}
