/** The repository's own files, for the build tests that read the sources (not dependencies, not build output). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set(['node_modules', 'dist', 'release', '.git', '.tmp', 'coverage']);

/** Every file below `dir` whose name `accept`s, skipping dependencies and build output. */
export function filesBelow(dir: string, accept: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesBelow(path, accept));
    else if (accept(entry.name)) out.push(path);
  }
  return out;
}
