import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../../main/core/crypto/sodium.js';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { loadOrCreateLocalKey } from '../../../../main/core/crypto/local-key/local-key-file.js';
import { applyDatabaseKey, deriveDatabaseKey } from '../../../../main/core/store/database-cipher.js';
import { isPlaintextDatabase, migrationCopyPath, opensUnder } from '../../../../main/core/store/database-reencryption.js';
import { expectCode } from '../../../helpers/expect-code.js';
import { introduce, newUser, openProfile, tempDir, userId, type TestProfile } from '../../../helpers/test-engines.js';

const MESSAGE = 'the eagle lands at midnight by the old mill';
const GROUP = 'Aardvark Conspiracy Society';
const CONTACT = 'Zebulon Quintessa';
const FILE_TEXT = 'quarterly numbers nobody may read 4711';
const SECRETS = [MESSAGE, GROUP, CONTACT, FILE_TEXT];

/** Every file under dir (database, WAL, shared memory, vault chunks, keys). */
function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? allFiles(path) : [path];
  });
}

/** Which secret appears in which file, in UTF-8 or UTF-16 (as SQLite may store text either way). */
function leaks(dir: string): string[] {
  const found: string[] = [];
  for (const file of allFiles(dir)) {
    const bytes = readFileSync(file);
    for (const s of SECRETS) {
      if (bytes.includes(Buffer.from(s, 'utf8')) || bytes.includes(Buffer.from(s, 'utf16le'))) found.push(`${file}: ${s}`);
    }
  }
  return found;
}

async function populate(root: string): Promise<{ ann: Engine; annProfile: TestProfile; others: Engine[]; groupId: string }> {
  const { engine: ann, profile: annProfile } = await newUser(root, 'ann');
  const { engine: zeb } = await newUser(root, CONTACT);
  const { engine: cy } = await newUser(root, 'cy');
  introduce(ann, zeb, cy);
  const group = await ann.createGroup({ name: GROUP, members: [userId(zeb), userId(cy)] });
  await ann.sendText(group.groupId, MESSAGE);
  await ann.sendFile(group.groupId, { name: 'report.txt', mime: 'text/plain', bytes: Buffer.from(FILE_TEXT) });
  return { ann, annProfile, others: [zeb, cy], groupId: group.groupId };
}

/** What populate() wrote, read back through the engine (a migrated profile keeps all of it). */
function expectEverythingKept(engine: Engine, groupId: string): void {
  expect(engine.getGroup(groupId).name).toBe(GROUP);
  expect(engine.latestMessages(groupId, 10).messages.map((m) => m.text)).toContain(MESSAGE);
  expect(engine.search('eagle').map((m) => m.text)).toEqual([MESSAGE]);
  expect(engine.listContacts().map((c) => c.displayName)).toContain(CONTACT);
}

/** A populated profile, closed: its database file and page key. */
async function closedProfile(root: string): Promise<{ annProfile: TestProfile; groupId: string; dbPath: string; key: Uint8Array }> {
  const { ann, annProfile, others, groupId } = await populate(root);
  await ann.close();
  for (const e of others) await e.close();
  const key = deriveDatabaseKey((await loadOrCreateLocalKey(annProfile.dir, annProfile.wrapper)).key);
  return { annProfile, groupId, dbPath: join(annProfile.dir, 'kizuna.db'), key };
}

/** Rewrites the database as the previous version wrote it: under the legacy page cipher (ChaCha20). */
function toLegacyCipher(dbPath: string, key: Uint8Array): void {
  const db = new Database(dbPath);
  applyDatabaseKey(db, key);
  db.pragma('journal_mode = DELETE');
  applyDatabaseKey(db, key, 'hexrekey', 'legacy');
  db.pragma('journal_mode = WAL');
  db.close();
}

