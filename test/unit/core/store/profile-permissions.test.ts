import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyFileWrapper } from '../../../../main/core/crypto/local-key/key-file-wrapper.js';
import { loadSodium } from '../../../../main/core/crypto/sodium.js';
import { Engine } from '../../../../main/core/engine/engine.js';
import { tempDir } from '../../../helpers/test-engines.js';

/** Every entry under dir with its permission bits, paths relative to dir. */
function modes(dir: string, prefix = ''): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    const path = join(dir, entry.name);
    out.set(rel, statSync(path).mode & 0o777);
    if (entry.isDirectory()) for (const [k, v] of modes(path, rel)) out.set(k, v);
  }
  return out;
}

function expectOwnerOnly(root: string): Map<string, number> {
  expect(statSync(root).mode & 0o777).toBe(0o700);
  const all = modes(root);
  for (const [path, mode] of all) {
    const isDir = statSync(join(root, path)).isDirectory();
    expect({ path, mode: mode.toString(8) }).toEqual({ path, mode: (isDir ? 0o700 : 0o600).toString(8) });
  }
  return all;
}

describe('profile file modes', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    await loadSodium();
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('makes the profile folder 0700 and the database, its WAL, the keys, the lock and vault files 0600', async () => {
    const profile = join(dir.path, 'profile');
    const e = await Engine.open({ dataDir: profile, keyWrapper: createKeyFileWrapper(new Uint8Array(randomBytes(32))) });
    e.createIdentity({ displayName: 'ann' });
    const files = expectOwnerOnly(profile);
    // The files SQLite creates next to the database are covered too, while the engine has them open.
    expect([...files.keys()]).toEqual(expect.arrayContaining(['kizuna.db', 'kizuna.db-wal', 'kizuna.db-shm', 'engine.lock', 'files']));
    await e.close();
    expectOwnerOnly(profile);
  });

  it('tightens a profile that already exists with looser modes when it is opened', async () => {
    const profile = join(dir.path, 'profile');
    const wrapper = createKeyFileWrapper(new Uint8Array(randomBytes(32)));
    const first = await Engine.open({ dataDir: profile, keyWrapper: wrapper });
    first.createIdentity({ displayName: 'ann' });
    await first.close();
    mkdirSync(join(profile, 'files', 'abc'), { recursive: true });
    writeFileSync(join(profile, 'files', 'abc', '0'), 'x');
    chmodSync(profile, 0o755);
    chmodSync(join(profile, 'files'), 0o777);
    chmodSync(join(profile, 'files', 'abc'), 0o755);
    chmodSync(join(profile, 'files', 'abc', '0'), 0o666);
    for (const name of readdirSync(profile)) if (statSync(join(profile, name)).isFile()) chmodSync(join(profile, name), 0o644);

    const again = await Engine.open({ dataDir: profile, keyWrapper: wrapper });
    expect(again.getIdentity()?.displayName).toBe('ann');
    expectOwnerOnly(profile);
    await again.close();
  });
});
