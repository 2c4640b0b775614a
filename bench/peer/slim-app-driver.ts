/**
 * Drives one bench/peer/slim-app.mjs process (an app on the official @agntcy/slim-bindings) over
 * JSON lines: start it, send commands, wait for its events. The bindings log to stdout, so our
 * events carry an "@@" prefix and every other line is ignored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./slim-app.mjs', import.meta.url));

export interface AppEvent {
  event: string;
  [key: string]: unknown;
}

export class SlimAppProcess {
  private readonly child: ChildProcess;
  private readonly events: AppEvent[] = [];
  private readonly waiters: { event: string; resolve: (e: AppEvent) => void }[] = [];
  private readonly exited: Promise<void>;

  constructor(endpoint: string, name: string, role: 'moderator' | 'participant', channel: string, mls: boolean, participants: string[] = []) {
    this.child = spawn(process.execPath, [SCRIPT, endpoint, name, role, channel, mls ? '1' : '0', participants.join(',')], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, RUST_LOG: 'error' },
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      if (!line.startsWith('@@')) return;
      const event = JSON.parse(line.slice(2)) as AppEvent;
      const i = this.waiters.findIndex((w) => w.event === event.event);
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(event);
      else this.events.push(event);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The next event of this kind (already received or still to come), or a rejection after timeoutMs. */
  until(event: string, timeoutMs = 60_000): Promise<AppEvent> {
    const i = this.events.findIndex((e) => e.event === event);
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter = { event, resolve: (e: AppEvent) => (clearTimeout(timer), resolve(e)) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`slim app ${this.pid}: no "${event}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  send(command: Record<string, unknown>): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  async ask(command: Record<string, unknown>, event: string, timeoutMs = 60_000): Promise<AppEvent> {
    const answer = this.until(event, timeoutMs);
    this.send(command);
    return answer;
  }

  /**
   * A counting member's count once it stops growing (checked every 2 s) or reaches `sent`, and when (wall clock, ms)
   * the last of them arrived.
   */
  async settledCount(sent: number): Promise<{ count: number; lastAt: number }> {
    let report = await this.ask({ cmd: 'report' }, 'count');
    for (let before = -1; (report['count'] as number) < sent && report['count'] !== before; ) {
      before = report['count'] as number;
      await new Promise((r) => setTimeout(r, 2000));
      report = await this.ask({ cmd: 'report' }, 'count');
    }
    return { count: report['count'] as number, lastAt: report['lastAt'] as number };
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