describe('the store encrypted at rest', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    await loadSodium();
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('leaves no message text, group name, contact name or file content in any profile file', async () => {
    const { ann, annProfile, others, groupId } = await populate(dir.path);
    // The search index holds the words too; it must be searchable and still not on disk in clear.
    expect(ann.search('eagle').map((m) => m.text)).toEqual([MESSAGE]);
    expect(existsSync(join(annProfile.dir, 'kizuna.db-wal'))).toBe(true);
    expect(leaks(annProfile.dir)).toEqual([]);
    await ann.close();
    for (const e of others) await e.close();
    expect(leaks(annProfile.dir)).toEqual([]);
    const again = await openProfile(annProfile);
    expect(again.getGroup(groupId).name).toBe(GROUP);
    await again.close();
  });

  it('encrypts a plaintext profile from an older version in place, keeping everything, and clears a crashed copy', async () => {
    const { ann, annProfile, others, groupId } = await populate(dir.path);
    await ann.close();
    for (const e of others) await e.close();
    // Make the profile what an older version wrote: the same database, unencrypted.
    const dbPath = join(annProfile.dir, 'kizuna.db');
    const key = deriveDatabaseKey((await loadOrCreateLocalKey(annProfile.dir, annProfile.wrapper)).key);
    const db = new Database(dbPath);
    applyDatabaseKey(db, key);
    db.pragma('journal_mode = DELETE');
    db.pragma(`rekey = ''`);
    db.close();
    expect(isPlaintextDatabase(dbPath)).toBe(true);
    expect(readFileSync(dbPath).includes(Buffer.from(MESSAGE))).toBe(true);
    // A copy left by a crash in the middle of an earlier migration (it may hold plaintext).
    writeFileSync(migrationCopyPath(dbPath), readFileSync(dbPath));

    const reopened = await openProfile(annProfile);
    expectEverythingKept(reopened, groupId);
    expect(isPlaintextDatabase(dbPath)).toBe(false);
    expect(existsSync(migrationCopyPath(dbPath))).toBe(false);
    expect(statSync(dbPath).mode & 0o777).toBe(0o600);
    expect(leaks(annProfile.dir)).toEqual([]);
    await reopened.close();
  });

  it('refuses a database from another profile (another key) with the wrong-key error', async () => {
    const { ann, annProfile, others } = await populate(dir.path);
    await ann.close();
    for (const e of others) await e.close();
    const { engine: dan, profile: danProfile } = await newUser(dir.path, 'dan');
    await dan.close();
    copyFileSync(join(annProfile.dir, 'kizuna.db'), join(danProfile.dir, 'kizuna.db'));
    await expectCode(openProfile(danProfile), 'STORE_WRONG_KEY');
  });

  it('re-encrypts a profile under the legacy page cipher (ChaCha20) with AEGIS in place, keeping everything', async () => {
    const { annProfile, groupId, dbPath, key } = await closedProfile(dir.path);
    toLegacyCipher(dbPath, key);
    expect(opensUnder(dbPath, key, 'legacy')).toBe(true);
    expect(opensUnder(dbPath, key, 'current')).toBe(false);
    writeFileSync(migrationCopyPath(dbPath), readFileSync(dbPath));

    const reopened = await openProfile(annProfile);
    expectEverythingKept(reopened, groupId);
    await reopened.close();
    expect(opensUnder(dbPath, key, 'current')).toBe(true);
    expect(opensUnder(dbPath, key, 'legacy')).toBe(false);
    expect(existsSync(migrationCopyPath(dbPath))).toBe(false);
    expect(statSync(dbPath).mode & 0o777).toBe(0o600);
    expect(leaks(annProfile.dir)).toEqual([]);
  });

  it('leaves a legacy-cipher database of another profile untouched and refuses it with the wrong-key error', async () => {
    const { dbPath, key } = await closedProfile(dir.path);
    toLegacyCipher(dbPath, key);
    const { engine: dan, profile: danProfile } = await newUser(dir.path, 'dan');
    await dan.close();
    const danDb = join(danProfile.dir, 'kizuna.db');
    // Ann's legacy database, checkpointed into its one file, in place of Dan's.
    expect(opensUnder(dbPath, key, 'legacy')).toBe(true);
    for (const suffix of ['-wal', '-shm']) rmSync(danDb + suffix, { force: true });
    copyFileSync(dbPath, danDb);
    const before = readFileSync(danDb);
    await expectCode(openProfile(danProfile), 'STORE_WRONG_KEY');
    expect(readFileSync(danDb).equals(before)).toBe(true);
    expect(opensUnder(danDb, key, 'legacy')).toBe(true);
  });
});

