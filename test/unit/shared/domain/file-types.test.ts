import { describe, expect, it } from 'vitest';
import { GENERIC_FILE_TYPE, fileTypeToSend, isShownFileType } from '../../../../shared/domain/file-types.js';

/** One list for both sides: whatever a sender puts on the wire, a receiver of the same version shows. */
describe('file types shown and sent', () => {
  it('sends a shown type as itself (lower-cased) and anything else as a plain download', () => {
    expect(fileTypeToSend('image/png')).toBe('image/png');
    expect(fileTypeToSend(' IMAGE/PNG ')).toBe('image/png');
    for (const t of ['text/html', 'image/svg+xml', 'application/x-msdownload', '', 'a/b']) expect(fileTypeToSend(t)).toBe(GENERIC_FILE_TYPE);
  });

  it('receives only the listed types, exactly as senders write them', () => {
    expect(isShownFileType('application/pdf')).toBe(true);
    for (const t of ['text/html', 'image/svg+xml', 'IMAGE/PNG', ' image/png', '']) expect(isShownFileType(t)).toBe(false);
    for (const t of ['text/html', 'image/svg+xml', 'video/mp4', 'x']) expect(isShownFileType(fileTypeToSend(t))).toBe(true);
  });
});
