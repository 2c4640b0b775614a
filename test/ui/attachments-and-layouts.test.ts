import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makePng } from './png-fixture.js';
import { startThreeMemberGroup, type ThreeMemberGroup } from './three-member-group.js';
import { screenshot, type UiUser } from './ui-kit.js';

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box): boolean => a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;

async function box(l: Locator): Promise<Box> {
  const b = await l.boundingBox();
  expect(b, 'the element is rendered').not.toBeNull();
  return b as Box;
}

/** Whether the focused element lies inside the first `selector` (the page's own answer, at this moment). */
const focusInside = (page: Page, selector: string): Promise<boolean> => page.locator(selector).first().evaluate((el) => el.contains(el.ownerDocument.activeElement));

/** Where focus is now: in the chat, in the side panel, or elsewhere (one round trip per key press). */
const focusArea = (page: Page): Promise<'chat' | 'panel' | 'other'> =>
  page.locator('body').evaluate((body) => {
    const el = body.ownerDocument.activeElement;
    if (el?.closest('main.chat')) return 'chat';
    return el?.closest('aside.side-panel') ? 'panel' : 'other';
  });

const LONG_TEXT = 'The harbour lights came on one by one while we waited for the last ferry of the evening to arrive.';

/**
 * Issue 11 through the UI: a picked file is previewed with a caption before it goes (and the caption
 * arrives), the chat lays out without overlap at 1280, 720 and 420 px, a side panel overlays a narrow
 * chat (which is then inert) and the read-by list does not cover its message.
 */
