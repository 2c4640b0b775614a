/**
 * The setting of the benchmarks that drive the real renderer: profile B runs as a host runs it (a core, served
 * to Chromium by the browser host), A and C are plain engines around it on the in-process loopback network,
 * all three contacts of each other and members of one group A made.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { EncryptionMode, GroupView } from '../../shared/domain/views.js';
import { createKeyFileWrapper } from '../../main/core/crypto/local-key/key-file-wrapper.js';
import type { Engine } from '../../main/core/engine/engine.js';
import { startBrowserHost, type BrowserHost } from '../../main/host/browser/browser-host.js';
import { createKizunaCore } from '../../main/host/create-core.js';
import type { KizunaCore } from '../../main/host/kizuna-core.js';
import { LoopbackNetwork } from '../../test/helpers/loopback-network.js';
import { newUser } from '../../test/helpers/test-engines.js';
import { launchChromium } from '../../test/ui/ui-kit.js';

export interface HostedTrio {
  readonly core: KizunaCore;
  readonly a: Engine;
  readonly b: Engine;
  readonly c: Engine;
  readonly net: LoopbackNetwork;
  /** The group A made, which B and C joined. */
  readonly group: GroupView;
  id(e: Engine): string;
  /** Closes B's core and the other two engines. */
  close(): Promise<void>;
}

export async function hostedTrio(root: string, groupName: string, mode: EncryptionMode): Promise<HostedTrio> {
  const core = await createKizunaCore({ dataDir: join(root, 'b'), keyWrapper: createKeyFileWrapper(new Uint8Array(randomBytes(32))), offline: true });
  const b = core.engine;
  b.createIdentity({ displayName: 'Bea' });
  const { engine: a } = await newUser(root, 'Ann');
  const { engine: c } = await newUser(root, 'Cal');
  for (const [x, others] of [[a, [b, c]], [b, [a, c]], [c, [a, b]]] as [Engine, Engine[]][]) {
    for (const o of others) x.addContact(o.getIdentity()?.card ?? '');
  }
  const id = (e: Engine): string => e.getIdentity()?.userId ?? '';
  const net = new LoopbackNetwork();
  net.add(a, b, c);
  const group = await a.createGroup({ name: groupName, members: [id(b), id(c)], mode });
  await net.settle();
  await b.acceptInvitation(group.groupId);
  await c.acceptInvitation(group.groupId);
  await net.settle();
  return {
    core,
    a,
    b,
    c,
    net,
    group,
    id,
    async close() {
      await core.close();
      await a.close();
      await c.close();
    },
  };
}

/**
 * `count` messages `sender` writes to the group, as the signed bytes its outbox would publish (taken from the
 * outbox every 1,000, so that no read of it grows with the count).
 */
export async function capturedMessages(sender: Engine, groupId: string, count: number, text: (i: number) => string): Promise<Uint8Array[]> {
  const envelopes: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    await sender.sendText(groupId, text(i));
    if (i % 1000 === 999 || i === count - 1) {
      for (const job of sender.outbox.due(5_000)) {
        if (job.type === 'MESSAGE') envelopes.push(job.bytes);
        sender.outbox.markSent(job, Number.MAX_SAFE_INTEGER);
      }
    }
  }
  return envelopes;
}

export interface HostedPage {
  readonly host: BrowserHost;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

/** Serves `core` with the browser host to a new page of a fresh Chromium (not yet navigated). */
export async function hostedPage(core: KizunaCore, rendererDir: string): Promise<HostedPage> {
  const host = await startBrowserHost({ core, host: '127.0.0.1', port: 0, rendererDir });
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Asia/Tokyo', locale: 'en-GB' });
  const page = await context.newPage();
  return {
    host,
    browser,
    context,
    page,
    async close() {
      await context.close();
      await browser.close();
      await host.close();
    },
  };
}
