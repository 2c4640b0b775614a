/**
 * docs/ARCHITECTURE.md's map matches the folders (issue 12): every folder below main/core, main/host,
 * shared and renderer is named in the map's tables for it, and every folder the tables name exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORE_FLOORS } from './core-floors.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const ROOTS = ['main/core', 'main/host', 'shared', 'renderer'];

/** Every folder below `dir`, as a path relative to it. */
function foldersBelow(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      return [path, ...foldersBelow(dir, path)];
    });
}

const cells = (row: string): string[] => row.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());

interface MapRow {
  /** The row's first cell (a floor's number in the floors table). */
  readonly first: string;
  /** The backticked names in its `folder`/`folders` cell. */
  readonly folders: string[];
}

/** The rows of the folder tables in the section whose heading starts with `folderRoot` (up to the next heading). */
function mapRows(doc: string, folderRoot: string): MapRow[] | undefined {
  const lines = doc.split('\n');
  const start = lines.findIndex((line) => /^#{2,4} /.test(line) && line.replace(/^#+ /, '').split(/[ ,]/)[0] === folderRoot);
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && /^#{1,6} /.test(line));
  const section = lines.slice(start + 1, end < 0 ? undefined : end);
  const rows: MapRow[] = [];
  let column = -1;
  for (const line of section) {
    if (!line.startsWith('|')) {
      column = -1;
      continue;
    }
    const row = cells(line);
    if (column < 0) {
      column = row.findIndex((c) => c === 'folder' || c === 'folders');
      continue;
    }
    if (/^-+$/.test(row[0] ?? '')) continue;
    const folders = [...(row[column] ?? '').matchAll(/`([^`]+)`/g)].map((match) => (match[1] ?? '').replace(/\/$/, ''));
    rows.push({ first: row[0] ?? '', folders });
  }
  return rows;
}

/** The folders the map names for `folderRoot`. */
function mappedFolders(doc: string, folderRoot: string): string[] | undefined {
  return mapRows(doc, folderRoot)?.flatMap((row) => row.folders);
}

/** What differs between the folders and the map: folders it leaves out, names of folders that do not exist. */
function mismatch(folders: readonly string[], mapped: readonly string[]): { unmapped: string[]; missing: string[] } {
  return { unmapped: folders.filter((f) => !mapped.includes(f)), missing: mapped.filter((m) => !folders.includes(m)) };
}

describe('the map in docs/ARCHITECTURE.md', () => {
  const doc = readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8');

  it.each(ROOTS)('names every folder below %s, and no folder that is not there', (folderRoot) => {
    const folders = foldersBelow(join(root, folderRoot));
    expect(folders.length).toBeGreaterThan(3);
    const mapped = mappedFolders(doc, folderRoot);
    expect(mapped, `a section headed "${folderRoot}" with a folder table`).toBeDefined();
    expect(mismatch(folders, mapped ?? [])).toEqual({ unmapped: [], missing: [] });
  });

  it('draws the floors of main/core as the import-boundaries test checks them', () => {
    const floors = (mapRows(doc, 'main/core') ?? []).filter((row) => /^\d+$/.test(row.first));
    const drawn = floors.map((row) => [Number(row.first), [...row.folders].sort()] as const).sort((a, b) => a[0] - b[0]);
    expect(drawn).toEqual(CORE_FLOORS.map((units, floor) => [floor, [...units].sort()] as const));
  });

  it('reads the tables it must read', () => {
    const probe = [
      '## main/core, floor by floor',
      '| floor | folders | what they hold |',
      '|---|---|---|',
      '| 1 | `a`, `b/` | things · `not/a/folder` |',
      '',
      '| folder | holds |',
      '|---|---|',
      '| `a/nested` | more |',
      '### The next section',
      '| folder | holds |',
      '|---|---|',
      '| `elsewhere` | not this root |',
    ].join('\n');
    const mapped = mappedFolders(probe, 'main/core');
    expect(mapped).toEqual(['a', 'b', 'a/nested']);
    expect(mismatch(['a', 'a/nested', 'c'], mapped ?? [])).toEqual({ unmapped: ['c'], missing: ['b'] });
    expect(mappedFolders(probe, 'renderer')).toBeUndefined();
  });
});
