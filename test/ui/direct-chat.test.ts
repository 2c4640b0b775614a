import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { SlimNodeHandle } from '../../main/core/slim-node/slim-node-launcher.js';
import { createSlimTestKit, type SlimTestKit } from '../helpers/slim-test-kit.js';
import { tempDir } from '../helpers/test-engines.js';
import { firstRun, launchChromium, openUser, screenshot, type UiUser } from './ui-kit.js';

/** Two people who just swapped cards start a one-to-one chat in the UI (real cores, real node, Chromium). */
describe('a direct chat through the UI', () => {
  let kit: SlimTestKit;
  let node: SlimNodeHandle;
  let browser: Browser;
  let dir: ReturnType<typeof tempDir>;
  let alice: UiUser;
  let bob: UiUser;

  beforeAll(async () => {
    dir = tempDir('kizuna-ui-');
    kit = createSlimTestKit();
    node = await kit.startNode();
    browser = await launchChromium();
    [alice, bob] = await Promise.all([
      openUser({ root: dir.path, name: 'alice', browser, nodeEndpoint: node.endpoint }),
      openUser({ root: dir.path, name: 'bob', browser, nodeEndpoint: node.endpoint }),
    ]);
  }, 60_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await screenshot(alice.page, 'failed-direct-alice').catch(() => undefined);
    await screenshot(bob.page, 'failed-direct-bob').catch(() => undefined);
  });

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await browser?.close();
    await kit?.dispose();
    dir?.cleanup();
  });

  async function swapCard(from: Page, to: Page, name: string): Promise<void> {
    await from.getByRole('button', { name: 'Contacts' }).click();
    await from.getByRole('button', { name: 'Copy card' }).click();
    await from.getByRole('status').getByText('Copied').waitFor();
    const card = String(await from.evaluate('navigator.clipboard.readText()'));
    await to.getByRole('button', { name: 'Contacts' }).click();
    await to.getByLabel('Contact card or kizuna:// link').fill(card);
    await to.getByRole('button', { name: 'Add contact' }).click();
    await to.getByRole('list', { name: 'Your contacts' }).getByText(name, { exact: true }).waitFor();
  }

  it('swaps cards, starts a chat with one contact, and both talk', async () => {
    const a = alice.page;
    const b = bob.page;
    await Promise.all([firstRun(a, 'Alice'), firstRun(b, 'Bob')]);
    await swapCard(a, b, 'Alice');
    await swapCard(b, a, 'Bob');
    for (const p of [a, b]) await p.locator('.connection-banner[data-state="online"]').waitFor({ timeout: 20_000 });

    await a.getByRole('button', { name: 'Chats' }).click();
    await a.getByRole('button', { name: 'New chat' }).click();
    const dialog = a.getByRole('dialog', { name: 'New chat' });
    await dialog.getByRole('group', { name: 'Chat with' }).getByLabel('Bob').check();
    await screenshot(a, 'direct-chat-new-light');
    await dialog.getByRole('button', { name: 'Start chat' }).click();
    // Alice's chat is titled with Bob's name, and says it is direct.
    await a.getByRole('heading', { name: 'Bob', level: 1 }).waitFor();
    await a.locator('.chat-subtitle').getByText('Direct chat').waitFor();
    // The timeline says what happened, from each side's point of view.
    await a.getByRole('note').getByText('You created Alice & Bob').waitFor();

    await b.getByRole('button', { name: 'Chats' }).click();
    const invitation = b.getByRole('listitem', { name: /^Invitation to / });
    await invitation.waitFor({ timeout: 20_000 });
    await invitation.getByRole('button', { name: 'Accept' }).click();
    await b.getByRole('heading', { name: 'Alice', level: 1 }).waitFor();
    await b.getByRole('note').getByText('Alice created Alice & Bob').waitFor();
    await b.getByLabel('Message', { exact: true }).waitFor({ timeout: 20_000 });
    await expect
      .poll(async () => (await alice.invoke('groups.list', {})).every((g) => g.members.every((m) => m.status === 'joined')), { timeout: 20_000 })
      .toBe(true);

    const aComposer = a.getByLabel('Message', { exact: true });
    await aComposer.fill('Hi Bob, just us two');
    await aComposer.press('Enter');
    await b.locator('article.message.theirs').filter({ hasText: 'Hi Bob, just us two' }).waitFor({ timeout: 15_000 });
    const bComposer = b.getByLabel('Message', { exact: true });
    await bComposer.fill('Hi Alice');
    await bComposer.press('Enter');
    await a.locator('article.message.theirs').filter({ hasText: 'Hi Alice' }).waitFor({ timeout: 15_000 });
    // Bob's open chat read Alice's message.
    await a.locator('article.message.mine').filter({ hasText: 'Hi Bob, just us two' }).and(a.locator('[data-send-state="read"]')).waitFor({ timeout: 15_000 });

    // The chat list shows the other person's name on each side.
    await a.getByRole('list', { name: 'Groups' }).getByText('Bob', { exact: true }).waitFor();
    await b.getByRole('list', { name: 'Groups' }).getByText('Alice', { exact: true }).waitFor();
    // No adding or removing in a direct chat's details.
    await a.getByRole('button', { name: 'Group details' }).click();
    const details = a.getByRole('complementary', { name: 'Group details' });
    await details.getByRole('list', { name: /^Members/ }).getByText('Bob').waitFor();
    expect(await details.getByRole('group', { name: 'Add members' }).count()).toBe(0);
    expect(await details.getByRole('button', { name: 'Remove' }).count()).toBe(0);
    // A rename shows as a line on both sides, after the messages it followed.
    await details.getByLabel('Group name').fill('Us two');
    await details.getByRole('button', { name: 'Rename' }).click();
    await b.getByRole('note').getByText('Alice renamed the group to Us two').waitFor({ timeout: 15_000 });
    await a.getByRole('note').getByText('You renamed the group to Us two').waitFor();
    await screenshot(a, 'direct-chat-light');
    await a.getByRole('button', { name: 'Close' }).click();
  });
});
