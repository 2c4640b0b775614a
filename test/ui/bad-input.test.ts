import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { tempDir } from '../helpers/test-engines.js';
import { expectFieldError, addOfflineContacts, firstRun, launchChromium, openUser, recordRequests, screenshot, type UiUser } from './ui-kit.js';

/**
 * Bad input typed into the UI reaches the core, and the core's refusal shows as a message next to
 * the field it concerns, in English and in Japanese.
 */
describe('bad input through the UI', () => {
  let browser: Browser;
  let dir: ReturnType<typeof tempDir>;
  let alice: UiUser;

  beforeAll(async () => {
    dir = tempDir('kizuna-ui-');
    browser = await launchChromium();
    alice = await openUser({ root: dir.path, name: 'alice', browser });
    await firstRun(alice.page, 'Alice');
    // Two contacts who never go online: enough for the member picker.
    await addOfflineContacts(alice, dir.path, ['bob', 'carol']);
    await alice.page.reload();
    await alice.page.getByRole('heading', { name: 'Chats', level: 1 }).waitFor();
  });

  afterAll(async () => {
    await alice?.close();
    await browser?.close();
    dir?.cleanup();
  });

  it('shows a malformed contact card as an error of the card field', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Contacts' }).click();
    const card = page.getByLabel('Contact card or kizuna:// link');
    await card.fill('kizuna:contact:v1:this-is-not-a-card');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await expectFieldError(card, /This contact card is not valid/);
    expect(await card.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'contacts-invalid-card-light');
  });

  it('shows empty and 51-character group names, and a one-member group, next to their fields', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Chats' }).click();
    await page.getByRole('button', { name: 'New group' }).click();
    const dialog = page.getByRole('dialog', { name: 'New group' });
    const name = dialog.getByLabel('Group name');
    const members = dialog.getByRole('group', { name: 'Members' });
    await members.getByLabel('Bob').check();
    await members.getByLabel('Carol').check();

    await dialog.getByRole('button', { name: 'Create group' }).click();
    await expectFieldError(name, /Give the group a name/);

    await name.fill('x'.repeat(51));
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await expectFieldError(name, /at most 50 characters/);
    await screenshot(page, 'create-group-name-too-long-light');

    await name.fill('Just two of us');
    await members.getByLabel('Carol').uncheck();
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await expectFieldError(members, /at least two people besides yourself/);
    // The name error is gone once the name is fine.
    expect(await name.getAttribute('aria-invalid')).toBeNull();

    // Fifty characters is allowed: with two members the group is created.
    await name.fill('y'.repeat(50));
    await members.getByLabel('Carol').check();
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'y'.repeat(50), level: 1 }).waitFor();
  });

  it('says the same in Japanese when the language is Japanese', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Language').selectOption('ja');
    await page.getByRole('heading', { name: '設定', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'チャット' }).click();
    await page.getByRole('button', { name: '新しいグループ' }).click();
    const dialog = page.getByRole('dialog', { name: '新しいグループ' });
    await dialog.getByRole('button', { name: 'グループを作成' }).click();
    await expectFieldError(dialog.getByLabel('グループ名'), /グループ名を入力してください/);
    await dialog.getByRole('button', { name: 'キャンセル' }).click();
    await page.getByRole('button', { name: '設定' }).click();
    await page.getByLabel('言語').selectOption('en');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  });

  it('tells its host which chat is on screen, and that none is when it leaves the chats', async () => {
    const page = alice.page;
    const [group] = await alice.invoke('groups.list', {});
    const shown = recordRequests(page, 'ui.setOpenChat');
    await page.reload();
    await page.getByRole('heading', { name: 'Chats', level: 1 }).waitFor();
    await page.getByRole('button', { name: new RegExp(`^${'y'.repeat(50)}`) }).click();
    await page.getByRole('heading', { name: 'y'.repeat(50), level: 1 }).waitFor();
    await expect.poll(() => shown).toEqual([{ groupId: group?.groupId }]);
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect.poll(() => shown).toEqual([{ groupId: group?.groupId }, { groupId: null }]);
  });
});
