/**
 * No source file over 400 lines (issue 12): a longer file holds more than one job and is split along
 * its seams. Tests and benchmarks count too.
 */
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { filesBelow } from './source-files.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const FOLDERS = ['main', 'shared', 'preload', 'renderer', 'scripts', 'bench', 'test'];
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs|css)$/;
const MAX_LINES = 400;

/** Lines as `wc -l` counts them, plus a last line without its newline. */
function lineCount(text: string): number {
  if (text === '') return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

describe('file length', () => {
  it('counts lines as wc -l does, and a last line without a newline', () => {
    expect(lineCount('')).toBe(0);
    expect(lineCount('a\n')).toBe(1);
    expect(lineCount('a\nb')).toBe(2);
    expect(lineCount('\n'.repeat(401))).toBe(401);
  });

  it(`keeps every TypeScript, JavaScript and CSS file of ${FOLDERS.join(', ')} at ${MAX_LINES} lines or fewer`, () => {
    const files = FOLDERS.flatMap((folder) => filesBelow(join(root, folder), (name) => SOURCE.test(name)));
    expect(files.length).toBeGreaterThan(300);
    const long = files
      .map((file) => ({ file: relative(root, file).split(sep).join('/'), lines: lineCount(readFileSync(file, 'utf8')) }))
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(long, 'split these files along their seams').toEqual([]);
  });
});
