import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { tempDir } from '../helpers/test-engines.js';
import { describedText, expectFieldError, addOfflineContacts, firstRun, launchChromium, openUser, screenshot, type UiUser } from './ui-kit.js';

/** A port nothing listens on: one the system just handed out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Each kind of bad input gets its own sentence, next to its field, not "not in the expected form". */
describe('specific error text in the UI', () => {
  let browser: Browser;
  let dir: ReturnType<typeof tempDir>;
  let alice: UiUser;

  beforeAll(async () => {
    dir = tempDir('kizuna-ui-');
    browser = await launchChromium();
    alice = await openUser({ root: dir.path, name: 'alice', browser });
    await firstRun(alice.page, 'Alice');
    await addOfflineContacts(alice, dir.path, ['Bob']);
  });

  afterAll(async () => {
    await alice?.close();
    await browser?.close();
    dir?.cleanup();
  });

  const nodeSection = (page: Page) => page.locator('section.card-section').filter({ has: page.getByRole('heading', { name: /^(Node|ノード)$/ }) });

  it('says a short export passphrase is too short', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Settings' }).click();
    const pass = page.getByLabel('Passphrase (at least 8 characters)');
    await pass.fill('short');
    await page.getByRole('button', { name: 'Export identity' }).click();
    await expectFieldError(pass, /Choose a passphrase of at least 8 characters/);
    expect(await describedText(pass)).not.toMatch(/expected form/);
  });

  it('refuses a bad node address with what an address looks like, before saving it', async () => {
    const page = alice.page;
    const section = nodeSection(page);
    await section.getByLabel('A remote SLIM node').check();
    const address = section.getByLabel('Node address');
    await address.fill('not an address');
    await section.getByRole('button', { name: 'Save', exact: true }).click();
    await expectFieldError(address, /A node address looks like http:\/\/host:port/);
    expect((await alice.invoke('settings.get', {})).node.mode).toBe('embedded');
  });

  it('tests an unreachable node before saving, says so, and saves only when asked', async () => {
    const page = alice.page;
    const section = nodeSection(page);
    const address = section.getByLabel('Node address');
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    await address.fill(endpoint);
    await section.getByRole('button', { name: 'Save', exact: true }).click();
    await expectFieldError(address, /No SLIM node could be reached at this address/);
    expect((await alice.invoke('settings.get', {})).node.mode).toBe('embedded');
    await screenshot(page, 'settings-node-unreachable-light');
    await section.getByRole('button', { name: 'Save anyway' }).click();
    await section.getByRole('status').getByText('Saved.').waitFor();
    expect((await alice.invoke('settings.get', {})).node).toEqual({ mode: 'remote', remoteEndpoint: endpoint });
    expect(await address.getAttribute('aria-invalid')).toBeNull();
  });

  it('says an oversized contact card is too long to be a card', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Contacts' }).click();
    const card = page.getByLabel('Contact card or kizuna:// link');
    await card.fill(`kizuna:contact:v1:${'A'.repeat(17 * 1024)}`);
    await page.getByRole('button', { name: 'Add contact' }).click();
    await expectFieldError(card, /too long to be a contact card/);
    await screenshot(page, 'contacts-card-too-long-light');
  });

  it('clears a composer error once the text is edited', async () => {
    const page = alice.page;
    const [bob] = await alice.invoke('contacts.list', {});
    await alice.invoke('groups.create', { name: '', members: [bob?.userId ?? ''], direct: true });
    await page.reload();
    await page.getByRole('heading', { name: 'Chats', level: 1 }).waitFor();
    await page.getByRole('button', { name: /^Bob/ }).first().click();
    await page.getByRole('heading', { name: 'Bob', level: 1 }).waitFor();
    const text = page.getByLabel('Message', { exact: true });
    await text.fill('   ');
    await text.press('Enter');
    await expectFieldError(text, /Write something first/);
    await text.fill('hello');
    await expect.poll(() => text.getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('.composer .field-error').count()).toBe(0);
  });

  it("clears a file's error once text is typed, and any composer error on switching chats (issue 11)", async () => {
    const page = alice.page;
    const [carol] = await addOfflineContacts(alice, dir.path, ['Carol']);
    const [bob] = await alice.invoke('contacts.list', {});
    await alice.invoke('groups.create', { name: 'Club', members: [bob?.userId ?? '', carol ?? ''], mode: 'sealed' });
    await page.getByRole('button', { name: /^Bob/ }).first().click();
    await page.getByRole('heading', { name: 'Bob', level: 1 }).waitFor();
    const errors = page.locator('.composer .field-error');
    // A name the core refuses (over 255 characters): the error shows under the composer.
    await page.locator('.composer input[type="file"]').setInputFiles({ name: `${'n'.repeat(300)}.txt`, mimeType: 'text/plain', buffer: Buffer.from('x') });
    const preview = page.getByRole('dialog', { name: 'Send a file' });
    await preview.getByRole('button', { name: 'Send' }).click();
    await errors.filter({ hasText: 'This file name cannot be sent.' }).waitFor();
    const text = page.getByLabel('Message', { exact: true });
    await text.pressSequentially('h');
    await expect.poll(() => errors.count()).toBe(0);
    // A text error, then another chat and back: the composer starts clean.
    await text.fill('   ');
    await text.press('Enter');
    await expectFieldError(text, /Write something first/);
    await page.getByRole('button', { name: /^Club/ }).first().click();
    await page.getByRole('heading', { name: 'Club', level: 1 }).waitFor();
    expect(await errors.count()).toBe(0);
    await page.getByRole('button', { name: /^Bob/ }).first().click();
    await page.getByRole('heading', { name: 'Bob', level: 1 }).waitFor();
    expect(await errors.count()).toBe(0);
    expect(await page.getByLabel('Message', { exact: true }).getAttribute('aria-invalid')).toBeNull();
  });

  it('makes links clickable, asks with the whole address, and opens them outside the app only when confirmed', async () => {
    const page = alice.page;
    const site = createHttpServer((_req, res) => res.end('a page outside Kizuna'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    try {
      const address = site.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/docs?q=kizuna`;
      const text = page.getByLabel('Message', { exact: true });
      await text.fill(`Read ${url}. Then call me`);
      await text.press('Enter');
      const message = page.locator('article.message.mine').filter({ hasText: 'Then call me' });
      const link = message.getByRole('link', { name: url });
      // Built as an element from the parsed text: the address, and not the full stop after it.
      expect(await link.getAttribute('href')).toBe(url);
      const appUrl = page.url();
      const opened: string[] = [];
      alice.context.on('page', (p) => opened.push(p.url()));

      await link.click();
      const dialog = page.getByRole('dialog', { name: 'Open this link?' });
      await dialog.getByText(url, { exact: true }).waitFor();
      await screenshot(page, 'chat-link-confirm-light');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(opened).toEqual([]);

      await link.click();
      const popup = alice.context.waitForEvent('page');
      await dialog.getByRole('button', { name: 'Open link' }).click();
      const outside = await popup;
      await outside.waitForURL(url);
      expect(await outside.evaluate('window.opener === null')).toBe(true);
      await outside.close();
      expect(page.url()).toBe(appUrl);
    } finally {
      await new Promise((resolve) => site.close(resolve));
    }
  });

  it('words replying to yourself and your own deletion of a chat as yours', async () => {
    const page = alice.page;
    const text = page.getByLabel('Message', { exact: true });
    await text.fill('hello');
    await text.press('Enter');
    const mine = page.locator('article.message.mine').filter({ hasText: 'hello' });
    await mine.hover();
    await mine.getByRole('button', { name: 'Reply' }).click();
    await page.getByText('Replying to yourself').waitFor();
    await text.fill('answering myself');
    await text.press('Enter');
    const reply = page.locator('article.message.mine').filter({ hasText: 'answering myself' });
    await reply.getByRole('button', { name: /^Reply to yourself/ }).waitFor();

    const [chat] = await alice.invoke('groups.list', {});
    await alice.invoke('groups.delete', { groupId: chat?.groupId ?? '' });
    await page.getByText('You deleted this group. You can still read its history.').waitFor();
    await page.getByRole('button', { name: /^Bob/ }).getByText('You deleted this group').waitFor();
    await screenshot(page, 'chat-deleted-by-you-light');
  });

  it('says the same in Japanese', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Language').selectOption('ja');
    await page.getByRole('heading', { name: '設定', level: 1 }).waitFor();
    const pass = page.getByLabel('パスフレーズ', { exact: false });
    await pass.fill('short');
    await page.getByRole('button', { name: 'ID をエクスポート' }).click();
    await expectFieldError(pass, /8文字以上/);
    const address = nodeSection(page).getByLabel('ノードのアドレス');
    await address.fill('::nope::');
    await nodeSection(page).getByRole('button', { name: '保存', exact: true }).click();
    await expectFieldError(address, /ノードのアドレスは/);
    await screenshot(page, 'settings-errors-ja-light');
    await page.getByRole('button', { name: 'チャット' }).click();
    await page.getByRole('button', { name: /^Bob/ }).first().click();
    await page.locator('article.message.mine').filter({ hasText: 'answering myself' }).getByRole('button', { name: /^自分への返信/ }).waitFor();
    await page.getByText('このグループを削除しました。履歴は引き続き読めます。').waitFor();
    await page.getByRole('button', { name: '設定' }).click();
    await page.getByLabel('言語').selectOption('en');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  });
});
