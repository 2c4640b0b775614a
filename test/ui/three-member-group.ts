import type { Browser } from 'playwright-core';
import type { EncryptionMode } from '../../shared/domain/views.js';
import type { SlimNodeHandle } from '../../main/core/slim-node/slim-node-launcher.js';
import { CoreProcess } from '../helpers/core-process.js';
import { createSlimTestKit, type SlimTestKit } from '../helpers/slim-test-kit.js';
import { tempDir } from '../helpers/test-engines.js';
import { firstRun, launchChromium, openUser, pollUntil, type UiUser } from './ui-kit.js';

/**
 * Alice and Bob in browser pages, Carol a core in its own process, one real SLIM node: first run
 * for all three, cards exchanged, and a group of the three created by Alice through the contract,
 * accepted, and at the same epoch everywhere. For UI tests whose subject comes after that.
 */
export interface ThreeMemberGroup {
  readonly kit: SlimTestKit;
  /** The running node (tests that stop and restart it put the new handle here). */
  node: SlimNodeHandle;
  readonly browser: Browser;
  readonly alice: UiUser;
  readonly bob: UiUser;
  readonly carol: CoreProcess;
  readonly groupId: string;
  close(): Promise<void>;
}

export async function startThreeMemberGroup(o: { groupName: string; mode: EncryptionMode }): Promise<ThreeMemberGroup> {
  const dir = tempDir('kizuna-ui-');
  const kit = createSlimTestKit();
  // Whatever started is stopped again, in reverse, also when the setup fails halfway.
  const undo: (() => Promise<unknown> | void)[] = [() => dir.cleanup(), () => kit.dispose()];
  const close = async (): Promise<void> => {
    for (const step of undo.splice(0).reverse()) await Promise.resolve(step()).catch(() => undefined);
  };
  try {
    const node = await kit.startNode();
    const browser = await launchChromium();
    undo.push(() => browser.close());
    const [alice, bob] = await Promise.all([
      openUser({ root: dir.path, name: 'alice', browser, nodeEndpoint: node.endpoint }),
      openUser({ root: dir.path, name: 'bob', browser, nodeEndpoint: node.endpoint }),
    ]);
    undo.push(() => alice.close(), () => bob.close());
    const carol = new CoreProcess(dir.path, 'carol', node.endpoint);
    undo.push(() => carol.close());
    await carol.start();
    await Promise.all([firstRun(alice.page, 'Alice'), firstRun(bob.page, 'Bob'), carol.invoke('identity.create', { displayName: 'Carol' })]);
    const ids = await Promise.all([alice.invoke('identity.get', {}), bob.invoke('identity.get', {}), carol.invoke('identity.get', {})]);
    const [a, b, c] = ids.map((i) => i?.card ?? '') as [string, string, string];
    for (const card of [b, c]) await alice.invoke('contacts.add', { card });
    for (const card of [a, c]) await bob.invoke('contacts.add', { card });
    for (const card of [a, b]) await carol.invoke('contacts.add', { card });
    for (const u of [alice, bob]) await u.page.locator('.connection-banner[data-state="online"]').waitFor({ timeout: 20_000 });

    const carolInvited = carol.waitFor('invitation', (i) => i.state === 'pending', 20_000);
    const members = [ids[1]?.userId ?? '', ids[2]?.userId ?? ''];
    const { groupId } = await alice.invoke('groups.create', { name: o.groupName, members, mode: o.mode });
    await carolInvited;
    await pollUntil(() => bob.invoke('invitations.list', {}), (l) => l.length === 1, 'bob invited');
    await bob.invoke('invitations.accept', { groupId });
    await carol.invoke('invitations.accept', { groupId });
    await pollUntil(() => alice.invoke('groups.get', { groupId }), (g) => g.members.every((m) => m.status === 'joined'), 'all joined');
    const epoch = (await alice.invoke('groups.get', { groupId })).epoch;
    await pollUntil(() => bob.invoke('groups.get', { groupId }), (g) => g.myState === 'joined' && g.epoch >= epoch, 'bob at epoch');
    await carol.until(() => carol.invoke('groups.get', { groupId }), (g) => g.epoch >= epoch, 20_000, 'carol at epoch');
    return { kit, node, browser, alice, bob, carol, groupId, close };
  } catch (err) {
    await close();
    throw err;
  }
}
