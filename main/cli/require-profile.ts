import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KizunaError } from '../../shared/errors/kizuna-error.js';

/**
 * Commands that do not create an identity only read a profile: on a folder without one they must
 * say so and leave the disk alone (opening would create the folder, a database and a key file).
 */
export function requireExistingProfile(dataDir: string): void {
  if (existsSync(join(dataDir, 'kizuna.db'))) return;
  throw new KizunaError('PROFILE_NOT_FOUND', `There is no Kizuna profile in ${resolve(dataDir)}: create one with \`kizuna identity create --name NAME --data-dir ${dataDir}\`, or pick the profile's folder with --data-dir.`);
}
