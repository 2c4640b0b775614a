import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { startThreeMemberGroup, type ThreeMemberGroup } from './three-member-group.js';
import { screenshot, type UiUser } from './ui-kit.js';

/**
 * Offline-first through the UI: with the SLIM node stopped, a message is written into the outbox
 * and shows "Sending" (pending); the banner says offline; once the node is back the session layer
 * delivers it and the UI shows it delivered. A message cancelled while offline shows "Not sent"
 * with Retry, and a retried one is pending again and delivered like the first. Who is online follows
 * the members' heartbeats in the group's details.
 */
describe('offline sending through the UI', () => {
  let group: ThreeMemberGroup;
  let alice: UiUser;
  let bob: UiUser;

  beforeAll(async () => {
    group = await startThreeMemberGroup({ groupName: 'Offline test', mode: 'mls' });
    ({ alice, bob } = group);
  }, 90_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await screenshot(alice.page, 'failed-offline-alice').catch(() => undefined);
    await screenshot(bob.page, 'failed-offline-bob').catch(() => undefined);
  });

  afterAll(async () => {
    await group?.close();
  });

  it('sends while the node is down: pending, then delivered when it is back', async () => {
    const a = alice.page;
    await a.getByRole('button', { name: /^Offline test/ }).click();
    await a.getByRole('heading', { name: 'Offline test', level: 1 }).waitFor();
    const composer = a.getByLabel('Message', { exact: true });

    const endpoint = group.node.endpoint;
    await group.node.stop();
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

    group.node = await group.kit.startNode({ endpoint });
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

  it('marks members online as they are heard from, and takes the mark away from one who went quiet', async () => {
    const a = alice.page;
    await a.getByRole('button', { name: /^Offline test/ }).click();
    await a.getByRole('button', { name: 'Group details' }).click();
    const members = a.getByRole('complementary', { name: 'Group details' }).getByRole('list', { name: /^Members/ });
    const onlineMark = (name: string) => members.getByRole('listitem').filter({ hasText: name }).locator('.person-online');
    await onlineMark('Bob').waitFor({ timeout: 15_000 });
    await onlineMark('Carol').waitFor({ timeout: 15_000 });
    // We are online while connected (the banner says so too).
    await onlineMark('Alice').waitFor();
    // Carol's core stops: no more heartbeats, so Alice's session lets her go after the presence timeout. Only
    // that change reaches the UI (a presence event, not the group's view), and the UI must apply it.
    await group.carol.close();
    await onlineMark('Carol').waitFor({ state: 'detached', timeout: 15_000 });
    await onlineMark('Bob').waitFor();
    await a.getByRole('button', { name: 'Close' }).click();
  });
});
