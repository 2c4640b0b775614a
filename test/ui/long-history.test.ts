import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { tempDir } from '../helpers/test-engines.js';
import { seedHistory } from './seed-history.js';
import { expectFieldError, addOfflineContacts, firstRun, inViewport, launchChromium, openUser, screenshot, type UiUser } from './ui-kit.js';

const COUNT = 20_000;
const DAY = 86_400_000;
/** The pages run in Tokyo time; "a local day" in these checks is a Tokyo day. */
const TIME_ZONE = 'Asia/Tokyo';
const NEEDLE_AT = 6_000;

function tokyoDate(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

/** How many message elements the list has in the DOM right now. */
function renderedCount(page: Page): Promise<number> {
  return page.locator('article.message').count();
}

/**
 * A chat with a long history (20,000 messages over 20 days, seeded into the store): the list only
 * renders what is near the viewport, pages older messages in while scrolling up, marks where
 * unread messages begin, separates local days, finds a message by search, and opens a chosen day.
 */
describe('a long chat history', () => {
  let browser: Browser;
  let dir: ReturnType<typeof tempDir>;
  let alice: UiUser;
  let newestAt = 0;

  beforeAll(async () => {
    dir = tempDir('kizuna-ui-');
    browser = await launchChromium();
    alice = await openUser({ root: dir.path, name: 'alice', browser });
    await firstRun(alice.page, 'Alice');
    const people = await addOfflineContacts(alice, dir.path, ['bob', 'carol']);
    const group = await alice.invoke('groups.create', { name: 'History', members: people, mode: 'none' });
    const self = (await alice.invoke('identity.get', {}))?.userId ?? '';
    // Not before the group's creation, so the seeded newest message is its last activity.
    newestAt = Date.now();
    seedHistory(alice.core.engine, {
      groupId: group.groupId,
      count: COUNT,
      newestAt,
      spanMs: 20 * DAY,
      senders: [people[0] as string, self, people[1] as string],
      texts: { [NEEDLE_AT]: 'the needle in the haystack', [COUNT - 1]: 'the very latest message' },
      unread: 4,
    });
    await alice.page.reload();
    await alice.page.getByRole('heading', { name: 'Chats', level: 1 }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await alice?.close();
    await browser?.close();
    dir?.cleanup();
  });

  it('opens at the newest message with the unread marker, rendering only a window of it', async () => {
    const page = alice.page;
    const entry = page.getByRole('button', { name: /^History/ });
    await entry.getByText('4 unread').waitFor();
    await entry.click();
    await page.locator('article.message').filter({ hasText: 'the very latest message' }).waitFor();
    await page.getByRole('separator', { name: 'New messages' }).waitFor();
    expect(await renderedCount(page)).toBeLessThan(120);
    // The chat is at its end and visible, so it was read.
    await entry.getByText('4 unread').waitFor({ state: 'detached' });
    await screenshot(page, 'chat-history-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'chat-history-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('pages older messages in while scrolling up, keeping the DOM small', async () => {
    const page = alice.page;
    const list = page.getByRole('feed');
    /** The number (#n) of the oldest message in the DOM. */
    const oldestRendered = async (): Promise<number> => {
      const texts = await page.locator('article.message .message-text').allTextContents();
      return Math.min(...texts.map((t) => Number(/^#(\d+)/.exec(t)?.[1] ?? Infinity)));
    };
    const startedAt = await oldestRendered();
    expect(startedAt).toBeGreaterThan(COUNT - 200);
    // Each scroll to the top asks for the page before; wait for it to be laid out, not for a time.
    // A poll can see a page half laid out, so scroll until 1,500 messages are behind us (each
    // scroll must bring older ones in), within twenty scrolls.
    for (let i = 0; i < 20 && (await oldestRendered()) >= COUNT - 1_500; i++) {
      const before = await oldestRendered();
      await list.evaluate((el) => {
        el.scrollTop = 0;
      });
      await expect.poll(oldestRendered, { timeout: 10_000 }).toBeLessThan(before);
    }
    // Over 1,500 messages up, still only a window of them in the DOM.
    expect(await oldestRendered()).toBeLessThan(COUNT - 1_500);
    expect(await renderedCount(page)).toBeLessThan(150);
    await screenshot(page, 'chat-history-scrolled-light');
    await page.getByRole('button', { name: 'Jump to latest' }).click();
    await page.locator('article.message').filter({ hasText: 'the very latest message' }).waitFor();
  });

  it('finds an old message by search and opens the history around it', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'Search messages' });
    await panel.getByLabel('Search all chats').fill('needle');
    const hit = panel.getByRole('list', { name: 'Search results' }).getByRole('button', { name: /needle in the haystack/ });
    await hit.click();
    const found = page.locator('article.message.highlighted').filter({ hasText: 'the needle in the haystack' });
    await found.waitFor();
    // Held in view while the heights around it are measured.
    await expect.poll(() => inViewport(found, page.getByRole('feed'))).toBe(true);
    await screenshot(page, 'chat-search-light');
    await page.getByRole('button', { name: 'Jump to latest' }).waitFor();
    // Search happens as you type: clearing the text clears the results rather than asking with no words.
    await panel.getByLabel('Search all chats').fill('');
    await panel.getByRole('list', { name: 'Search results' }).waitFor({ state: 'detached' });
    await panel.getByRole('button', { name: 'Close' }).click();
  });

  it('jumps to a local day, and says so next to the date when that day is empty', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Jump to date' }).click();
    const panel = page.getByRole('complementary', { name: 'Jump to a date' });
    const date = panel.getByLabel('Date');
    const fiveDaysAgo = newestAt - 5 * DAY;
    await date.fill(tokyoDate(fiveDaysAgo));
    await panel.getByRole('button', { name: 'Go' }).click();
    const dayLabel = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(fiveDaysAgo);
    await page.getByRole('separator', { name: dayLabel }).waitFor();
    const first = page.locator('article.message.highlighted');
    await first.waitFor();
    await expect.poll(() => inViewport(first, page.getByRole('feed'))).toBe(true);

    await date.fill(tokyoDate(newestAt - 40 * DAY));
    await panel.getByRole('button', { name: 'Go' }).click();
    await expectFieldError(date, /No messages on this day/);
    await panel.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Jump to latest' }).click();
    await page.locator('article.message').filter({ hasText: 'the very latest message' }).waitFor();
  });

  it('stays at the newest message while a burst of messages arrives', async () => {
    const page = alice.page;
    const feed = page.getByRole('feed');
    await page.locator('article.message').filter({ hasText: 'the very latest message' }).waitFor();
    const groupId = (await alice.invoke('groups.list', {})).find((g) => g.name === 'History')?.groupId ?? '';
    // Sent as fast as the core takes them: each is a live 'message' event for the open chat.
    for (let i = 0; i < 400; i++) await alice.invoke('messages.sendText', { groupId, text: `burst ${i}` });
    const last = page.locator('article.message').filter({ hasText: 'burst 399' });
    await last.waitFor();
    await expect.poll(() => inViewport(last, feed)).toBe(true);
    expect(await renderedCount(page)).toBeLessThan(150);
    expect(await page.getByRole('button', { name: 'Jump to latest' }).count()).toBe(0);
  });
});
