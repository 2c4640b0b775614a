import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Engine } from '../../main/core/engine/engine.js';
import { createKeyFileWrapper } from '../../main/core/crypto/local-key/key-file-wrapper.js';
import type { KeyWrapper } from '../../main/core/crypto/local-key/key-wrapper.js';

/** A temporary profile folder, removed by `cleanup`. */
export function tempDir(prefix = 'kizuna-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestProfile {
  name: string;
  dir: string;
  wrapper: KeyWrapper;
}

/** A profile with a random key-file key (fast to open; the passphrase path has its own tests). */
export function testProfile(root: string, name: string): TestProfile {
  return { name, dir: join(root, name), wrapper: createKeyFileWrapper(new Uint8Array(randomBytes(32))) };
}

export async function openProfile(p: TestProfile, now?: () => number): Promise<Engine> {
  return Engine.open({ dataDir: p.dir, keyWrapper: p.wrapper, ...(now === undefined ? {} : { now }) });
}

/** Opens a profile (on its own clock if `now` is given) and creates its identity. */
export async function newUser(root: string, name: string, now?: () => number): Promise<{ engine: Engine; profile: TestProfile }> {
  const profile = testProfile(root, name);
  const engine = await openProfile(profile, now);
  engine.createIdentity({ displayName: name });
  return { engine, profile };
}

/** Makes everyone a contact of everyone (exchanging cards, as users do by copy and paste). */
export function introduce(...engines: Engine[]): void {
  for (const a of engines) {
    for (const b of engines) {
      if (a === b) continue;
      const card = b.getIdentity()?.card;
      if (card === undefined) throw new Error('no identity');
      if (!a.listContacts().some((c) => c.userId === b.getIdentity()?.userId)) a.addContact(card);
    }
  }
}

export function userId(e: Engine): string {
  const id = e.getIdentity()?.userId;
  if (id === undefined) throw new Error('no identity');
  return id;
}

/**
 * Waits until every engine sees the group at the admin's current epoch (MLS commits travel like any
 * message: a member who sends before processing one writes in the epoch before it).
 */
export async function waitForSameEpoch(groupId: string, admin: Engine, others: Engine[], timeoutMs = 10_000): Promise<void> {
  const epoch = admin.getGroup(groupId).epoch;
  await Promise.all(
    others.map(async (e) => {
      if (e.getGroup(groupId).epoch >= epoch) return;
      await e.events.waitFor('group', (g) => g.groupId === groupId && g.epoch >= epoch, timeoutMs);
    }),
  );
}
