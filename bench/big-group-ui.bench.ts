/**
 * A group of 1,000 members in the real renderer (a production build in Debian's Chromium, served by the
 * browser host from a real core, as in `kizuna web` and the UI tests), with its chat open while messages
 * arrive at a conversation's pace and at a busy group's:
 * - what the host sends the page per message (bytes over the bridge's WebSocket: the message, and what it
 *   moves in the group's view on arrival and on being read, since the open chat reads it at once);
 * - the host's event-loop delay, and the CPU per message of this process (the core, the browser host, and
 *   Playwright, which is told of every WebSocket frame and parses it);
 * - the page's frame times;
 * - and opening the group's details (its 1,000 members listed): click to the list drawn.
 *
 * The members are written into the store the way a group version records them (none is a contact, as
 * in a big group); the messages are real signed envelopes from another engine's outbox, fed to the core
 * on a schedule. Run: npm run bench -- big-group-ui   (KIZUNA_BENCH_BIG_GROUP changes the size)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { growGroupTo } from './lib/grown-group.js';
import { capturedMessages, hostedPage, hostedTrio } from './lib/hosted-trio.js';
import { FRAMES_FOR, buildRenderer, frameRows } from './lib/renderer-kit.js';
import { percentile, report, type BenchRow } from './lib/report.js';
import { feedOnSchedule } from './lib/scheduled-feed.js';

const MEMBERS = Number(process.env['KIZUNA_BENCH_BIG_GROUP'] ?? 1000);
/** A conversation's pace and a busy group's, messages a second, each for SECONDS. */
const RATES = [5, 50];
const SECONDS = 6;
const DETAIL_OPENS = 5;

const root = mkdtempSync(join(tmpdir(), 'kizuna-bench-big-group-'));
const rows: BenchRow[] = [];

/** Click on "Group details" to the frame that draws its member list with every member. */
const OPEN_DETAILS = (members: number): string => `(async () => {
  const button = [...document.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'Group details' || b.textContent === 'Group details');
  const started = performance.now();
  button.click();
  await new Promise((resolve) => {
    const check = () => {
      const list = [...document.querySelectorAll('ul[aria-labelledby]')].find((u) => u.querySelectorAll('li.person-row').length >= ${members});
      if (list) resolve(); else requestAnimationFrame(check);
    };
    check();
  });
  await new Promise((resolve) => requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = resolve; c.port2.postMessage(0); }));
  return performance.now() - started;
})()`;

async function main(): Promise<void> {
  const rendererDir = await buildRenderer(root);
  const trio = await hostedTrio(root, 'Big', 'none');
  const { core, a, b } = trio;
  const big = trio.group;

  // Bea's view of the group grows to MEMBERS, as a group version would record them.
  growGroupTo(b, big.groupId, MEMBERS);

  // Real envelopes from Ann, handed over as her outbox would publish them.
  const total = RATES.reduce((n, rate) => n + rate * SECONDS, 0);
  const envelopes = await capturedMessages(a, big.groupId, total, (i) => `big group message ${i}`);

  const shown = await hostedPage(core, rendererDir);
  const { host, page } = shown;
  let received = 0;
  page.on('websocket', (ws) => ws.on('framereceived', (f) => (received += typeof f.payload === 'string' ? Buffer.byteLength(f.payload) : f.payload.length)));
  try {
    await page.goto(host.url);
    await page.locator(`button.group-item[data-group-id="${big.groupId}"]`).click();
    await page.getByRole('heading', { name: 'Big', level: 1 }).waitFor();

    let next = 0;
    for (const rate of RATES) {
      const batch = envelopes.slice(next, next + rate * SECONDS);
      next += batch.length;
      const bytesBefore = received;
      const lag = monitorEventLoopDelay({ resolution: 1 });
      const pageFrames = page.evaluate(FRAMES_FOR(SECONDS * 1000)) as Promise<{ times: number[]; longTasks: number[] }>;
      lag.enable();
      const cpuBefore = process.cpuUsage();
      await feedOnSchedule(b, batch, rate, 5);
      await b.inbox.idle();
      // Shown and read: the open chat marks what arrives read, which moves the group's unread count again.
      const last = `big group message ${next - 1}`;
      await page.locator('article.message .message-text', { hasText: last }).first().waitFor({ timeout: 60_000 });
      await page.locator('button.group-item [data-testid="unread-badge"]').first().waitFor({ state: 'detached', timeout: 60_000 });
      const cpu = process.cpuUsage(cpuBefore);
      lag.disable();
      const frames = await pageFrames;
      const label = `${MEMBERS} members, ${rate} msg/s, chat open`;
      rows.push(
        { name: `${label}: bytes to the page per message`, value: (received - bytesBefore) / batch.length, unit: 'bytes' },
        // This process also runs Playwright, which parses every WebSocket frame Chromium reports: bigger frames cost it too.
        { name: `${label}: process CPU per message`, value: (cpu.user + cpu.system) / 1000 / batch.length, unit: 'ms', note: 'core, browser host and Playwright' },
        { name: `${label}: host event-loop delay p99`, value: lag.percentile(99) / 1e6, unit: 'ms', target: '≤ 50', meetsTarget: lag.percentile(99) / 1e6 <= 50 },
        ...frameRows(`${label}: page`, frames.times, frames.longTasks),
      );
    }

    const opens: number[] = [];
    for (let i = 0; i < DETAIL_OPENS + 1; i++) {
      const ms = Number(await page.evaluate(OPEN_DETAILS(MEMBERS)));
      if (i > 0) opens.push(ms);
      await page.getByRole('button', { name: 'Close' }).click();
    }
    rows.push({ name: `${MEMBERS} members: open the group's details, click to list drawn p50`, value: percentile(opens, 50), unit: 'ms', note: `max ${Math.max(...opens).toFixed(0)} ms` });
  } finally {
    await shown.close();
    await trio.close();
    rmSync(root, { recursive: true, force: true });
  }
  report('big-group-ui', rows);
}

await main();
