import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makePng } from './png-fixture.js';
import { startThreeMemberGroup, type ThreeMemberGroup } from './three-member-group.js';
import { describedText, screenshot, type UiUser } from './ui-kit.js';

/** Files and pictures through the UI: attach, arrive, preview, download; group picture; mute. */
describe('files and pictures', () => {
  let group: ThreeMemberGroup;
  let alice: UiUser;
  let bob: UiUser;

  beforeAll(async () => {
    group = await startThreeMemberGroup({ groupName: 'Files', mode: 'mls' });
    ({ alice, bob } = group);
    for (const u of [alice, bob]) {
      await u.page.getByRole('button', { name: /^Files/ }).click();
      await u.page.getByLabel('Message', { exact: true }).waitFor();
    }
  }, 90_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await screenshot(alice.page, 'failed-files-alice').catch(() => undefined);
    await screenshot(bob.page, 'failed-files-bob').catch(() => undefined);
  });

  afterAll(async () => {
    await group?.close();
  });

  it('attaches a file that arrives whole, and an image shown as a preview', async () => {
    const a = alice.page;
    const b = bob.page;
    const notes = randomBytes(300 * 1024);
    await a.locator('.composer input[type="file"]').setInputFiles({ name: 'notes.bin', mimeType: 'application/octet-stream', buffer: notes });
    await a.getByRole('dialog', { name: 'Send a file' }).getByRole('button', { name: 'Send' }).click();
    await a.locator('article.message.mine').filter({ hasText: 'notes.bin' }).getByText('300.0 KiB').waitFor({ timeout: 15_000 });

    const received = b.locator('article.message.theirs').filter({ hasText: 'notes.bin' });
    const download = received.getByRole('button', { name: 'Download notes.bin' });
    await download.waitFor({ timeout: 30_000 });
    const [file] = await Promise.all([b.waitForEvent('download'), download.click()]);
    expect(file.suggestedFilename()).toBe('notes.bin');
    expect(readFileSync(await file.path()).equals(notes)).toBe(true);

    await a.locator('.composer input[type="file"]').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: makePng(320, 200, [76, 95, 213]) });
    await a.getByRole('dialog', { name: 'Send a file' }).getByRole('button', { name: 'Send' }).click();
    await b.locator('article.message.theirs img[alt="photo.png"]').waitFor({ timeout: 30_000 });
    // Bob has the chat open at its end: what arrives is read, and no badge lingers.
    await b.getByRole('list', { name: 'Groups' }).getByTestId('unread-badge').waitFor({ state: 'detached' });
    await screenshot(b, 'chat-files-light');
  });

  it('sets the group picture, refusing one that is too large next to the picker', async () => {
    const a = alice.page;
    await a.getByRole('button', { name: 'Group details' }).click();
    const details = a.getByRole('complementary', { name: 'Group details' });
    const picker = details.getByLabel('Change picture');

    await picker.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: makePng(400, 400, 'noise') });
    await expect.poll(() => describedText(picker)).toMatch(/PNG, JPEG or WebP image of at most 256 KiB/);
    await details.getByRole('alert').filter({ hasText: 'at most 256 KiB' }).waitFor();

    await picker.setInputFiles({ name: 'avatar.png', mimeType: 'image/png', buffer: makePng(96, 96, [240, 120, 40]) });
    await a.locator('.chat-header img.avatar').waitFor({ timeout: 15_000 });
    await bob.page.locator('.chat-header img.avatar').waitFor({ timeout: 15_000 });
    expect(await describedText(picker)).not.toMatch(/image of at most 256 KiB/);
    await details.getByRole('button', { name: 'Close' }).click();
  });

  it('mutes a chat from its header: the list marks it and its badge goes quiet', async () => {
    const b = bob.page;
    await b.getByRole('button', { name: 'Mute', exact: true }).click();
    const entry = b.getByRole('list', { name: 'Groups' }).getByRole('listitem').filter({ hasText: 'Files' });
    await entry.getByText('Muted', { exact: true }).waitFor();
    await b.getByRole('button', { name: 'Unmute', exact: true }).click();
    await entry.getByText('Muted', { exact: true }).waitFor({ state: 'detached' });
  });
});
