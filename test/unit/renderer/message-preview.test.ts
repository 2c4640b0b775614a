import { describe, expect, it } from 'vitest';
import { previewText } from '../../../renderer/features/chat/message-preview';
import { message } from './view-fixtures';

const file = (name: string) => ({ name, size: 3, mime: 'application/pdf', hash: 'h', available: true });

describe('previewText (reply quotes, reply banner, results)', () => {
  it("shows a file's name and its caption after a clip (issue 11)", () => {
    expect(previewText(message('m1', 1, { kind: 'file', text: 'Q3 numbers', file: file('report.pdf') }))).toBe('📎 report.pdf — Q3 numbers');
    // Japanese captions read the same way.
    expect(previewText(message('m2', 2, { kind: 'media', text: '旅行の写真', file: file('photo.png') }))).toBe('📎 photo.png — 旅行の写真');
  });

  it('shows the name alone when there is no caption, and cuts at max', () => {
    expect(previewText(message('m1', 1, { kind: 'file', text: '', file: file('report.pdf') }))).toBe('📎 report.pdf');
    expect(previewText(message('m1', 1, { kind: 'file', text: '  \n ', file: file('report.pdf') }))).toBe('📎 report.pdf');
    expect(previewText(message('m1', 1, { kind: 'file', text: 'long caption', file: file('a.pdf') }), 9)).toBe('📎 a.pdf —'.slice(0, 9));
    expect(previewText(message('m3', 3, { text: 'hello there' }), 5)).toBe('hello');
  });
});
