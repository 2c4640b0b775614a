/**
 * Runs test/fixtures/slim-bindings-app.mjs — an app written with the official @agntcy/slim-bindings — in its
 * own process, and waits on the JSON events it prints. stop() ends it (closing stdin, then SIGTERM).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../fixtures/slim-bindings-app.mjs', import.meta.url));

export interface SlimAppEvent {
  readonly event: string;
  readonly [field: string]: unknown;
}

export interface SlimApp {
  readonly events: SlimAppEvent[];
  /** Resolves with the first event (past or future) named `event` that matches; rejects if the app exits or errs first. */
  next(event: string, match?: (e: SlimAppEvent) => boolean, timeoutMs?: number): Promise<SlimAppEvent>;
  stop(): Promise<void>;
}

export function startSlimApp(mode: 'moderator' | 'participant', args: Record<string, string | true>): SlimApp {
  const argv = [SCRIPT, mode];
  for (const [key, value] of Object.entries(args)) argv.push(`--${key}`, ...(value === true ? [] : [value]));
  const child: ChildProcess = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'error' } });
  const events: SlimAppEvent[] = [];
  const waiters = new Set<() => void>();
  let exited = false;
  let buffer = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.startsWith('{')) {
        try {
          events.push(JSON.parse(line) as SlimAppEvent);
        } catch {
          // a log line that happens to start with a brace
        }
      }
    }
    for (const w of [...waiters]) w();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  child.on('exit', () => {
    exited = true;
    for (const w of [...waiters]) w();
  });
  return {
    events,
    next(event, match = () => true, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = events.find((e) => e.event === event && match(e));
          const failed = events.find((e) => e.event === 'error');
          if (found !== undefined) done(() => resolve(found));
          else if (failed !== undefined) done(() => reject(new Error(`SLIM app failed: ${String(failed['message'])}`)));
          else if (exited) done(() => reject(new Error(`SLIM app exited before "${event}"; stderr: ${stderr}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`SLIM app: no "${event}" within ${timeoutMs} ms; events: ${JSON.stringify(events)}`))), timeoutMs);
        const done = (settle: () => void): void => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin?.end();
      child.kill('SIGTERM');
      await gone;
    },
  };
}
