import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { SlimNodeHandle } from '../../main/core/slim-node/slim-node-launcher.js';
import { CoreProcess } from '../helpers/core-process.js';
import { createSlimTestKit, type SlimTestKit } from '../helpers/slim-test-kit.js';
import { tempDir } from '../helpers/test-engines.js';
import { firstRun, launchChromium, openUser, pollUntil, screenshot, type UiUser } from './ui-kit.js';

/**
 * Offline-first through the UI: with the SLIM node stopped, a message is written into the outbox
 * and shows "Sending" (pending); the banner says offline; once the node is back the session layer
 * delivers it and the UI shows it delivered. A message cancelled while offline shows "Not sent"
 * with Retry, and a retried one is pending again and delivered like the first.
 */
describe('offline sending through the UI', () => {
  let kit: SlimTestKit;
  let node: SlimNodeHandle;
  let browser: Browser;
  let dir: ReturnType<typeof tempDir>;
  let alice: UiUser;
  let bob: UiUser;
  let carol: CoreProcess;
  let groupId = '';

  beforeAll(async () => {
    dir = tempDir('kizuna-ui-');
    kit = createSlimTestKit();
    node = await kit.startNode();
    browser = await launchChromium();
    [alice, bob] = await Promise.all([
      openUser({ root: dir.path, name: 'alice', browser, nodeEndpoint: node.endpoint }),
      openUser({ root: dir.path, name: 'bob', browser, nodeEndpoint: node.endpoint }),
    ]);
    carol = new CoreProcess(dir.path, 'carol', node.endpoint);
    await carol.start();
    await Promise.all([firstRun(alice.page, 'Alice'), firstRun(bob.page, 'Bob'), carol.invoke('identity.create', { displayName: 'Carol' })]);
    const cards = await Promise.all([alice.invoke('identity.get', {}), bob.invoke('identity.get', {}), carol.invoke('identity.get', {})]);
    const [a, b, c] = cards.map((i) => i?.card ?? '') as [string, string, string];
    for (const card of [b, c]) await alice.invoke('contacts.add', { card });
    for (const card of [a, c]) await bob.invoke('contacts.add', { card });
    for (const card of [a, b]) await carol.invoke('contacts.add', { card });
    for (const u of [alice, bob]) await u.page.locator('.connection-banner[data-state="online"]').waitFor({ timeout: 20_000 });

    // The group is set up through the contract; this test is about what happens offline.
    const ids = [cards[1]?.userId ?? '', cards[2]?.userId ?? ''];
    const carolInvited = carol.waitFor('invitation', (i) => i.state === 'pending', 20_000);
    const group = await alice.invoke('groups.create', { name: 'Offline test', members: ids, mode: 'mls' });
    groupId = group.groupId;
    await carolInvited;
    await pollUntil(() => bob.invoke('invitations.list', {}), (l) => l.length === 1, 'bob invited');
    await bob.invoke('invitations.accept', { groupId });
    await carol.invoke('invitations.accept', { groupId });
    await pollUntil(() => alice.invoke('groups.get', { groupId }), (g) => g.members.every((m) => m.status === 'joined'), 'all joined');
    const epoch = (await alice.invoke('groups.get', { groupId })).epoch;
    await pollUntil(() => bob.invoke('groups.get', { groupId }), (g) => g.epoch >= epoch, 'bob at epoch');
    await carol.until(() => carol.invoke('groups.get', { groupId }), (g) => g.epoch >= epoch, 20_000, 'carol at epoch');
  }, 90_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await screenshot(alice.page, 'failed-offline-alice').catch(() => undefined);
    await screenshot(bob.page, 'failed-offline-bob').catch(() => undefined);
  });

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await carol?.close();
    await browser?.close();
    await kit?.dispose();
    dir?.cleanup();
  });

  it('sends while the node is down: pending, then delivered when it is back', async () => {
    const a = alice.page;
    await a.getByRole('button', { name: /^Offline test/ }).click();
    await a.getByRole('heading', { name: 'Offline test', level: 1 }).waitFor();
    const composer = a.getByLabel('Message', { exact: true });

    const endpoint = node.endpoint;
    await node.stop();
    await a.locator('.connection-banner:not([data-state="online"])').waitFor({ timeout: 15_000 });

    await composer.fill('written while offline');
    await composer.press('Enter');
    const offline = a.locator('article.message.mine').filter({ hasText: 'written while offline' });
    await offline.and(a.locator('[data-send-state="pending"]')).waitFor();
    await offline.getByText('Sending').waitFor();

    // A second message is cancelled while waiting: "Not sent" with Retry; retried, it waits again.
    await composer.fill('second thoughts');
    await composer.press('Enter');
    const second = a.locator('article.message.mine').filter({ hasText: 'second thoughts' });
    await second.and(a.locator('[data-send-state="pending"]')).waitFor();
    await second.hover();
    await second.getByRole('button', { name: 'Cancel sending' }).click();
    await second.and(a.locator('[data-send-state="failed"]')).waitFor();
    await second.getByText('Not sent').waitFor();
    await screenshot(a, 'chat-offline-light');
    await a.emulateMedia({ colorScheme: 'dark' });
    await screenshot(a, 'chat-offline-dark');
    await a.emulateMedia({ colorScheme: 'light' });
    await second.getByRole('button', { name: 'Retry' }).click();
    await second.and(a.locator('[data-send-state="pending"]')).waitFor();

    node = await kit.startNode({ endpoint });
    await a.locator('.connection-banner[data-state="online"]').waitFor({ timeout: 30_000 });
    await offline.and(a.locator('[data-send-state="delivered"]')).waitFor({ timeout: 30_000 });
    await second.and(a.locator('[data-send-state="delivered"]')).waitFor({ timeout: 30_000 });

    // Bob has not opened the chat: both wait for him as unread in his list, then in the chat.
    const bobEntry = bob.page.getByRole('button', { name: /^Offline test/ });
    await bobEntry.getByText('2 unread').waitFor({ timeout: 15_000 });
    await bobEntry.getByText('Alice: second thoughts').waitFor();
    await bobEntry.click();
    await bob.page.locator('article.message.theirs').filter({ hasText: 'written while offline' }).waitFor();
    // Opening the chat reads it: the badge goes and Alice sees her messages read by Bob.
    await bobEntry.getByText('2 unread').waitFor({ state: 'detached' });
    await offline.getByRole('button', { name: 'Read by 1' }).waitFor({ timeout: 15_000 });
  });
});
