import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SlimNodeHandle } from '../../main/core/slim-node/slim-node-launcher.js';
import { pickFreeTcpPort } from '../../main/core/slim-node/slim-node-launcher.js';
import { CoreProcess } from '../helpers/core-process.js';
import { createSlimTestKit, type SlimTestKit } from '../helpers/slim-test-kit.js';
import { tempDir } from '../helpers/test-engines.js';
import { firstRun, launchChromium, openUser, pollUntil, screenshot, type UiUser } from './ui-kit.js';

/**
 * The removal race (docs/PROTOCOL.md) in the desktop UI. Alice (the admin) and Bob are cores in
 * processes of their own, Carol and Dave are browser pages on the real core, one real SLIM node.
 * Alice is not running while Bob writes two more messages; Carol has the chat open and sees them,
 * Dave has not opened it and his list counts them unread. Alice then signs Bob's removal where no
 * node answers (her cutoff: the one message of his she holds) and comes back: the two disappear from
 * Carol's open chat, and Dave's list counts only what is held, with the last message the one left.
 */
describe('messages retracted by a removal cutoff', () => {
  const dir = tempDir('kizuna-ui-retract-');
  const kit: SlimTestKit = createSlimTestKit();
  let node: SlimNodeHandle;
  let browser: Browser;
  let carol: UiUser, dave: UiUser;
  let alice: CoreProcess, bob: CoreProcess;
  let groupId: string;

  beforeAll(async () => {
    node = await kit.startNode();
    browser = await launchChromium();
    [carol, dave] = await Promise.all(['carol', 'dave'].map((name) => openUser({ root: dir.path, name, browser, nodeEndpoint: node.endpoint }))) as [UiUser, UiUser];
    alice = new CoreProcess(dir.path, 'alice', node.endpoint);
    bob = new CoreProcess(dir.path, 'bob', node.endpoint);
    await Promise.all([alice.start(), bob.start()]);
    await Promise.all([
      firstRun(carol.page, 'Carol'),
      firstRun(dave.page, 'Dave'),
      alice.invoke('identity.create', { displayName: 'Alice' }),
      bob.invoke('identity.create', { displayName: 'Bob' }),
    ]);
    const people = [alice, bob, carol, dave];
    const ids = await Promise.all(people.map((p) => p.invoke('identity.get', {})));
    for (const [i, p] of people.entries()) {
      for (const [j, other] of ids.entries()) if (i !== j) await p.invoke('contacts.add', { card: other?.card ?? '' });
    }
    for (const u of [carol, dave]) await u.page.locator('.connection-banner[data-state="online"]').waitFor({ timeout: 20_000 });

    const members = ids.slice(1).map((i) => i?.userId ?? '');
    ({ groupId } = await alice.invoke('groups.create', { name: 'Race', members, mode: 'sealed' }));
    for (const p of [bob, carol, dave]) {
      await pollUntil(() => p.invoke('invitations.list', {}), (l) => l.some((i) => i.groupId === groupId), `${p.name} invited`);
      await p.invoke('invitations.accept', { groupId });
    }
    await pollUntil(() => alice.invoke('groups.get', { groupId }), (g) => g.members.every((m) => m.status === 'joined'), 'all joined');
    const epoch = (await alice.invoke('groups.get', { groupId })).epoch;
    for (const p of [bob, carol, dave]) await pollUntil(() => p.invoke('groups.get', { groupId }), (g) => g.myState === 'joined' && g.epoch >= epoch, `${p.name} at epoch`);
    await carol.page.getByRole('button', { name: /^Race/ }).click();
    await carol.page.getByLabel('Message', { exact: true }).waitFor();
  }, 180_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await screenshot(carol.page, 'failed-retracted-carol').catch(() => undefined);
    await screenshot(dave.page, 'failed-retracted-dave').catch(() => undefined);
  });

  afterAll(async () => {
    for (const step of [() => carol?.close(), () => dave?.close(), () => alice?.close(), () => bob?.close(), () => browser?.close(), () => kit.dispose()]) {
      await Promise.resolve(step()).catch(() => undefined);
    }
    dir.cleanup();
  });

  it('takes them out of the open chat and out of the unread count in the list', async () => {
    const c = carol.page;
    const theirs = (text: string) => c.locator('article.message.theirs').filter({ hasText: text });
    const daveEntry = dave.page.getByRole('button', { name: /^Race/ });
    const bobId = (await bob.invoke('identity.get', {}))?.userId ?? '';

    await bob.invoke('messages.sendText', { groupId, text: 'kept by everyone' });
    await theirs('kept by everyone').waitFor({ timeout: 20_000 });
    await pollUntil(() => alice.invoke('groups.get', { groupId }), (g) => g.lastMessage?.text === 'kept by everyone', 'alice holds it');
    await daveEntry.getByText('1 unread').waitFor({ timeout: 20_000 });

    await alice.close();
    await bob.invoke('messages.sendText', { groupId, text: 'late one' });
    await bob.invoke('messages.sendText', { groupId, text: 'late two' });
    await theirs('late one').waitFor({ timeout: 20_000 });
    await theirs('late two').waitFor({ timeout: 20_000 });
    await daveEntry.getByText('3 unread').waitFor({ timeout: 20_000 });
    await screenshot(c, 'retraction-before-carol');

    // Signed where no node answers, published once she is back.
    await alice.start(`127.0.0.1:${await pickFreeTcpPort()}`);
    await alice.invoke('groups.removeMembers', { groupId, members: [bobId] });
    await alice.close();
    await alice.start(node.endpoint);

    await theirs('late one').waitFor({ state: 'detached', timeout: 30_000 });
    await theirs('late two').waitFor({ state: 'detached', timeout: 30_000 });
    await theirs('kept by everyone').waitFor();
    await daveEntry.getByText('1 unread').waitFor({ timeout: 30_000 });
    expect(await daveEntry.textContent()).toContain('kept by everyone');
    expect(await daveEntry.textContent()).not.toContain('late two');
    await screenshot(c, 'retraction-after-carol');
    await screenshot(dave.page, 'retraction-after-dave-list');
  }, 180_000);
});
