/**
 * A file message in one line, as the chat list's preview and reply quotes show it (issue 11): its
 * name, then its caption when it has one. The dash reads the same in every language, so core code
 * (which has no translations) and the renderer build the same line.
 */
export function fileLine(name: string, caption: string): string {
  const said = caption.replace(/\s+/g, ' ').trim();
  return said === '' ? name : `${name} — ${said}`;
}
