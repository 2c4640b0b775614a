import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { SlimNodeHandle } from '../../main/core/slim-node/slim-node-launcher.js';
import type { EncryptionMode } from '../../shared/domain/views.js';
import { CoreProcess } from '../helpers/core-process.js';
import { createSlimTestKit, type SlimTestKit } from '../helpers/slim-test-kit.js';
import { tempDir } from '../helpers/test-engines.js';
import { firstRun, launchChromium, openUser, screenshot, type UiUser } from './ui-kit.js';

const MODE_LABEL: Record<EncryptionMode, string> = { mls: 'MLS', sealed: 'Sealed', none: 'Not encrypted' };

/**
 * Two people, each with a real core and the real renderer in Chromium, on one real SLIM node. A
 * group needs two members besides its creator, and removing one must leave two, so Carol and Dave
 * are cores in their own processes, driven through the same contract. Everything Alice and Bob do,
 * they do through the UI.
 */
describe('two users chatting through the UI', () => {
  let kit: SlimTestKit;
  let node: SlimNodeHandle;
  let browser: Browser;
  let dir: ReturnType<typeof tempDir>;
  let alice: UiUser;
  let bob: UiUser;
  let carol: CoreProcess;
  let dave: CoreProcess;

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
    dave = new CoreProcess(dir.path, 'dave', node.endpoint);
    await Promise.all([carol.start(), dave.start()]);
    await carol.invoke('identity.create', { displayName: 'Carol' });
    await dave.invoke('identity.create', { displayName: 'Dave' });
  }, 60_000);

  // A failed step leaves both pages as they were: keep them for the report.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const slug = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
    await screenshot(alice.page, `failed-${slug}-alice`).catch(() => undefined);
    await screenshot(bob.page, `failed-${slug}-bob`).catch(() => undefined);
  });

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await carol?.close();
    await dave?.close();
    await browser?.close();
    await kit?.dispose();
    dir?.cleanup();
  });

  async function addContactThroughUi(page: Page, card: string, name: string): Promise<void> {
    await page.getByRole('button', { name: 'Contacts' }).click();
    await page.getByLabel('Contact card or kizuna:// link').fill(card);
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.getByRole('list', { name: 'Your contacts' }).getByText(name, { exact: true }).waitFor();
  }

  async function copyCardThroughUi(page: Page): Promise<string> {
    await page.getByRole('button', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: 'Copy card' }).click();
    await page.getByRole('status').getByText('Copied').waitFor();
    return String(await page.evaluate('navigator.clipboard.readText()'));
  }

  it('first run for both, and contact cards exchanged by copy and paste', async () => {
    await alice.page.getByLabel('Your name').waitFor();
    await screenshot(alice.page, 'first-run-light');
    await alice.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(alice.page, 'first-run-dark');
    await alice.page.emulateMedia({ colorScheme: 'light' });
    await Promise.all([firstRun(alice.page, 'Alice'), firstRun(bob.page, 'Bob')]);

    const aliceCard = await copyCardThroughUi(alice.page);
    expect(aliceCard).toMatch(/^kizuna:contact:v1:/);
    await addContactThroughUi(bob.page, aliceCard, 'Alice');
    const bobCard = await copyCardThroughUi(bob.page);
    await addContactThroughUi(alice.page, bobCard, 'Bob');

    const carolCard = (await carol.invoke('identity.get', {}))?.card ?? '';
    const daveCard = (await dave.invoke('identity.get', {}))?.card ?? '';
    await addContactThroughUi(alice.page, carolCard, 'Carol');
    await addContactThroughUi(alice.page, daveCard, 'Dave');
    await addContactThroughUi(bob.page, carolCard, 'Carol');
    await addContactThroughUi(bob.page, daveCard, 'Dave');
    for (const card of [aliceCard, bobCard, daveCard]) await carol.invoke('contacts.add', { card });
    for (const card of [aliceCard, bobCard, carolCard]) await dave.invoke('contacts.add', { card });

    for (const u of [alice, bob]) await u.page.locator('.connection-banner[data-state="online"]').waitFor({ timeout: 20_000 });
    await screenshot(alice.page, 'contacts-light');
    await alice.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(alice.page, 'contacts-dark');
    await alice.page.emulateMedia({ colorScheme: 'light' });
  });

  it.each<EncryptionMode>(['mls', 'sealed', 'none'])(
    '%s group: create, invite, accept, chat both ways, typing, receipts, rename, remove a member, leave, renew keys, delete',
    async (mode) => {
      const name = `Team ${mode}`;
      const a = alice.page;
      const b = bob.page;

      // Alice creates the group through the dialog.
      await a.getByRole('button', { name: 'Chats' }).click();
      await a.getByRole('button', { name: 'New group' }).click();
      const dialog = a.getByRole('dialog', { name: 'New group' });
      await dialog.getByLabel('Group name').fill(name);
      const members = dialog.getByRole('group', { name: 'Members' });
      await members.getByLabel('Bob').check();
      await members.getByLabel('Carol').check();
      await members.getByLabel('Dave').check();
      await dialog.getByRole('radio', { name: MODE_LABEL[mode], exact: true }).check();
      const apiMembers = [carol, dave];
      const invited = apiMembers.map((p) => p.waitFor('invitation', (i) => i.state === 'pending' && i.groupName === name, 20_000));
      await dialog.getByRole('button', { name: 'Create group' }).click();
      await a.getByRole('heading', { name, level: 1 }).waitFor();

      // Bob accepts in his sidebar; Carol through her core.
      await b.getByRole('button', { name: 'Chats' }).click();
      const invitation = b.getByRole('listitem', { name: `Invitation to ${name}` });
      await invitation.waitFor({ timeout: 20_000 });
      if (mode === 'mls') await screenshot(b, 'invitation-light');
      await invitation.getByRole('button', { name: 'Accept' }).click();
      const groupId = (await Promise.all(invited))[0]?.groupId ?? '';
      for (const p of apiMembers) await p.invoke('invitations.accept', { groupId });
      await b.getByRole('heading', { name, level: 1 }).waitFor();
      // Joined once the composer replaces the "joining" notice.
      await b.getByLabel('Message', { exact: true }).waitFor({ timeout: 20_000 });
      await alice.core.engine.inbox.idle();
      await expect
        .poll(async () => (await alice.invoke('groups.get', { groupId })).members.every((m) => m.status === 'joined'), { timeout: 20_000 })
        .toBe(true);
      const epoch = (await alice.invoke('groups.get', { groupId })).epoch;
      for (const p of apiMembers) await p.until(() => p.invoke('groups.get', { groupId }), (g) => g.myState === 'joined' && g.epoch >= epoch, 20_000, 'joined');
      await expect.poll(async () => (await bob.invoke('groups.get', { groupId })).epoch, { timeout: 20_000 }).toBeGreaterThanOrEqual(epoch);

      // Alice types: Bob sees her typing; she sends: Bob reads it.
      const aComposer = a.getByLabel('Message', { exact: true });
      await aComposer.fill(`Hello from Alice (${mode})`);
      await b.getByText('Alice is typing…').waitFor({ timeout: 15_000 });
      if (mode === 'mls') await screenshot(b, 'chat-typing-light');
      await aComposer.press('Enter');
      const aliceMessageOnBob = b.locator('article.message.theirs').filter({ hasText: `Hello from Alice (${mode})` });
      await aliceMessageOnBob.waitFor({ timeout: 15_000 });
      await b.getByText('Alice is typing…').waitFor({ state: 'detached' });

      // Bob answers: Alice reads it.
      const bComposer = b.getByLabel('Message', { exact: true });
      await bComposer.fill(`Hi Alice, Bob here (${mode})`);
      await bComposer.press('Enter');
      await a.locator('article.message.theirs').filter({ hasText: `Hi Alice, Bob here (${mode})` }).waitFor({ timeout: 15_000 });

      // Receipts: Bob's open chat read it ("Read by 1"); once Carol and Dave read too, it is "Read" by 3.
      const aliceMessage = a.locator('article.message.mine').filter({ hasText: `Hello from Alice (${mode})` });
      await aliceMessage.getByRole('button', { name: 'Read by 1' }).waitFor({ timeout: 15_000 });
      expect(await aliceMessage.getAttribute('data-send-state')).not.toBe('read');
      for (const p of apiMembers) {
        await p.until(() => p.invoke('messages.latest', { groupId, limit: 10 }), (page) => page.messages.some((m) => m.text.startsWith('Hello from Alice')), 15_000, 'has it');
        await p.invoke('messages.markRead', { groupId });
      }
      await aliceMessage.and(a.locator('[data-send-state="read"]')).waitFor({ timeout: 15_000 });
      await aliceMessage.getByRole('button', { name: 'Read by 3' }).click();
      await aliceMessage.getByRole('region', { name: 'Read receipts' }).getByText('Dave').waitFor();
      await aliceMessage.getByRole('button', { name: 'Read by 3' }).click();
      // Bob's own message reached everyone.
      await b
        .locator('article.message.mine')
        .filter({ hasText: `Hi Alice, Bob here (${mode})` })
        .and(b.locator('[data-send-state="delivered"], [data-send-state="read"]'))
        .waitFor({ timeout: 15_000 });

      if (mode === 'mls') {
        // Away from the chat, Bob's unread count and the chat's last message follow what arrives (each message
        // brings its group's activity, not the whole view); back in the chat, it is read and the count goes.
        await b.getByRole('button', { name: 'Contacts' }).click();
        await carol.invoke('messages.sendText', { groupId, text: 'While you were away' });
        await carol.invoke('messages.sendText', { groupId, text: 'Still away?' });
        await b.getByRole('button', { name: /^Chats/ }).getByLabel('2 unread').waitFor({ timeout: 15_000 });
        await b.getByRole('button', { name: /^Chats/ }).click();
        await b.locator(`.group-item[data-group-id="${groupId}"] .group-preview`).filter({ hasText: 'Still away?' }).waitFor();
        await b.locator('article.message.theirs').filter({ hasText: 'Still away?' }).waitFor();
        await b.getByRole('button', { name: /^Chats/ }).getByLabel('2 unread').waitFor({ state: 'detached', timeout: 15_000 });
        // With the chat open, each message that comes in is read as it is shown, and its sender is told: a
        // read names only the messages no earlier read named.
        for (const text of ['Now you are here', 'And once more']) {
          const sent = await carol.invoke('messages.sendText', { groupId, text });
          await b.locator('article.message.theirs').filter({ hasText: text }).waitFor({ timeout: 15_000 });
          await carol.until(() => carol.invoke('messages.receipts', { messageId: sent.id }), (r) => r.some((x) => x.readerName === 'Bob'), 15_000, 'Bob read it');
        }

        // Reply and pin from Bob's side.
        await aliceMessageOnBob.hover();
        await aliceMessageOnBob.getByRole('button', { name: 'Reply' }).click();
        await b.getByText('Replying to Alice').waitFor();
        await bComposer.fill('Replying to you');
        await bComposer.press('Enter');
        await a.locator('article.message.theirs').filter({ hasText: 'Replying to you' }).getByRole('button', { name: /Reply to you/ }).waitFor({ timeout: 15_000 });
        await aliceMessageOnBob.hover();
        await aliceMessageOnBob.getByRole('button', { name: 'Pin' }).click();
        await a.getByRole('button', { name: 'Pinned' }).click();
        await a.getByRole('list', { name: 'Pinned messages' }).getByText(`Hello from Alice (${mode})`).waitFor({ timeout: 15_000 });
        await screenshot(a, 'chat-pins-light');
        await a.getByRole('button', { name: 'Close' }).click();
        await screenshot(a, 'chat-light');
        await a.emulateMedia({ colorScheme: 'dark' });
        await screenshot(a, 'chat-dark');
        await a.emulateMedia({ colorScheme: 'light' });
      }

      // Alice renames the group in its details; Bob's header follows.
      await a.getByRole('button', { name: 'Group details' }).click();
      const details = a.getByRole('complementary', { name: 'Group details' });
      await details.getByLabel('Group name').fill(`${name} renamed`);
      await details.getByRole('button', { name: 'Rename' }).click();
      await b.getByRole('heading', { name: `${name} renamed`, level: 1 }).waitFor({ timeout: 15_000 });
      if (mode === 'mls') {
        await screenshot(a, 'group-details-light');
        await a.emulateMedia({ colorScheme: 'dark' });
        await screenshot(a, 'group-details-dark');
        await a.emulateMedia({ colorScheme: 'light' });
      }

      // Alice removes Dave.
      const memberList = details.getByRole('list', { name: /^Members/ });
      const daveRow = memberList.getByRole('listitem').filter({ hasText: 'Dave' });
      await daveRow.getByRole('button', { name: 'Remove' }).click();
      await daveRow.getByRole('group', { name: 'Remove Dave from the group?' }).getByRole('button', { name: 'Remove' }).click();
      await dave.until(() => dave.invoke('groups.get', { groupId }), (g) => g.myState === 'removed', 20_000, 'dave removed');
      await daveRow.waitFor({ state: 'detached', timeout: 15_000 });
      // Dave is a contact again, not a member: the admin could add him back.
      await details.getByRole('group', { name: 'Add members' }).getByLabel('Dave').waitFor();
      await a.getByRole('button', { name: 'Close' }).click();

      // Bob leaves: his chat becomes read-only history, and Alice's member list loses him.
      await b.getByRole('button', { name: 'Group details' }).click();
      const bDetails = b.getByRole('complementary', { name: 'Group details' });
      await bDetails.getByRole('button', { name: 'Leave group' }).click();
      await bDetails.getByRole('button', { name: 'Leave group' }).click();
      await b.getByText('You left this group. You can still read its history.').waitFor({ timeout: 15_000 });
      await b.getByRole('button', { name: 'Close' }).click();
      await expect
        .poll(async () => (await alice.invoke('groups.get', { groupId })).members.map((m) => m.displayName).sort(), { timeout: 20_000 })
        .toEqual(['Alice', 'Carol']);

      // Alice renews the keys (encrypted modes: the epoch under the panel's Technical details moves on), then deletes the group.
      await a.getByRole('button', { name: 'Group details' }).click();
      if (mode !== 'none') {
        const before = (await alice.invoke('groups.get', { groupId })).epoch;
        await details.getByRole('button', { name: 'Renew keys' }).click();
        await details.getByText('Technical details').click();
        await details.locator('.technical-details dd').first().getByText(String(before + 1), { exact: true }).waitFor({ timeout: 15_000 });
      }
      await details.getByRole('button', { name: 'Delete group' }).click();
      await details.getByRole('group', { name: `Delete ${name} renamed for everyone? This cannot be undone.` }).getByRole('button', { name: 'Delete group' }).click();
      await a.getByText('You deleted this group. You can still read its history.').waitFor({ timeout: 15_000 });
      await carol.until(() => carol.invoke('groups.get', { groupId }), (g) => g.myState === 'closed', 20_000, 'carol sees it closed');
      await a.getByRole('button', { name: 'Close' }).click();
    },
  );
});
