import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWeb } from '../../../main/host/browser/web-main.js';
import { openProfileKey } from '../../../main/host/profile-key.js';
import { KizunaApp } from '../../../main/host/sdk/kizuna-app.js';
import { tempDir } from '../../helpers/test-engines.js';

/** The error a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; message?: string };
  }
  throw new Error('expected a failure');
}

describe('one key-location rule for every host (profile-key.ts)', () => {
  let dir: ReturnType<typeof tempDir>;
  let rendererDir: string;
  const web = (dataDir: string, extra: { keyFile?: string; log?: (l: string) => void } = {}) =>
    runWeb({ dataDir, rendererDir, buildRenderer: false, offline: true, env: {}, log: () => undefined, ...extra });

  beforeAll(() => {
    dir = tempDir('kizuna-profile-key-');
    rendererDir = join(dir.path, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><html><head></head></html>');
  });
  afterAll(() => dir.cleanup());

  it('kizuna web and the CLI/SDK open the same profile with the same owner-only key inside the folder', async () => {
    const dataDir = join(dir.path, 'shared');
    const first = await web(dataDir);
    try {
      first.core.engine.createIdentity({ displayName: 'Both' });
    } finally {
      await first.close();
    }
    expect(statSync(join(dataDir, 'local.key')).mode & 0o777).toBe(0o600);
    expect(existsSync(`${dataDir}.key`)).toBe(false);
    const app = await KizunaApp.create({ dataDir, offline: true });
    try {
      expect(app.identity.displayName).toBe('Both');
    } finally {
      await app.close();
    }
    const again = await web(dataDir);
    await again.close();
  });

  it('moves an old-layout web key (<dir>.key) into the folder once, owner-only, and says so', async () => {
    const dataDir = join(dir.path, 'old-web');
    const legacy = `${dataDir}.key`;
    const old = await web(dataDir, { keyFile: legacy }); // how earlier versions laid it out
    try {
      old.core.engine.createIdentity({ displayName: 'Old' });
    } finally {
      await old.close();
    }
    const legacyKey = readFileSync(legacy, 'utf8');
    const lines: string[] = [];
    const migrated = await web(dataDir, { log: (l) => lines.push(l) });
    try {
      expect(migrated.core.engine.getIdentity()?.displayName).toBe('Old');
    } finally {
      await migrated.close();
    }
    expect(existsSync(legacy)).toBe(false);
    expect(readFileSync(join(dataDir, 'local.key'), 'utf8')).toBe(legacyKey);
    expect(statSync(join(dataDir, 'local.key')).mode & 0o777).toBe(0o600);
    expect(lines.filter((l) => l.includes('moved the key file'))).toEqual([`moved the key file ${legacy} into the profile: ${join(dataDir, 'local.key')}`]);
    // The CLI/SDK finds it too, and nothing is moved a second time.
    const app = await KizunaApp.create({ dataDir, offline: true });
    await app.close();
    const later: string[] = [];
    await (await web(dataDir, { log: (l) => later.push(l) })).close();
    expect(later.some((l) => l.includes('moved'))).toBe(false);
  });

  it('a wrong key file names where it was looked for; a missing one is not created for an existing profile', async () => {
    const dataDir = join(dir.path, 'elsewhere');
    const realKey = join(dir.path, 'keys', 'real.key');
    mkdirSync(join(dir.path, 'keys'));
    const made = await web(dataDir, { keyFile: realKey });
    made.core.engine.createIdentity({ displayName: 'Kept apart' });
    await made.close();

    // The default place holds no key: the error names it, and no stray key file is left there.
    const inside = join(dataDir, 'local.key');
    const missing = await failure(KizunaApp.create({ dataDir, offline: true }));
    expect(missing.code).toBe('KEY_PROVIDER_FAILED');
    expect(missing.message).toContain(inside);
    expect(existsSync(inside)).toBe(false);
    const missingWeb = await failure(web(dataDir));
    expect(missingWeb.message).toContain(inside);
    expect(existsSync(inside)).toBe(false);

    // A key file that exists but is another profile's: the error names that file.
    const otherKey = join(dir.path, 'keys', 'other.key');
    await (await web(join(dir.path, 'other'), { keyFile: otherKey })).close();
    const wrong = await failure(KizunaApp.create({ dataDir, keyFile: otherKey, offline: true }));
    expect(wrong.code).toBe('STORE_WRONG_KEY');
    expect(wrong.message).toBe(`The key file ${otherKey} does not open this profile.`);
  });

  it('a new profile whose opening fails keeps no key file behind', async () => {
    const dataDir = join(dir.path, 'never');
    const key = await openProfileKey({ dataDir, env: {} });
    expect(key.keyFile).toBe(join(dataDir, 'local.key'));
    expect(existsSync(join(dataDir, 'local.key'))).toBe(true);
    await key.discardIfUnused(); // the profile never wrote its key record
    expect(existsSync(join(dataDir, 'local.key'))).toBe(false);
  });
});
