/**
 * What the UI tests stand on: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), real cores (createKizunaCore: engine + session layer) on a real SLIM node, each served
 * to its own browser page by the browser host, exactly as `kizuna web` would.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { createKeyFileWrapper } from '../../main/core/crypto/local-key/key-file-wrapper.js';
import { startBrowserHost, type BrowserHost } from '../../main/host/browser/browser-host.js';
import { createKizunaCore, type KizunaCoreWithSession } from '../../main/host/create-core.js';
import { dispatchRequest } from '../../main/host/request-dispatch.js';
import { KizunaError } from '../../shared/errors/kizuna-error.js';
import type { RequestInput, RequestName, RequestOutput } from '../../shared/ipc/ipc-contract.js';
import { FAST_SESSION } from '../helpers/core-process.js';
import { newUser } from '../helpers/test-engines.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** This run's renderer build (test/ui/global-setup.ts), or dist/renderer when run without it. */
export function rendererDir(): string {
  try {
    return inject('rendererDir');
  } catch {
    return 'dist/renderer';
  }
}
export const SCREENSHOT_DIR = 'test-results/screenshots';

/** `extraArgs`: more Chromium switches, e.g. a fake camera (test/ui/qr-fixture.ts). */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', ...extraArgs],
  });
}

/** One person: a core with its own profile folder, a browser host for it, and a page on it. */
export interface UiUser {
  name: string;
  core: KizunaCoreWithSession;
  host: BrowserHost;
  context: BrowserContext;
  page: Page;
  /** Calls the core the way the UI does (the contract, validated), for setup and checks. */
  invoke<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>>;
  close(): Promise<void>;
}

export async function invokeCore<N extends RequestName>(core: KizunaCoreWithSession, name: N, input: RequestInput<N>): Promise<RequestOutput<N>> {
  const r = await dispatchRequest(core, name, input);
  if (!r.ok) throw KizunaError.fromJSON(r.error);
  return r.value as RequestOutput<N>;
}

export interface UserOptions {
  root: string;
  name: string;
  browser: Browser;
  /** The SLIM node to use; without one the core stays offline (no embedded node is started). */
  nodeEndpoint?: string;
  colorScheme?: 'light' | 'dark';
  locale?: string;
  viewport?: { width: number; height: number };
}

export async function openUser(o: UserOptions): Promise<UiUser> {
  const core = await createKizunaCore({
    dataDir: join(o.root, o.name),
    keyWrapper: createKeyFileWrapper(new Uint8Array(randomBytes(32))),
    ...(o.nodeEndpoint === undefined ? { offline: true } : { nodeEndpoint: o.nodeEndpoint }),
    session: FAST_SESSION,
  });
  const host = await startBrowserHost({ core, host: '127.0.0.1', port: 0, rendererDir: rendererDir() });
  const context = await o.browser.newContext({
    viewport: o.viewport ?? { width: 1280, height: 800 },
    colorScheme: o.colorScheme ?? 'light',
    locale: o.locale ?? 'en-GB',
    timezoneId: 'Asia/Tokyo',
    reducedMotion: 'reduce',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(host.url).origin });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  return {
    name: o.name,
    core,
    host,
    context,
    page,
    invoke: (name, input) => invokeCore(core, name, input),
    async close() {
      await context.close().catch(() => undefined);
      await host.close().catch(() => undefined);
      await core.close().catch(() => undefined);
      if (errors.length > 0) throw new Error(`${o.name}'s page threw: ${errors.join('; ')}`);
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** First run through the UI: type a name, keep the embedded-node default, create. */
export async function firstRun(page: Page, displayName: string): Promise<void> {
  await page.getByLabel('Your name').fill(displayName);
  await page.getByRole('button', { name: 'Create identity' }).click();
  await page.getByRole('heading', { name: 'Chats', level: 1 }).waitFor();
}

/** The text of everything a field names in aria-describedby: its hint and, when shown, its error. */
export async function describedText(field: Locator): Promise<string> {
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter((x) => x !== '');
  const texts = await Promise.all(ids.map((id) => field.page().locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

/**
 * Waits until `field` shows an error matching `text`: tied to the field (aria-describedby, aria-invalid
 * where the control supports it) and drawn right below it, so it is the field's error, not a banner.
 */
export async function expectFieldError(field: Locator, text: RegExp): Promise<void> {
  await expect.poll(() => describedText(field), { timeout: 15_000 }).toMatch(text);
  const page = field.page();
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(/\s+/);
  let errorBox: { x: number; y: number; width: number; height: number } | null = null;
  for (const id of ids) {
    const el = page.locator(`[id="${id}"].field-error`);
    if ((await el.count()) > 0 && text.test((await el.textContent()) ?? '')) errorBox = await el.boundingBox();
  }
  const fieldBox = await field.boundingBox();
  expect(errorBox, 'the error is an element of its own with class field-error').not.toBeNull();
  expect(fieldBox).not.toBeNull();
  if (errorBox === null || fieldBox === null) return;
  // Directly under (or inside, for a fieldset) the field: starts within 40 px of the field's bottom edge.
  expect(errorBox.y).toBeGreaterThanOrEqual(fieldBox.y);
  expect(errorBox.y).toBeLessThanOrEqual(fieldBox.y + fieldBox.height + 40);
}

/**
 * Records the inputs of every `name` request the page sends to its host from now on (the browser
 * host's WebSocket frames, as Chromium sent them). Sockets opened before the call are not seen:
 * reload the page after it.
 */
export function recordRequests(page: Page, name: RequestName): unknown[] {
  const inputs: unknown[] = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', ({ payload }) => {
      try {
        const frame = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8')) as { name?: unknown; input?: unknown };
        if (frame.name === name) inputs.push(frame.input);
      } catch {
        // not a request frame
      }
    });
  });
  return inputs;
}

/** Polls `read` until `ok` accepts its value (for state that may already hold, so no event will come). */
export async function pollUntil<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether `item` lies entirely inside the scrolled viewport of `container`. */
export async function inViewport(item: Locator, container: Locator): Promise<boolean> {
  const [a, b] = await Promise.all([item.boundingBox(), container.boundingBox()]);
  if (a === null || b === null) return false;
  return a.y >= b.y - 1 && a.y + a.height <= b.y + b.height + 1;
}

/**
 * Makes people who never go online (their engines are closed at once) and adds them as `user`'s
 * contacts: enough for the member picker and group creation. Their user ids, in order.
 */
export async function addOfflineContacts(user: UiUser, root: string, names: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) {
    const { engine } = await newUser(root, name);
    const person = await user.invoke('contacts.add', { card: engine.getIdentity()?.card ?? '' });
    ids.push(person.userId);
    await engine.close();
  }
  return ids;
}
