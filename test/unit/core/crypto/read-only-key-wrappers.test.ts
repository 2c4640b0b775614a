import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '../../../../main/core/encoding/base64url.js';
import { createKeyFileWrapper } from '../../../../main/core/crypto/local-key/key-file-wrapper.js';
import { createPassphraseWrapper } from '../../../../main/core/crypto/local-key/passphrase-wrapper.js';
import { readOnlyKeyFileWrapper, readOnlyPassphraseWrapper } from '../../../../main/core/crypto/local-key/read-only-key-wrappers.js';
import { loadSodium } from '../../../../main/core/crypto/sodium.js';

const dir = mkdtempSync(join(tmpdir(), 'kizuna-ro-wrap-'));
const dataKey = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
const cheap = { N: 2 ** 10, r: 8, p: 1 };

describe('read-only key wrappers (CLI read path, no libsodium)', () => {
  beforeAll(async () => {
    await loadSodium();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('open what the key-file wrapper wrapped, and only with that file', async () => {
    const fileKey = Uint8Array.from({ length: 32 }, (_, i) => i);
    const record = await createKeyFileWrapper(fileKey).wrap(dataKey);
    writeFileSync(join(dir, 'good.key'), toBase64Url(fileKey) + '\n');
    expect(await (await readOnlyKeyFileWrapper(join(dir, 'good.key'))).unwrap(record)).toEqual(dataKey);
    writeFileSync(join(dir, 'other.key'), toBase64Url(new Uint8Array(32).fill(9)) + '\n');
    await expect((await readOnlyKeyFileWrapper(join(dir, 'other.key'))).unwrap(record)).rejects.toMatchObject({ code: 'STORE_WRONG_KEY' });
  });

  it('never create a key file, and say which file is missing or malformed', async () => {
    await expect(readOnlyKeyFileWrapper(join(dir, 'missing.key'))).rejects.toThrow(/missing\.key cannot be read/);
    writeFileSync(join(dir, 'short.key'), 'abc\n');
    await expect(readOnlyKeyFileWrapper(join(dir, 'short.key'))).rejects.toMatchObject({ code: 'KEY_PROVIDER_FAILED' });
    await expect((await readOnlyKeyFileWrapper(join(dir, 'good.key'))).wrap(dataKey)).rejects.toMatchObject({ code: 'KEY_PROVIDER_FAILED' });
  });

  it('open what the passphrase wrapper wrapped, and refuse another passphrase', async () => {
    const record = await createPassphraseWrapper('correct horse', cheap).wrap(dataKey);
    expect(await readOnlyPassphraseWrapper('correct horse').unwrap(record)).toEqual(dataKey);
    await expect(readOnlyPassphraseWrapper('wrong horse').unwrap(record)).rejects.toMatchObject({ code: 'STORE_WRONG_KEY' });
  });
});
