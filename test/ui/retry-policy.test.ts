import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { tempDir } from '../helpers/test-engines.js';
import { expectFieldError, addOfflineContacts, firstRun, launchChromium, openUser, screenshot, type UiUser } from './ui-kit.js';

/**
 * Seed 000's max_retries and timeout per group, in the UI: set under "Advanced" when creating a group,
 * changed in the group's details, with out-of-range values shown next to their field (English and
 * Japanese) and the stored policy read back from the core.
 */
describe('per-group retry policy in the UI', () => {
  let browser: Browser;
  let dir: ReturnType<typeof tempDir>;
  let alice: UiUser;

  beforeAll(async () => {
    dir = tempDir('kizuna-ui-');
    browser = await launchChromium();
    alice = await openUser({ root: dir.path, name: 'alice', browser });
    await firstRun(alice.page, 'Alice');
    await addOfflineContacts(alice, dir.path, ['bob', 'carol']);
    await alice.page.reload();
    await alice.page.getByRole('heading', { name: 'Chats', level: 1 }).waitFor();
  });

  afterAll(async () => {
    await alice?.close();
    await browser?.close();
    dir?.cleanup();
  });

  it('creates a group with its own retries, and changes them in the details', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'New group' }).click();
    const dialog = page.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill('Patient group');
    const members = dialog.getByRole('group', { name: 'Members' });
    await members.getByLabel('Bob').check();
    await members.getByLabel('Carol').check();
    await dialog.getByText('Advanced').click();
    const retries = dialog.getByLabel('Retries', { exact: true });
    const interval = dialog.getByLabel('Retry interval (seconds)');
    await retries.fill('101');
    await interval.fill('0.05');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await expectFieldError(retries, /whole number from 0 to 100/);
    await expectFieldError(interval, /from 0\.1 to 600/);
    await screenshot(page, 'create-group-retry-policy-invalid-light');
    expect(await alice.invoke('groups.list', {})).toEqual([]);

    await retries.fill('3');
    await interval.fill('2.5');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Patient group', level: 1 }).waitFor();
    const [group] = await alice.invoke('groups.list', {});
    expect(group?.retryPolicy).toEqual({ maxRetries: 3, timeoutMs: 2500 });

    await page.getByRole('button', { name: 'Group details' }).click();
    const panel = page.getByRole('complementary', { name: 'Group details' });
    const panelRetries = panel.getByLabel('Retries', { exact: true });
    const panelInterval = panel.getByLabel('Retry interval (seconds)');
    await expect.poll(() => panelRetries.inputValue()).toBe('3');
    expect(await panelInterval.inputValue()).toBe('2.5');

    await panelInterval.fill('601');
    await panel.getByRole('button', { name: 'Save retries' }).click();
    await expectFieldError(panelInterval, /from 0\.1 to 600/);
    await panelRetries.fill('7');
    await panelInterval.fill('');
    await panel.getByRole('button', { name: 'Save retries' }).click();
    await panel.getByText('Saved.').waitFor();
    expect((await alice.invoke('groups.get', { groupId: group?.groupId ?? '' })).retryPolicy).toEqual({ maxRetries: 7, timeoutMs: null });
    await screenshot(page, 'group-details-retry-policy-light');
  });

  it('says the same in Japanese', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Language').selectOption('ja');
    await page.getByRole('heading', { name: '設定', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'チャット' }).click();
    await page.getByRole('button', { name: '新しいグループ' }).click();
    const dialog = page.getByRole('dialog', { name: '新しいグループ' });
    await dialog.getByText('詳細設定').click();
    const retries = dialog.getByLabel('再送回数');
    await retries.fill('-1');
    await dialog.getByLabel('再送間隔（秒）').fill('abc');
    await dialog.getByRole('button', { name: 'グループを作成' }).click();
    await expectFieldError(retries, /0〜100 の整数/);
    await expectFieldError(dialog.getByLabel('再送間隔（秒）'), /0\.1〜600 の秒数/);
    await screenshot(page, 'create-group-retry-policy-invalid-ja');
    await dialog.getByRole('button', { name: 'キャンセル' }).click();
    await page.getByRole('button', { name: '設定', exact: true }).click();
    await page.getByLabel('言語').selectOption('en');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  });
});
