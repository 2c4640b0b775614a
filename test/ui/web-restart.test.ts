import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKeyFileWrapper } from '../../main/core/crypto/local-key/key-file-wrapper.js';
import { createKizunaCore } from '../../main/host/create-core.js';
import { openProfileKey } from '../../main/host/profile-key.js';
import { cliPath } from '../integration/cli/cli-process.js';
import { tempDir } from '../helpers/test-engines.js';
import { invokeCore, launchChromium, rendererDir, screenshot } from './ui-kit.js';

/**
 * `kizuna web` as users run it (the built CLI, its own process): the page notices within seconds when
 * that process is killed (banner, controls disabled), and recovers by itself when it is started again
 * on the same profile (same port and token), where a message then sends.
 */
describe('the web page when its kizuna web process stops and comes back', () => {
  let dir: ReturnType<typeof tempDir>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let web: ChildProcess | undefined;
  let dataDir: string;

  /** Starts `kizuna web` on the profile and resolves with the address it prints. */
  function startWeb(): Promise<string> {
    const child = spawn(process.execPath, [cliPath(), 'web', '--data-dir', dataDir, '--renderer', rendererDir(), '--no-build', '--offline'], {
      env: { ...process.env, KIZUNA_KEY_FILE: '', KIZUNA_PASSPHRASE: '', KIZUNA_WEB_PORT: '', KIZUNA_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    web = child;
    let out = '';
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
    return new Promise((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        const m = /Kizuna is running at (\S+)/.exec(out);
        if (m?.[1] !== undefined) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`kizuna web exited (${String(code)}): ${err}`)));
    });
  }

  function killWeb(): Promise<void> {
    const child = web;
    web = undefined;
    if (child === undefined || child.exitCode !== null) return Promise.resolve();
    return new Promise((done) => {
      child.once('exit', () => done());
      child.kill('SIGKILL'); // no goodbye: as a crash or a killed terminal would
    });
  }

  beforeAll(async () => {
    dir = tempDir('kizuna-ui-web-restart-');
    dataDir = join(dir.path, 'alice');
    // The profile, made by the same key rule kizuna web follows: Alice with a direct chat with Bob.
    const key = await openProfileKey({ dataDir, env: {} });
    const alice = await createKizunaCore({ dataDir, keyWrapper: key.wrapper, offline: true });
    const bob = await createKizunaCore({ dataDir: join(dir.path, 'bob'), keyWrapper: createKeyFileWrapper(new Uint8Array(randomBytes(32))), offline: true });
    try {
      alice.engine.createIdentity({ displayName: 'Alice' });
      const bobId = bob.engine.createIdentity({ displayName: 'Bob' });
      await invokeCore(alice, 'contacts.add', { card: bobId.card });
      await invokeCore(alice, 'groups.create', { name: '', members: [bobId.userId], direct: true });
    } finally {
      await alice.close();
      await bob.close();
    }
    browser = await launchChromium();
  }, 60_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page !== undefined) await screenshot(page, 'failed-web-restart').catch(() => undefined);
  });

  afterAll(async () => {
    await killWeb();
    await context?.close().catch(() => undefined);
    await browser?.close();
    dir?.cleanup();
  });

  it('shows the engine stopped, disables Send, and recovers on a restart with the same address', async () => {
    const url = await startWeb();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', reducedMotion: 'reduce' });
    page = await context.newPage();
    await page.goto(url);
    await page.getByRole('button', { name: /Bob/ }).first().click();
    await page.getByRole('heading', { name: 'Bob', level: 1 }).waitFor();
    const composer = page.getByLabel('Message', { exact: true });
    const send = page.getByRole('button', { name: 'Send' });
    await composer.waitFor();
    expect(await send.isDisabled()).toBe(false);
    const banner = page.getByRole('alert').filter({ hasText: "Kizuna's engine stopped. Trying to reconnect…" });
    expect(await banner.count()).toBe(0);

    await killWeb();
    await banner.waitFor({ timeout: 10_000 });
    // Really disabled (a disabled fieldset), not just faded; and no stale "Online" beside the banner.
    expect(await send.isDisabled()).toBe(true);
    expect(await composer.isDisabled()).toBe(true);
    expect(await page.locator('.connection-banner').count()).toBe(0);
    await screenshot(page, 'web-host-gone');

    const again = await startWeb();
    expect(again).toBe(url); // same port, same token: the open tab can come back
    await banner.waitFor({ state: 'detached', timeout: 20_000 });
    await page.getByRole('heading', { name: 'Bob', level: 1 }).waitFor();
    await composer.fill('after the restart');
    await send.click();
    await page.locator('article.message.mine').filter({ hasText: 'after the restart' }).waitFor();
    expect(await composer.inputValue()).toBe('');
    await screenshot(page, 'web-host-back');
  }, 90_000);
});
