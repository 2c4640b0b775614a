import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { toStorageError } from '../../../shared/errors/storage-errors.js';
import { isAlive } from './process-alive.js';

/**
 * One engine per profile at a time. Two processes on one profile would each cache MLS states and
 * could encrypt twice with the same ratchet generation; the lock file (with the holder's pid, stale
 * ones cleared) makes the second one a clear error instead.
 */
export interface ProfileLock {
  release(): void;
}

const held = new Set<string>();

export function lockProfile(dataDir: string): ProfileLock {
  const path = join(dataDir, 'engine.lock');
  if (held.has(path)) throw new KizunaError('PROFILE_IN_USE');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 });
      held.add(path);
      return {
        release: () => {
          held.delete(path);
          rmSync(path, { force: true });
        },
      };
    } catch (err) {
      // A read-only or foreign profile folder: say so instead of an errno.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw toStorageError(err, path);
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new KizunaError('PROFILE_IN_USE', undefined, { pid });
      rmSync(path, { force: true }); // left behind by a process that is gone (or by us before a crash)
    }
  }
  throw new KizunaError('PROFILE_IN_USE');
}
