/**
 * The one control-character rule for text people type and others see: display names, group names,
 * file names and the parts of SLIM names never contain one. Control characters are Unicode's Cc
 * category: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F). They are invisible, and in logs,
 * terminals and notifications they can end lines, move the cursor or recolour what follows, so a name
 * holding one could pass for another.
 */
const CONTROL_CHARACTER = /\p{Cc}/u;

export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}
