import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeAll } from 'vitest';
import { createAtRestCipher } from '../../main/core/crypto/at-rest-cipher.js';
import { loadSodium } from '../../main/core/crypto/sodium.js';
import { openStore, type Store } from '../../main/core/store/store.js';
import { tempDir } from './test-engines.js';

/**
 * Registers the hooks of a describe block whose tests open real Stores: sodium loaded once, and after each test
 * every Store it opened closed and its folder removed. Returns the opener: a fresh Store (random keys) in a
 * folder of its own named after `prefix`.
 */
export function storeEachTest(prefix: string): () => Store {
  const cleanups: (() => void)[] = [];
  beforeAll(async () => {
    await loadSodium();
  });
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  return () => {
    const dir = tempDir(prefix);
    const s = openStore(join(dir.path, 'kizuna.db'), createAtRestCipher(randomBytes(32)), randomBytes(32));
    cleanups.push(() => s.close(), dir.cleanup);
    return s;
  };
}
