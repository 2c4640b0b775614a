/**
 * The file types Kizuna shows by their type (pictures, video and sound inline; the rest as a
 * download). One list for both sides: a sender maps any other type to `application/octet-stream`
 * (a plain download), and a receiver refuses an offer naming a type outside it (`file-mime-refused`):
 * a member could otherwise label a file `text/html` or `image/svg+xml`, types a viewer may run.
 */
export const GENERIC_FILE_TYPE = 'application/octet-stream';

const SHOWN_FILE_TYPES: ReadonlySet<string> = new Set([
  GENERIC_FILE_TYPE,
  'application/pdf',
  'application/zip',
  'text/plain',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'video/mp4',
  'video/webm',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'audio/webm',
]);

/** Whether a received offer's type is one we show (exact, lower-case: what senders put on the wire). */
export function isShownFileType(mime: string): boolean {
  return SHOWN_FILE_TYPES.has(mime);
}

/** The type a sender puts on the wire for a file the user picked: its own if shown, else the generic one. */
export function fileTypeToSend(mime: string): string {
  const m = mime.trim().toLowerCase();
  return isShownFileType(m) ? m : GENERIC_FILE_TYPE;
}
