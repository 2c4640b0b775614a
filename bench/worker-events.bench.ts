/**
 * What the desktop app's first hop costs per event: the core's worker thread to the main process, with
 * the real protocol (core-worker-protocol.ts: every message parsed on arrival) and the real batcher
 * (event-batcher.ts). A worker posts bursts of message events, as an inbox turn of a burst stores them,
 * one message per event (as before) or the turn's events as one message (as now); the main thread
 * parses and dispatches them. Figures: each thread's busy time per event (event-loop utilisation), and
 * how long the main thread took to have them all.
 *
 * Run: npm run bench -- worker-events
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { workerEntrySource } from '../main/core/threads/worker-entry-source.js';
import { createEventBatcher } from '../main/host/event-batcher.js';
import { parseWorkerToHost, workerEvent, type WorkerEvent } from '../main/host/worker/core-worker-protocol.js';
import type { MessageView } from '../shared/domain/views.js';
import { report, type BenchRow } from './lib/report.js';

const EVENTS = 50_000;
/** Events an inbox turn of a burst emits: a message each, for the turn's rows (~100 at 5,000 msg/s). */
const PER_TURN = 100;

interface Settings {
  batched: boolean;
}

/** A received message's event as the core sends it (field for field a MessageView). */
function messageEvent(i: number): WorkerEvent {
  const view: MessageView = {
    id: `m${String(i).padStart(42, '0')}`,
    groupId: 'QHsKJPyeiVGpST0L4svZF0rdYhQgaCTNxL1Di2LBR8s',
    sender: 'MVwqt56orrrfhphnDBu1L9qZFaI8ZddIFxSZS-angOU',
    senderName: 'Bob',
    isMine: false,
    seq: i + 1,
    epoch: 0,
    sentAt: 1_796_694_203_234 + i,
    receivedAt: 1_796_694_203_300 + i,
    kind: 'text',
    text: `live message ${i} ${'x'.repeat(i % 120)}`,
    replyTo: null,
    file: null,
    sendState: 'received',
    pinned: false,
    readBy: 0,
  };
  return workerEvent('message', view);
}

async function workerSide(settings: Settings): Promise<void> {
  const port = parentPort;
  if (port === null) return;
  const batcher = createEventBatcher<WorkerEvent>((events) => port.postMessage({ type: 'events', events }));
  const start = performance.eventLoopUtilization();
  for (let sent = 0; sent < EVENTS; ) {
    for (let k = 0; k < PER_TURN && sent < EVENTS; k++, sent++) {
      const e = messageEvent(sent);
      if (settings.batched) batcher.add(e);
      else port.postMessage({ type: 'events', events: [e] });
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  port.postMessage({ type: 'done', activeMs: performance.eventLoopUtilization(start).active });
}

async function run(batched: boolean): Promise<{ mainUs: number; workerUs: number; wallMs: number }> {
  const source = workerEntrySource(import.meta.url, 'worker-events.bench');
  const worker = new Worker(source.filename, { eval: source.eval, workerData: { batched } satisfies Settings, ...(source.execArgv ? { execArgv: source.execArgv } : {}) });
  let received = 0;
  let workerActiveMs = 0;
  const started = performance.now();
  const elu = performance.eventLoopUtilization();
  let firstAt = 0;
  await new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (): void => {
      if (done && received === EVENTS) resolve();
    };
    worker.on('error', reject);
    worker.on('message', (raw: unknown) => {
      if ((raw as { type?: unknown }).type === 'done') {
        workerActiveMs = (raw as { activeMs: number }).activeMs;
        done = true;
        finish();
        return;
      }
      if (firstAt === 0) firstAt = performance.now();
      const message = parseWorkerToHost(raw);
      if (message?.type !== 'events') throw new Error('not an events message');
      for (const e of message.events) if (e.event === 'message') received++;
      finish();
    });
  });
  const mainActiveMs = performance.eventLoopUtilization(elu).active;
  const wallMs = performance.now() - started;
  await worker.terminate();
  return { mainUs: (mainActiveMs * 1000) / EVENTS, workerUs: (workerActiveMs * 1000) / EVENTS, wallMs };
}

if (isMainThread) {
  const rows: BenchRow[] = [];
  // Alternating, after a warm-up pair; the better of two runs each.
  await run(false);
  await run(true);
  const single = [await run(false), await run(false)];
  const batched = [await run(true), await run(true)];
  const best = (runs: { mainUs: number; workerUs: number; wallMs: number }[], k: 'mainUs' | 'workerUs' | 'wallMs'): number => Math.min(...runs.map((r) => r[k]));
  for (const [label, runs] of [
    ['a message per event', single],
    ['a message per turn', batched],
  ] as const) {
    rows.push(
      { name: `${label}: main thread busy per event`, value: best(runs, 'mainUs'), unit: 'µs' },
      { name: `${label}: worker busy per event`, value: best(runs, 'workerUs'), unit: 'µs' },
      { name: `${label}: ${EVENTS} events, first posted to all parsed`, value: best(runs, 'wallMs'), unit: 'ms' },
    );
  }
  rows.push({ name: 'main thread per event: per event / per turn', value: best(single, 'mainUs') / best(batched, 'mainUs'), unit: '×' });
  report('worker-events', rows);
} else {
  await workerSide(workerData as Settings);
}
