import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyFileWrapper } from '../../../../main/core/crypto/local-key/key-file-wrapper.js';
import { createPassphraseWrapper } from '../../../../main/core/crypto/local-key/passphrase-wrapper.js';
import { loadSodium } from '../../../../main/core/crypto/sodium.js';
import { Engine } from '../../../../main/core/engine/engine.js';
import { MIGRATIONS } from '../../../../main/core/store/migrations/index.js';
import { expectCode } from '../../../helpers/expect-code.js';
import { tempDir } from '../../../helpers/test-engines.js';
import { engineContextOf } from '../../../../main/core/engine/engine-internals.js';

const FAST_SCRYPT = { N: 2 ** 12, r: 8, p: 1 };

describe('the local store at rest', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    await loadSodium();
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('opens with the right passphrase and refuses a wrong one with a clear error', async () => {
    const e = await Engine.open({ dataDir: dir.path, keyWrapper: createPassphraseWrapper('correct horse', FAST_SCRYPT) });
    e.createIdentity({ displayName: 'ann' });
    await e.close();
    await expectCode(Engine.open({ dataDir: dir.path, keyWrapper: createPassphraseWrapper('wrong horse', FAST_SCRYPT) }), 'STORE_WRONG_KEY');
    const again = await Engine.open({ dataDir: dir.path, keyWrapper: createPassphraseWrapper('correct horse', FAST_SCRYPT) });
    expect(again.getIdentity()?.displayName).toBe('ann');
    await again.close();
  });

  it('refuses a key file that is not the profile\'s, and a profile protected another way', async () => {
    const key = new Uint8Array(randomBytes(32));
    const e = await Engine.open({ dataDir: dir.path, keyWrapper: createKeyFileWrapper(key) });
    e.createIdentity({ displayName: 'ann' });
    await e.close();
    await expectCode(Engine.open({ dataDir: dir.path, keyWrapper: createKeyFileWrapper(new Uint8Array(randomBytes(32))) }), 'STORE_WRONG_KEY');
    await expectCode(Engine.open({ dataDir: dir.path, keyWrapper: createPassphraseWrapper('x', FAST_SCRYPT) }), 'STORE_WRONG_KEY');
  });

  it('keeps private keys sealed: the database file holds no secret key bytes', async () => {
    const key = new Uint8Array(randomBytes(32));
    const e = await Engine.open({ dataDir: dir.path, keyWrapper: createKeyFileWrapper(key) });
    e.createIdentity({ displayName: 'ann' });
    const secret = Buffer.from(engineContextOf(e).self().signSecret.subarray(0, 32));
    const boxSecret = Buffer.from(engineContextOf(e).self().boxSecret);
    await e.close();
    const { readFileSync, readdirSync } = await import('node:fs');
    for (const f of readdirSync(dir.path).filter((n) => n.startsWith('kizuna.db'))) {
      const bytes = readFileSync(`${dir.path}/${f}`);
      expect(bytes.includes(secret)).toBe(false);
      expect(bytes.includes(boxSecret)).toBe(false);
    }
  });

  it('lets one engine at a time open a profile', async () => {
    const wrapper = createKeyFileWrapper(new Uint8Array(randomBytes(32)));
    const e = await Engine.open({ dataDir: dir.path, keyWrapper: wrapper });
    await expectCode(Engine.open({ dataDir: dir.path, keyWrapper: wrapper }), 'PROFILE_IN_USE');
    await e.close();
    const again = await Engine.open({ dataDir: dir.path, keyWrapper: wrapper });
    await again.close();
  });

  it('numbers its migrations 1..n without gaps and refuses a database from a newer version', async () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    const wrapper = createKeyFileWrapper(new Uint8Array(randomBytes(32)));
    const e = await Engine.open({ dataDir: dir.path, keyWrapper: wrapper });
    e.store.db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    await e.close();
    await expectCode(Engine.open({ dataDir: dir.path, keyWrapper: wrapper }), 'STORE_NEWER_SCHEMA');
  });

  it('restores an identity from its exported backup, and refuses a wrong passphrase', async () => {
    const wrapper = createKeyFileWrapper(new Uint8Array(randomBytes(32)));
    const e = await Engine.open({ dataDir: `${dir.path}/a`, keyWrapper: wrapper });
    const original = e.createIdentity({ displayName: 'ann', slimName: 'org/ns/ann' });
    const backup = await e.exportIdentity('a long passphrase');
    await e.close();
    const fresh = await Engine.open({ dataDir: `${dir.path}/b`, keyWrapper: wrapper });
    await expectCode(fresh.restoreIdentity(backup.content, 'not the passphrase'), 'IDENTITY_FILE_INVALID');
    await expectCode(fresh.restoreIdentity('{"nope":1}', 'a long passphrase'), 'IDENTITY_FILE_INVALID');
    const restored = await fresh.restoreIdentity(backup.content, 'a long passphrase');
    expect(restored.userId).toBe(original.userId);
    expect(restored.slimName).toBe('org/ns/ann');
    expect(restored.card).toBe(original.card);
    await fresh.close();
  });
});
