import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { SlimNodeHandle } from '../../main/core/slim-node/slim-node-launcher.js';
import { startSlimApp, type SlimApp } from '../helpers/slim-bindings-app.js';
import { createSlimTestKit, type SlimTestKit } from '../helpers/slim-test-kit.js';
import { tempDir } from '../helpers/test-engines.js';
import { firstRun, launchChromium, openUser, screenshot, type UiUser } from './ui-kit.js';

const SECRET = 'ui-slim-shared-secret-of-at-least-32-bytes';

/**
 * Issue 10's last "done when": a person in the app accepts a SLIM app's invitation and chats with it.
 * The SLIM app is written with the official @agntcy/slim-bindings (test/fixtures/slim-bindings-app.mjs,
 * its own process); Alice is a real core served to the real renderer in Chromium; one real SLIM node.
 */
describe('a person in the app and a SLIM app', () => {
  let kit: SlimTestKit;
  let node: SlimNodeHandle;
  let browser: Browser;
  let dir: ReturnType<typeof tempDir>;
  let alice: UiUser;
  const apps: SlimApp[] = [];
  const me = `org/ns/alice${process.pid}`;

  beforeAll(async () => {
    dir = tempDir('kizuna-ui-slim-');
    kit = createSlimTestKit();
    node = await kit.startNode();
    browser = await launchChromium();
    alice = await openUser({ root: dir.path, name: 'alice', browser, nodeEndpoint: node.endpoint });
    await firstRun(alice.page, 'Alice');
    // Alice sets up SLIM sessions in Settings: her SLIM name and the shared secret the SLIM apps use.
    const page = alice.page;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Your SLIM name (org/namespace/app)').fill(me);
    await page.getByLabel('SLIM shared secret').fill(SECRET);
    await page.getByRole('button', { name: 'Save' }).last().click();
    await page.getByText(`Listening for invitations as ${me}.`).waitFor();
    await page.getByRole('button', { name: 'Chats' }).click();
  }, 60_000);

  afterEach(async (ctx) => {
    await Promise.all(apps.splice(0).map((a) => a.stop()));
    if (ctx.task.result?.state === 'fail') await screenshot(alice.page, `failed-slim-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`).catch(() => undefined);
  });

  afterAll(async () => {
    await alice?.close();
    await browser?.close();
    await kit?.dispose();
    dir?.cleanup();
  });

  it('accepts the invitation in the page and exchanges a message each way', async () => {
    const page = alice.page;
    // The SLIM moderator retries its JOIN_REQUEST 30 × 1 s: Alice has 30 s to accept.
    const agent = startSlimApp('moderator', { endpoint: node.endpoint, secret: SECRET, local: 'org/ns/agent', invite: me, retries: '30', message: 'hello from the agent', expect: '1' });
    apps.push(agent);

    const card = page.getByRole('listitem', { name: 'SLIM session invitation from org/ns/agent' });
    await card.waitFor({ timeout: 30_000 });
    await expect.poll(() => card.textContent()).toContain('SLIM session');
    // The inviter's identity is what its token proves, as the core verified it.
    const [invitation] = (await alice.invoke('slim.state', {})).invitations;
    expect(invitation?.moderator).toBe('org/ns/agent');
    expect(invitation?.moderatorIdentity).not.toBe('');
    // The secret stays in the core: in an owner-only file, never in what the UI is sent.
    expect(JSON.stringify(await alice.invoke('slim.state', {}))).not.toContain(SECRET);
    expect(statSync(join(dir.path, 'alice', 'slim-session.json')).mode & 0o077).toBe(0);
    await expect.poll(() => card.textContent()).toContain(`Verified identity: ${invitation?.moderatorIdentity ?? ''}`);

    await card.getByRole('button', { name: 'Accept' }).click();
    await agent.next('invited');
    const messages = page.getByRole('list', { name: 'Messages' });
    await messages.getByText('hello from the agent').waitFor({ timeout: 30_000 });

    // What SLIM cannot carry is greyed, with the reason.
    const attach = page.getByRole('button', { name: /Attach a file — SLIM sessions carry text only/ });
    expect(await attach.isDisabled()).toBe(true);
    await page.getByRole('note').getByText('files, pins, read receipts and replies are not available here').waitFor();

    await page.getByLabel('Message the SLIM session').fill('hi agent, Alice here');
    await page.getByRole('button', { name: 'Send' }).click();
    const received = await agent.next('received');
    expect(received['text']).toBe('hi agent, Alice here');
    expect(received['source']).toBe(me);
    await messages.getByText('delivered to everyone').waitFor();
    // The session is in the chat list, its last message as preview.
    await page.getByRole('list', { name: 'SLIM sessions' }).getByText('You: hi agent, Alice here').waitFor();
    await screenshot(page, 'slim-session-chat');
  });

  it('declining does not join: the SLIM app\'s invite fails', async () => {
    const page = alice.page;
    const agent = startSlimApp('moderator', { endpoint: node.endpoint, secret: SECRET, local: 'org/ns/pushy', invite: me, retries: '8' });
    apps.push(agent);
    const card = page.getByRole('listitem', { name: 'SLIM session invitation from org/ns/pushy' });
    await card.getByRole('button', { name: 'Decline' }).click();
    await card.waitFor({ state: 'detached' });
    // Not answered at all, as a SLIM app that never replies: the moderator gives up on its own.
    const failed = await agent.next('error', () => true, 30_000);
    expect(String(failed['message'])).toMatch(/retries exhausted/);
    expect(agent.events.some((e) => e.event === 'invited')).toBe(false);
    expect((await alice.invoke('slim.state', {})).sessions.some((s) => s.moderator === 'org/ns/pushy')).toBe(false);
  }, 90_000);

  it('shows "expired" when the person was slower than the SLIM app waits', async () => {
    const page = alice.page;
    // 2 × 300 ms: gone before anyone could answer.
    const agent = startSlimApp('moderator', { endpoint: node.endpoint, secret: SECRET, local: 'org/ns/hasty', invite: me, retries: '2', interval: '300' });
    apps.push(agent);
    const card = page.getByRole('listitem', { name: 'SLIM session invitation from org/ns/hasty' });
    await card.getByText(/^Expired — the inviting app stopped waiting/).waitFor({ timeout: 30_000 });
    expect(await card.getByRole('button', { name: 'Accept' }).count()).toBe(0);
    const state = await alice.invoke('slim.state', {});
    expect(state.invitations.find((i) => i.moderator === 'org/ns/hasty')?.state).toBe('expired');
    expect(state.sessions.some((s) => s.moderator === 'org/ns/hasty')).toBe(false);
    await screenshot(page, 'slim-session-expired');
  });
});
