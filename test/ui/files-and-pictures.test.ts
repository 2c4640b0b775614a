import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { SlimNodeHandle } from '../../main/core/slim-node/slim-node-launcher.js';
import { CoreProcess } from '../helpers/core-process.js';
import { createSlimTestKit, type SlimTestKit } from '../helpers/slim-test-kit.js';
import { tempDir } from '../helpers/test-engines.js';
import { makePng } from './png-fixture.js';
import { describedText, firstRun, launchChromium, openUser, pollUntil, screenshot, type UiUser } from './ui-kit.js';

/** Files and pictures through the UI: attach, arrive, preview, download; group picture; mute. */
describe('files and pictures', () => {
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
    const ids = await Promise.all([alice.invoke('identity.get', {}), bob.invoke('identity.get', {}), carol.invoke('identity.get', {})]);
    const [a, b, c] = ids.map((i) => i?.card ?? '') as [string, string, string];
    for (const card of [b, c]) await alice.invoke('contacts.add', { card });
    for (const card of [a, c]) await bob.invoke('contacts.add', { card });
    for (const card of [a, b]) await carol.invoke('contacts.add', { card });
    for (const u of [alice, bob]) await u.page.locator('.connection-banner[data-state="online"]').waitFor({ timeout: 20_000 });
    const carolInvited = carol.waitFor('invitation', (i) => i.state === 'pending', 20_000);
    // Sealed mode: file transfer in MLS groups is intermittently lost in the core today (receivers
    // drop chunks as decrypt-failed/epoch-unknown; reported to the core's owner). This test is
    // about the UI, which is the same in every mode.
    groupId = (await alice.invoke('groups.create', { name: 'Files', members: [ids[1]?.userId ?? '', ids[2]?.userId ?? ''], mode: 'sealed' })).groupId;
    await carolInvited;
    await pollUntil(() => bob.invoke('invitations.list', {}), (l) => l.length === 1, 'bob invited');
    await bob.invoke('invitations.accept', { groupId });
    await carol.invoke('invitations.accept', { groupId });
    await pollUntil(() => alice.invoke('groups.get', { groupId }), (g) => g.members.every((m) => m.status === 'joined'), 'all joined');
    const epoch = (await alice.invoke('groups.get', { groupId })).epoch;
    await pollUntil(() => bob.invoke('groups.get', { groupId }), (g) => g.myState === 'joined' && g.epoch >= epoch, 'bob at epoch');
    await carol.until(() => carol.invoke('groups.get', { groupId }), (g) => g.epoch >= epoch, 20_000, 'carol at epoch');
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
    await alice?.close();
    await bob?.close();
    await carol?.close();
    await browser?.close();
    await kit?.dispose();
    dir?.cleanup();
  });

  it('attaches a file that arrives whole, and an image shown as a preview', async () => {
    const a = alice.page;
    const b = bob.page;
    const notes = randomBytes(300 * 1024);
    await a.locator('.composer input[type="file"]').setInputFiles({ name: 'notes.bin', mimeType: 'application/octet-stream', buffer: notes });
    await a.locator('article.message.mine').filter({ hasText: 'notes.bin' }).getByText('300.0 KiB').waitFor({ timeout: 15_000 });

    const received = b.locator('article.message.theirs').filter({ hasText: 'notes.bin' });
    const download = received.getByRole('button', { name: 'Download notes.bin' });
    await download.waitFor({ timeout: 30_000 });
    const [file] = await Promise.all([b.waitForEvent('download'), download.click()]);
    expect(file.suggestedFilename()).toBe('notes.bin');
    expect(readFileSync(await file.path()).equals(notes)).toBe(true);

    await a.locator('.composer input[type="file"]').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: makePng(320, 200, [76, 95, 213]) });
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
