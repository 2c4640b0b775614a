import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { tempDir } from '../helpers/test-engines.js';
import { seedHistory } from './seed-history.js';
import { addOfflineContacts, firstRun, inViewport, launchChromium, openUser, recordRequests, screenshot, type UiUser } from './ui-kit.js';

const DAY = 86_400_000;

/**
 * Issue 11: search as you type across every chat, in Japanese too. Two chats (a group and a direct
 * chat) hold Japanese sentences among a few hundred others; typing finds both while typing, narrows
 * as the text grows, marks the words found, and a result in the other chat opens that chat at the
 * message, with the search still there.
 */
describe('searching all chats as you type', () => {
  let browser: Browser;
  let dir: ReturnType<typeof tempDir>;
  let alice: UiUser;
  let searches: unknown[] = [];

  beforeAll(async () => {
    dir = tempDir('kizuna-ui-');
    browser = await launchChromium();
    alice = await openUser({ root: dir.path, name: 'alice', browser });
    await firstRun(alice.page, 'Alice');
    const [bob, carol] = (await addOfflineContacts(alice, dir.path, ['bob', 'carol'])) as [string, string];
    const self = (await alice.invoke('identity.get', {}))?.userId ?? '';
    const trip = await alice.invoke('groups.create', { name: 'Trip', members: [bob, carol], mode: 'none' });
    const direct = await alice.invoke('groups.create', { name: '', members: [bob], direct: true });
    const now = Date.now();
    seedHistory(alice.core.engine, {
      groupId: trip.groupId,
      count: 300,
      newestAt: now,
      spanMs: DAY,
      senders: [bob, carol, self],
      texts: { 250: '東京タワーに行きました', 260: 'the quick brown fox' },
    });
    // Far back in the direct chat, so opening it needs the history around the message.
    seedHistory(alice.core.engine, { groupId: direct.groupId, count: 300, newestAt: now - 60_000, spanMs: DAY, senders: [bob, self], texts: { 10: '明日は東京で会議です' } });
    searches = recordRequests(alice.page, 'messages.search');
    await alice.page.reload();
    await alice.page.getByRole('heading', { name: 'Chats', level: 1 }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await alice?.close();
    await browser?.close();
    dir?.cleanup();
  });

  it('finds messages in two chats while typing, narrows as the text grows, and opens a result in its chat', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: /^Trip/ }).click();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'Search messages' });
    const field = panel.getByLabel('Search all chats');
    const results = panel.getByRole('list', { name: 'Search results' });
    const items = results.getByRole('listitem');

    // Two characters: shorter than a trigram, still found, in both chats, without pressing Enter.
    await field.pressSequentially('東京');
    await panel.getByRole('status').filter({ hasText: '2 messages found' }).waitFor();
    const inTrip = results.getByRole('button', { name: /Trip.*東京タワーに行きました/ });
    const inDirect = results.getByRole('button', { name: /^bob.*明日は東京で会議です/ });
    await inTrip.waitFor();
    await inDirect.waitFor();
    // Newest first, the words found marked in each.
    expect(await items.first().textContent()).toContain('東京タワー');
    expect(await results.locator('mark').allTextContents()).toEqual(['東京', '東京']);
    await screenshot(page, 'search-all-chats-light');

    // More text narrows the results while typing.
    await field.pressSequentially('タワー');
    await panel.getByRole('status').filter({ hasText: '1 message found' }).waitFor();
    await expect.poll(() => items.count()).toBe(1);
    expect(await results.locator('mark').allTextContents()).toEqual(['東京タワー']);

    // English, in the middle of a word; then clearing the text clears the results.
    await field.fill('uick');
    await results.getByRole('button', { name: /Trip.*the quick brown fox/ }).waitFor();
    await field.fill('');
    await results.waitFor({ state: 'detached' });

    await field.pressSequentially('東京');
    await inDirect.click();
    await page.getByRole('heading', { name: 'bob', level: 1 }).waitFor();
    const found = page.locator('article.message.highlighted').filter({ hasText: '明日は東京で会議です' });
    await found.waitFor();
    await expect.poll(() => inViewport(found, page.getByRole('feed'))).toBe(true);
    // The search stays open with its text and results, ready for the next one.
    expect(await field.inputValue()).toBe('東京');
    await inTrip.click();
    await page.getByRole('heading', { name: 'Trip', level: 1 }).waitFor();
    await page.locator('article.message.highlighted').filter({ hasText: '東京タワーに行きました' }).waitFor();
    await screenshot(page, 'search-all-chats-opened-light');

    // Every search sent was for words (blank text is never sent), and the last one for what is typed now.
    const texts = searches.map((s) => (s as { text: string }).text);
    expect(texts.every((t) => t.trim().length > 0)).toBe(true);
    expect(texts[texts.length - 1]).toBe('東京');
  });

  it('speaks Japanese when the app does', async () => {
    const page = alice.page;
    await alice.invoke('settings.set', { language: 'ja' });
    await page.reload();
    await page.getByRole('heading', { name: 'チャット', level: 1 }).waitFor();
    await page.getByRole('button', { name: /^Trip/ }).click();
    await page.getByRole('button', { name: '検索', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'メッセージを検索' });
    await panel.getByLabel('すべてのチャットを検索').pressSequentially('タワー');
    await panel.getByRole('status').filter({ hasText: '1 件のメッセージが見つかりました' }).waitFor();
    await panel.getByRole('list', { name: '検索結果' }).getByRole('button', { name: /東京タワーに行きました/ }).waitFor();
    await panel.getByLabel('すべてのチャットを検索').fill('ロンドン');
    await panel.getByRole('status').filter({ hasText: '一致するメッセージはありません。' }).waitFor();
  });
});