describe('attachment preview and narrow layouts', () => {
  let group: ThreeMemberGroup;
  let alice: UiUser;
  let bob: UiUser;

  beforeAll(async () => {
    group = await startThreeMemberGroup({ groupName: 'Harbour', mode: 'mls' });
    ({ alice, bob } = group);
    for (const u of [alice, bob]) {
      await u.page.getByRole('button', { name: /^Harbour/ }).click();
      await u.page.getByLabel('Message', { exact: true }).waitFor();
    }
  }, 90_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const slug = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
    await screenshot(alice.page, `failed-${slug}-alice`).catch(() => undefined);
    await screenshot(bob.page, `failed-${slug}-bob`).catch(() => undefined);
  });

  afterAll(async () => {
    await group?.close();
  });

  it('previews a picked file: Cancel sends nothing, Send sends it with the caption Bob sees', async () => {
    const a = alice.page;
    const picker = a.locator('.composer input[type="file"]');
    const preview = a.getByRole('dialog', { name: 'Send a file' });

    await picker.setInputFiles({ name: 'minutes.txt', mimeType: 'text/plain', buffer: Buffer.alloc(1536, 'x') });
    await preview.getByText('minutes.txt').waitFor();
    await preview.getByText('1.5 KiB').waitFor();
    await preview.getByText('text/plain').waitFor();
    await preview.getByRole('button', { name: 'Cancel' }).click();
    await preview.waitFor({ state: 'detached' });

    // An "image" the browser cannot draw is described like any other file; Escape cancels too.
    await picker.setInputFiles({ name: 'scan.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
    await preview.getByText('image/png').waitFor();
    expect(await preview.getByRole('img').count()).toBe(0);
    await a.keyboard.press('Escape');
    await preview.waitFor({ state: 'detached' });

    await picker.setInputFiles({ name: 'harbour.png', mimeType: 'image/png', buffer: makePng(320, 200, [40, 120, 200]) });
    const thumbnail = preview.getByRole('img', { name: 'harbour.png' });
    await thumbnail.waitFor();
    await expect.poll(() => thumbnail.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(320);
    await preview.getByLabel('Caption').fill('Sunset at the harbour 🌅');
    await screenshot(a, 'attachment-preview');
    await preview.getByRole('button', { name: 'Send' }).click();
    await preview.waitFor({ state: 'detached' });

    const received = bob.page.locator('article.message.theirs').filter({ has: bob.page.locator('img[alt="harbour.png"]') });
    await received.getByText('Sunset at the harbour 🌅').waitFor({ timeout: 30_000 });
    await a.locator('article.message.mine').filter({ hasText: 'harbour.png' }).getByText('Sunset at the harbour 🌅').waitFor();
    // The chat list's last-message preview names the file and its caption (issue 11).
    await bob.page.locator(`.group-item[data-group-id="${group.groupId}"] .group-preview`).filter({ hasText: 'harbour.png — Sunset at the harbour 🌅' }).waitFor();
    // The caption is the file message's text at Bob's core, and the cancelled file never went out.
    const bobs = (await bob.invoke('messages.latest', { groupId: group.groupId, limit: 50 })).messages;
    expect(bobs.filter((m) => m.file !== null).map((m) => [m.file?.name, m.text])).toEqual([['harbour.png', 'Sunset at the harbour 🌅']]);
    const alices = (await alice.invoke('messages.latest', { groupId: group.groupId, limit: 50 })).messages;
    expect(alices.filter((m) => m.file !== null).map((m) => m.file?.name)).toEqual(['harbour.png']);
  });

  it('lays out at 1280, 720 and 420 px: nothing in the header overlaps, messages keep a readable width', async () => {
    const a = alice.page;
    await a.getByLabel('Message', { exact: true }).fill(LONG_TEXT);
    await a.getByLabel('Message', { exact: true }).press('Enter');
    const long = a.locator('article.message.mine').filter({ hasText: 'last ferry' }).locator('.message-text');
    await long.waitFor();

    for (const width of [1280, 720, 420]) {
      await a.setViewportSize({ width, height: 760 });
      const header = a.locator('.chat-header');
      const parts = [a.locator('#chat-title'), ...(await header.locator('.chat-actions button').all())];
      const boxes = await Promise.all(parts.map(box));
      const headerBox = await box(header);
      for (let i = 0; i < boxes.length; i++) {
        const bi = boxes[i] as Box;
        // Inside the header and the window.
        expect(bi.x, `part ${i} at ${width}`).toBeGreaterThanOrEqual(headerBox.x - 0.5);
        expect(bi.x + bi.width, `part ${i} at ${width}`).toBeLessThanOrEqual(Math.min(headerBox.x + headerBox.width, width) + 0.5);
        for (let j = i + 1; j < boxes.length; j++) expect(overlap(bi, boxes[j] as Box), `header parts ${i} and ${j} at ${width} px`).toBe(false);
      }
      // The title keeps room for a name, and the chat list does not run under the header.
      expect((boxes[0] as Box).width, `title width at ${width}`).toBeGreaterThanOrEqual(80);
      expect(overlap(headerBox, await box(a.locator('.sidebar'))), `header and chat list at ${width}`).toBe(false);
      // A long message reads as lines of words, not a column of letters.
      const text = await box(long);
      expect(text.width, `message width at ${width}`).toBeGreaterThanOrEqual(200);
      expect(text.x + text.width).toBeLessThanOrEqual(width + 0.5);
      expect((await box(a.getByLabel('Message', { exact: true }))).width, `composer width at ${width}`).toBeGreaterThanOrEqual(140);
      await screenshot(a, `layout-${width}`);
    }
  });

  it('overlays the side panel below the breakpoint: the chat is inert, Tab stays out of it, Escape closes', async () => {
    const a = alice.page;
    const opener = a.getByRole('button', { name: 'Group details' });
    const panel = a.getByRole('complementary', { name: 'Group details' });
    const chat = a.locator('main.chat');

    // Wide: beside the chat, which stays usable.
    await a.setViewportSize({ width: 1280, height: 760 });
    await opener.click();
    await panel.waitFor();
    expect((await box(panel)).x).toBeGreaterThanOrEqual((await box(chat)).x + (await box(chat)).width - 0.5);
    expect(await chat.getAttribute('inert')).toBeNull();
    await panel.getByRole('button', { name: 'Close' }).click();
    await panel.waitFor({ state: 'detached' });

    for (const width of [720, 420]) {
      await a.setViewportSize({ width, height: 760 });
      await opener.click();
      await panel.waitFor();
      expect(overlap(await box(panel), await box(chat)), `panel lies over the chat at ${width}`).toBe(true);
      expect(await chat.getAttribute('inert')).not.toBeNull();
      expect(await focusInside(a, 'aside.side-panel'), 'focus moved into the panel').toBe(true);
      await screenshot(a, `panel-overlay-${width}`);

      // Round the whole page by Tab (and back by Shift+Tab): the panel is reached, the chat never.
      let reachedPanel = 0;
      for (const key of ['Tab', 'Shift+Tab']) {
        for (let i = 0; i < 32; i++) {
          await a.keyboard.press(key);
          const area = await focusArea(a);
          expect(area, `${key} #${i + 1} at ${width} px reached the chat`).not.toBe('chat');
          if (area === 'panel') reachedPanel++;
        }
      }
      expect(reachedPanel).toBeGreaterThan(0);

      // Escape closes it wherever focus is (here: the chat list beside it), and the chat is usable again.
      await a.locator('.sidebar button.group-item').first().focus();
      await a.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
      expect(await chat.getAttribute('inert')).toBeNull();

      // From inside the panel, Escape closes it and focus goes back to the button that opened it.
      await opener.click();
      await panel.waitFor();
      await a.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
      await expect.poll(() => opener.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    }
    await a.setViewportSize({ width: 1280, height: 760 });
    // Many key presses, each a round trip to the page: slow on a loaded machine.
  }, 180_000);

  it('places the read-by list beside its message, never over it, at 1280 and 420 px', async () => {
    const a = alice.page;
    await a.getByLabel('Message', { exact: true }).fill('Who has read this?');
    await a.getByLabel('Message', { exact: true }).press('Enter');
    const mine = a.locator('article.message.mine').filter({ hasText: 'Who has read this?' });
    // Bob has the chat open at its end: he reads it, and Alice's message says so.
    const readBy = mine.getByRole('button', { name: 'Read by 1' });
    await readBy.waitFor({ timeout: 30_000 });

    for (const width of [1280, 420]) {
      await a.setViewportSize({ width, height: 760 });
      await readBy.click();
      const popover = mine.getByRole('region', { name: 'Read receipts' });
      await popover.getByText('Bob').waitFor();
      // Placed (until then it is measured unseen): the side it went to is on the element.
      await expect.poll(() => popover.getAttribute('data-side')).toMatch(/^(above|below|beside)$/);
      const [p, bubble, list] = await Promise.all([box(popover), box(mine.locator('.bubble')), box(a.locator('.virtual-list'))]);
      expect(overlap(p, bubble), `popover covers its message at ${width} px`).toBe(false);
      expect(p.y).toBeGreaterThanOrEqual(list.y - 0.5);
      expect(p.x).toBeGreaterThanOrEqual(list.x - 0.5);
      expect(p.x + p.width).toBeLessThanOrEqual(list.x + list.width + 0.5);
      await screenshot(a, `read-by-${width}`);
      await readBy.press('Escape');
      await popover.waitFor({ state: 'detached' });
    }
    await a.setViewportSize({ width: 1280, height: 760 });
  });

  it('previews in Japanese too', async () => {
    const b = bob.page;
    await b.getByRole('button', { name: 'Settings' }).click();
    await b.getByLabel('Language').selectOption('ja');
    await b.getByRole('heading', { name: '設定', level: 1 }).waitFor();
    await b.getByRole('button', { name: 'チャット' }).click();
    await b.getByRole('button', { name: /^Harbour/ }).click();
    await b.getByLabel('メッセージ', { exact: true }).waitFor();
    await b.locator('.composer input[type="file"]').setInputFiles({ name: 'memo.txt', mimeType: 'text/plain', buffer: Buffer.from('memo') });
    const preview = b.getByRole('dialog', { name: 'ファイルを送信' });
    await preview.getByLabel('キャプション').waitFor();
    await preview.getByText('種類').waitFor();
    await screenshot(b, 'attachment-preview-ja');
    await preview.getByRole('button', { name: 'キャンセル' }).click();
    await preview.waitFor({ state: 'detached' });
  });
});
