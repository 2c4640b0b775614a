import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { newUser, tempDir } from '../helpers/test-engines.js';
import { expectFieldError, addOfflineContacts, firstRun, launchChromium, openUser, screenshot, type UiUser } from './ui-kit.js';

/** Blocking, backing up and restoring an identity, the settings that change the look, and the keyboard. */
describe('contacts, identity backup and the keyboard', () => {
  let browser: Browser;
  let dir: ReturnType<typeof tempDir>;
  let alice: UiUser;
  let backup = '';

  beforeAll(async () => {
    dir = tempDir('kizuna-ui-');
    browser = await launchChromium();
    alice = await openUser({ root: dir.path, name: 'alice', browser });
    await firstRun(alice.page, 'Alice');
  });

  afterAll(async () => {
    await alice?.close();
    await browser?.close();
    dir?.cleanup();
  });

  it('blocks a contact, lists them as blocked, and unblocks them', async () => {
    const page = alice.page;
    const { engine } = await newUser(dir.path, 'mallory');
    const card = engine.getIdentity()?.card ?? '';
    await engine.close();
    await page.getByRole('button', { name: 'Contacts' }).click();
    await page.getByLabel('Contact card or kizuna:// link').fill(card);
    await page.getByRole('button', { name: 'Add contact' }).click();
    const contacts = page.getByRole('list', { name: 'Your contacts' });
    await contacts.getByText('mallory', { exact: true }).waitFor();

    // The same card again is refused next to the field.
    await page.getByLabel('Contact card or kizuna:// link').fill(card);
    await page.getByRole('button', { name: 'Add contact' }).click();
    await expectFieldError(page.getByLabel('Contact card or kizuna:// link'), /already in your contacts/);

    // Blocking asks first: Cancel leaves mallory a contact; only the dialog's Block blocks.
    await contacts.getByRole('button', { name: 'Block mallory' }).click();
    const confirm = page.getByRole('dialog', { name: 'Block mallory?' });
    await confirm.getByText('nothing they send will reach you').waitFor();
    await screenshot(page, 'contacts-confirm-block-light');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await alice.invoke('contacts.listBlocked', {})).length).toBe(0);
    await contacts.getByRole('button', { name: 'Block mallory' }).click();
    await confirm.getByRole('button', { name: 'Block', exact: true }).click();
    const blocked = page.getByRole('list', { name: 'Blocked people' });
    await blocked.getByText('mallory', { exact: true }).waitFor();
    await page.getByText('No contacts yet. Paste a card above to add someone.').waitFor();
    // Unblocking does not make them a contact again; their card does.
    await page.getByRole('button', { name: 'Unblock mallory' }).click();
    await page.getByText('Nobody is blocked.').waitFor();
    await page.getByLabel('Contact card or kizuna:// link').fill(card);
    await page.getByRole('button', { name: 'Add contact' }).click();
    await contacts.getByText('mallory', { exact: true }).waitFor();
  });

  it('exports the identity from settings and restores it in a new profile', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Settings' }).click();
    const pass = page.getByLabel('Passphrase (at least 8 characters)');
    await pass.fill('correct horse battery');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export identity' }).click()]);
    backup = readFileSync(await download.path(), 'utf8');
    await page.getByRole('status').filter({ hasText: /^Saved .+\./ }).waitFor();
    await screenshot(page, 'settings-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'settings-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    const fresh = await openUser({ root: dir.path, name: 'alice-restored', browser });
    try {
      const p = fresh.page;
      await p.getByRole('tab', { name: 'Restore from a backup' }).click();
      await p.getByLabel('Identity backup file').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/json', buffer: Buffer.from(backup) });
      await p.getByLabel('Backup passphrase').fill('wrong passphrase');
      await p.getByRole('button', { name: 'Restore identity' }).click();
      await expectFieldError(p.getByLabel('Identity backup file'), /cannot be restored/);
      await screenshot(p, 'first-run-restore-error-light');
      await p.getByLabel('Backup passphrase').fill('correct horse battery');
      await p.getByRole('button', { name: 'Restore identity' }).click();
      await p.getByRole('heading', { name: 'Chats', level: 1 }).waitFor();
      const restored = await fresh.invoke('identity.get', {});
      const original = await alice.invoke('identity.get', {});
      expect(restored?.userId).toBe(original?.userId);
      expect(restored?.displayName).toBe('Alice');
    } finally {
      await fresh.close();
    }
  });

  it('follows the system theme unless one is chosen in settings', async () => {
    const page = alice.page;
    const theme = (): Promise<string | null> => page.locator('html').getAttribute('data-theme');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(theme).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(theme).toBe('light');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(theme).toBe('dark');
    await page.getByLabel('Theme').selectOption('system');
    await expect.poll(theme).toBe('light');
  });

  it('is usable from the keyboard: dialogs take and give back focus, lists move with arrows', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Chats' }).click();
    const newGroup = page.getByRole('button', { name: 'New group' });
    await newGroup.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New group' });
    await dialog.waitFor();
    // Focus starts in the name field, Tab stays inside the dialog, Escape closes it.
    await expect.poll(() => dialog.getByLabel('Group name').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    for (let i = 0; i < 12; i++) await page.keyboard.press('Tab');
    expect(await dialog.evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => newGroup.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);

    // Two groups to move between (contacts first: a group needs two people besides Alice).
    await addOfflineContacts(alice, dir.path, ['dan', 'erin']);
    const contacts = await alice.invoke('contacts.list', {});
    const members = contacts.filter((c) => c.displayName !== 'mallory').map((c) => c.userId);
    await alice.invoke('groups.create', { name: 'First', members, mode: 'none' });
    await alice.invoke('groups.create', { name: 'Second', members, mode: 'none' });
    const list = page.getByRole('list', { name: 'Groups' });
    await list.getByRole('button', { name: /^First/ }).waitFor();
    await list.getByRole('button', { name: /^Second/ }).focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => list.getByRole('button', { name: /^First/ }).evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'First', level: 1 }).waitFor();
    // The focused control shows a visible focus ring.
    const outline = await list.getByRole('button', { name: /^First/ }).evaluate((el) => el.ownerDocument.defaultView.getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe('none');
  });

  it('speaks Japanese from the first screen when the system language is Japanese', async () => {
    const ja = await openUser({ root: dir.path, name: 'hanako', browser, locale: 'ja-JP' });
    try {
      await ja.page.getByRole('heading', { name: 'Kizuna へようこそ' }).waitFor();
      expect(await ja.page.locator('html').getAttribute('lang')).toBe('ja');
      await ja.page.getByRole('button', { name: 'ID を作成' }).click();
      await expectFieldError(ja.page.getByLabel('あなたの名前'), /名前は 1〜64 文字にしてください/);
    } finally {
      await ja.close();
    }
  });
});
