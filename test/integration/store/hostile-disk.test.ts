import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateLocalKey } from '../../../main/core/crypto/local-key/local-key-file.js';
import { loadSodium } from '../../../main/core/crypto/sodium.js';
import type { Engine } from '../../../main/core/engine/engine.js';
import { DIRECT_MAX } from '../../../main/core/ingest/direct-intake.js';
import { applyDatabaseKey, deriveDatabaseKey } from '../../../main/core/store/database-cipher.js';
import type { StorageHealth } from '../../../main/core/store/storage-health.js';
import { toStorageError } from '../../../shared/errors/storage-errors.js';
import { expectCode } from '../../helpers/expect-code.js';
import { introduce, newUser, openProfile, tempDir, testProfile, userId, type TestProfile } from '../../helpers/test-engines.js';
import { fillDisk, tryMount, unmount } from '../../helpers/small-disk.js';

describe('the store on a hostile disk', () => {
  let dir: ReturnType<typeof tempDir>;
  let mounted: string[] = [];
  const engines: Engine[] = [];
  beforeEach(async () => {
    await loadSodium();
    dir = tempDir();
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close().catch(() => undefined);
    for (const m of mounted.splice(0)) unmount(m);
    mounted = [];
    dir.cleanup();
  });

  async function groupOf(profile: TestProfile): Promise<{ ann: Engine; groupId: string }> {
    const ann = await openProfile(profile);
    ann.createIdentity({ displayName: 'ann' });
    const { engine: zeb } = await newUser(dir.path, 'zeb');
    const { engine: cy } = await newUser(dir.path, 'cy');
    engines.push(ann, zeb, cy);
    introduce(ann, zeb, cy);
    const g = await ann.createGroup({ name: 'g', members: [userId(zeb), userId(cy)] });
    return { ann, groupId: g.groupId };
  }

  it('disk full: a typed error and a health event, reads keep working, writes resume when space returns', async () => {
    const disk = join(dir.path, 'disk');
    mkdirSync(disk);
    const real = tryMount(disk, 4096);
    if (real) mounted.push(disk);
    const profile = testProfile(disk, 'ann');
    const { ann, groupId } = await groupOf(profile);
    await ann.sendText(groupId, 'stored before the disk filled');
    const healths: StorageHealth[] = [];
    ann.events.on('storage', (h) => healths.push(h));
    // A real full filesystem where we may mount one; otherwise SQLite's own page limit, which
    // fails the same way (SQLITE_FULL) at the same place.
    const filler = real ? fillDisk(disk) : undefined;
    if (!real) ann.store.db.pragma(`max_page_count = ${Number(ann.store.db.pragma('page_count', { simple: true }))}`);

    let failure: unknown;
    for (let i = 0; i < 2000 && failure === undefined; i++) {
      await ann.sendText(groupId, `message ${i} ${'x'.repeat(2000)}`).catch((err: unknown) => (failure = err));
    }
    expect((failure as { code?: string }).code).toBe('STORAGE_FULL');
    expect((failure as Error).message).toMatch(/disk .* is full/);
    expect(ann.storageHealth().state).toBe('full');
    expect(healths.map((h) => h.state)).toEqual(['full']);
    // Received bytes that cannot be stored are not acknowledged (and do not crash the engine). A tick's batch
    // larger than direct intake takes must go into the inbox table first. On a real disk the WAL may have room
    // again by now (the checkpoint worker copies it into the database file and it starts over inside its own
    // file), so SQLite's page limit is set as well, and what still fitted is used up.
    if (filler !== undefined) {
      ann.store.db.pragma(`max_page_count = ${Number(ann.store.db.pragma('page_count', { simple: true }))}`);
      for (let i = 0, full = false; i < 2000 && !full; i++) {
        await ann.sendText(groupId, `after ${i} ${'x'.repeat(2000)}`).catch(() => (full = true));
      }
    }
    let acked = 0;
    for (let i = 0; i <= DIRECT_MAX; i++) void ann.receive(new Uint8Array(48 * 1024).fill(i + 1), 'network').then(() => (acked += 1));
    await new Promise((r) => setImmediate(r)); // the inbox writes what arrived in the next tick
    await new Promise((r) => setImmediate(r));
    expect(acked).toBe(0);
    // Reads keep working.
    expect(ann.latestMessages(groupId, 500).messages.some((m) => m.text === 'stored before the disk filled')).toBe(true);

    if (filler !== undefined) rmSync(filler);
    ann.store.db.pragma('max_page_count = 1073741823');
    const after = await ann.sendText(groupId, 'space is back');
    expect(ann.getMessage(after.id).text).toBe('space is back');
    expect(ann.storageHealth().state).toBe('ok');
    expect(healths.map((h) => h.state)).toEqual(['full', 'ok']);
  }, 60_000);

  it('read-only profile: opening says so with a typed error (the lock cannot be written)', async () => {
    const disk = join(dir.path, 'disk');
    mkdirSync(disk);
    const real = tryMount(disk, 4096);
    if (real) mounted.push(disk);
    const profile = testProfile(disk, 'ann');
    const first = await openProfile(profile);
    first.createIdentity({ displayName: 'ann' });
    await first.close();
    if (!real && process.getuid?.() === 0) {
      // Root without mount rights: permissions do not stop root, so the errors a read-only disk
      // raises are injected at the boundary that classifies them instead.
      for (const code of ['EROFS', 'EACCES', 'SQLITE_READONLY', 'SQLITE_CANTOPEN']) {
        expect((toStorageError(Object.assign(new Error(code), { code })) as { code?: string }).code).toBe('STORAGE_READ_ONLY');
      }
      return;
    }
    if (real) execFileSync('mount', ['-o', 'remount,ro', disk]);
    else execFileSync('chmod', ['0500', profile.dir]);
    const err = await openProfile(profile).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as { code?: string }).code).toBe('STORAGE_READ_ONLY');
    expect((err as Error).message).toMatch(/cannot write to your profile folder/);
    if (!real) execFileSync('chmod', ['0700', profile.dir]);
  });

  it('a database another process holds locked: a typed busy error, and the profile opens once it lets go', async () => {
    const profile = testProfile(dir.path, 'ann');
    const first = await openProfile(profile);
    first.createIdentity({ displayName: 'ann' });
    await first.close();
    const other = new Database(join(profile.dir, 'kizuna.db'));
    applyDatabaseKey(other, deriveDatabaseKey((await loadOrCreateLocalKey(profile.dir, profile.wrapper)).key));
    other.pragma('locking_mode = EXCLUSIVE');
    other.exec('BEGIN EXCLUSIVE');
    try {
      await expectCode(openProfile(profile), 'STORAGE_BUSY');
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    const again = await openProfile(profile);
    expect(again.getIdentity()?.displayName).toBe('ann');
    await again.close();
  }, 30_000);

  it('a corrupt database file: a typed error, not a crash or an empty profile', async () => {
    const profile = testProfile(dir.path, 'ann');
    const first = await openProfile(profile);
    first.createIdentity({ displayName: 'ann' });
    await first.close();
    writeFileSync(join(profile.dir, 'kizuna.db'), Buffer.alloc(64 * 1024, 0x5a));
    const err = await openProfile(profile).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(['STORE_WRONG_KEY', 'STORE_CORRUPT']).toContain((err as { code?: string }).code);
    expect((err as Error).message).toMatch(/damaged/);
  });
});
