import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startThreeMemberGroup, type ThreeMemberGroup } from './three-member-group.js';
import { screenshot } from './ui-kit.js';

/**
 * Issue 9: after a member leaves, the sender's message turns read once everyone left read it, and the
 * read-by popover still lists the one who left, as gone before reading it (not silently dropped).
 */
describe('read-by after a member leaves', () => {
  let group: ThreeMemberGroup;

  beforeAll(async () => {
    group = await startThreeMemberGroup({ groupName: 'Departures', mode: 'sealed' });
    for (const u of [group.alice, group.bob]) {
      await u.page.getByRole('button', { name: /^Departures/ }).click();
      await u.page.getByLabel('Message', { exact: true }).waitFor();
    }
  }, 120_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await screenshot(group.alice.page, 'failed-departed-readers-alice').catch(() => undefined);
  });

  afterAll(async () => {
    await group?.close();
  });

  it('turns read when the member who never read it leaves, and lists them as gone', async () => {
    const { alice, bob, carol, groupId } = group;
    const a = alice.page;
    const composer = a.getByLabel('Message', { exact: true });
    await composer.fill('Who reads this?');
    await composer.press('Enter');
    // Bob has the chat open: he reads it. Carol holds it and never reads it.
    await bob.page.locator('article.message.theirs').filter({ hasText: 'Who reads this?' }).waitFor({ timeout: 20_000 });
    await carol.until(() => carol.invoke('messages.latest', { groupId, limit: 10 }), (p) => p.messages.some((m) => m.text === 'Who reads this?'), 20_000, 'carol has it');
    const mine = a.locator('article.message.mine').filter({ hasText: 'Who reads this?' });
    await mine.getByRole('button', { name: 'Read by 1' }).waitFor({ timeout: 20_000 });
    expect(await mine.getAttribute('data-send-state')).toBe('delivered');

    await carol.invoke('groups.leave', { groupId });
    await mine.and(a.locator('[data-send-state="read"]')).waitFor({ timeout: 30_000 });
    await mine.getByRole('button', { name: 'Read by 1' }).click();
    const popover = mine.getByRole('region', { name: 'Read receipts' });
    await popover.getByText('Bob').waitFor();
    await popover.getByText('removed before reading it').waitFor();
    expect(await popover.locator('li[data-removed="true"]').textContent()).toContain('Carol');
    await screenshot(a, 'read-by-departed-light');
  }, 120_000);
});
