/**
 * Bench-only tracer of one message's path (issue 13): imported (or loaded with `--import` through
 * NODE_OPTIONS, so child engines trace too), it wraps the prototypes on the path with
 * performance.now() stamps and writes them to $KIZUNA_LATENCY_TRACE_DIR/<pid>.json at exit.
 * Nothing in main/ knows about it: production code carries no hook. Stamps are wall-clock
 * (timeOrigin + now) so that two processes on one machine can be lined up.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Engine } from '../../main/core/engine/engine.js';
import { peekEnvelope } from '../../main/core/envelopes/envelope-reader.js';
import { TypedEmitter } from '../../main/core/events/typed-emitter.js';
import { InboxProcessor } from '../../main/core/ingest/inbox-processor.js';
import { MlsStates } from '../../main/core/kernel/mls-states.js';
import { AckBatcher } from '../../main/core/session/ack-batcher.js';
import { InboundRouter } from '../../main/core/session/inbound-router.js';
import { OutboxPump } from '../../main/core/session/outbox-pump.js';
import { SlimClient } from '../../main/core/transport/slim-client.js';
import type { IncomingPublish } from '../../main/core/transport/slim-message-reader.js';

export interface Stamp {
  t: number;
  /** Monotonic µs (the clock of .cpuprofile files), to cut a profile to the measured window. */
  h: number;
  stage: string;
  detail?: string;
}

const stamps: Stamp[] = [];
const origin = performance.timeOrigin;
export function stamp(stage: string, detail?: string): void {
  const t = origin + performance.now();
  const h = Number(process.hrtime.bigint() / 1000n);
  stamps.push(detail === undefined ? { t, h, stage } : { t, h, stage, detail });
}

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/** Wraps a prototype method with stamps before and after (after the promise settles when it returns one). */
function around(proto: object, name: string, label: string, detail?: (args: unknown[]) => string | undefined): void {
  const target = proto as Record<string, AnyFn>;
  const original = target[name];
  if (typeof original !== 'function') throw new Error(`latency-trace: no method ${name}`);
  target[name] = function (this: unknown, ...args: unknown[]): unknown {
    const d = detail?.(args);
    stamp(`${label}>`, d);
    const out = original.apply(this, args);
    if (out instanceof Promise) return out.finally(() => stamp(`${label}<`, d));
    stamp(`${label}<`, d);
    return out;
  };
}

function typeOf(bytes: unknown): string | undefined {
  try {
    return bytes instanceof Uint8Array ? peekEnvelope(bytes).type : undefined;
  } catch {
    return undefined;
  }
}

around(SlimClient.prototype, 'publish', 'publish', (a) => typeOf(a[1]));
around(InboundRouter.prototype, 'onPublish', 'router', (a) => typeOf((a[0] as IncomingPublish).blob));
around(Engine.prototype, 'sendText', 'sendText', (a) => String(a[1]).slice(0, 40));
around(Engine.prototype, 'receive', 'engine.receive', (a) => typeOf(a[0]));
around(InboxProcessor.prototype, 'writeIncoming', 'inbox.write');
around(InboxProcessor.prototype, 'drain', 'inbox.drain');
around(InboxProcessor.prototype, 'processRows', 'inbox.rows');
around(InboxProcessor.prototype, 'commit', 'inbox.commit');
around(MlsStates.prototype, 'put', 'mls.put');
around(MlsStates.prototype, 'flushDirty', 'mls.flush');
around(OutboxPump.prototype, 'run', 'pump.run');
around(AckBatcher.prototype, 'flush', 'acks.flush');
const emit = TypedEmitter.prototype.emit as AnyFn;
(TypedEmitter.prototype as unknown as Record<string, AnyFn>)['emit'] = function (this: unknown, ...args: unknown[]): unknown {
  const event = args[0];
  if (event === 'message' && typeof args[1] === 'object' && args[1] !== null && 'text' in args[1]) stamp('emit:message', String((args[1] as { text: string }).text).slice(0, 40));
  else if (event === 'outbox' || event === 'send-state') stamp(`emit:${String(event)}`);
  return emit.apply(this, args);
};
// Every SQLite transaction (better-sqlite3's transaction() returns the function that runs it).
const Database = createRequire(import.meta.url)('better-sqlite3-multiple-ciphers') as { prototype: Record<string, AnyFn> };
const transaction = Database.prototype['transaction'] as AnyFn;
Database.prototype['transaction'] = function (this: unknown, ...args: unknown[]): unknown {
  const run = transaction.apply(this, args) as AnyFn;
  return function (this: unknown, ...inner: unknown[]): unknown {
    stamp('txn>');
    try {
      return run.apply(this, inner);
    } finally {
      stamp('txn<');
    }
  };
};

const dir = process.env['KIZUNA_LATENCY_TRACE_DIR'];
if (dir !== undefined) {
  mkdirSync(dir, { recursive: true });
  // KIZUNA_LATENCY_PROFILE=1: a CPU profile of the whole process too (--cpu-prof is refused in NODE_OPTIONS).
  const session = process.env['KIZUNA_LATENCY_PROFILE'] === '1' ? new Session() : undefined;
  if (session !== undefined) {
    session.connect();
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: 200 });
    session.post('Profiler.start');
  }
  process.on('exit', () => {
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(stamps));
    // An in-thread inspector session answers synchronously, so this completes inside 'exit'.
    session?.post('Profiler.stop', (err, result) => {
      if (err === null) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
