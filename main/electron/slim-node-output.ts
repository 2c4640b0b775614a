/**
 * Reading a SLIM node process run without an IPC channel (as an Electron utility process is): it
 * prints a ready line on stdout once it listens, or exits (code 3: address in use). Plain functions,
 * unit-tested; slim-node-utility.ts uses them.
 */
import { KizunaError } from '../../shared/errors/kizuna-error.js';
import { stripAnsiColours } from '../core/slim-node/ansi-colours.js';
import { NODE_READY_LINE_PREFIX } from '../core/slim-node/slim-node-protocol.js';

/** The endpoint a ready line announces, or null. */
export function readyEndpoint(line: string): string | null {
  return line.startsWith(NODE_READY_LINE_PREFIX) ? line.slice(NODE_READY_LINE_PREFIX.length).trim() : null;
}

/** Why a node that exited before it was ready failed (slim-node-process exits with 3 when the address is taken). */
export function startFailure(exitCode: number | null, output: readonly string[], endpoint: string): KizunaError {
  const tail = output.slice(-10);
  if (exitCode === 3 || tail.some((l) => /already in use/i.test(l))) {
    return new KizunaError('NODE_ADDRESS_IN_USE', undefined, { endpoint, output: tail });
  }
  return new KizunaError('NODE_START_FAILED', 'The SLIM node exited during start-up.', { endpoint, exitCode, output: tail });
}

/** The last lines a process wrote (ANSI colours removed), split as they arrive in chunks. */
export class RecentLines {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly keep = 50) {}

  /** Adds a chunk; returns the lines it completed. */
  push(chunk: string): string[] {
    const text = stripAnsiColours(this.partial + chunk);
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    const complete = parts.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
    for (const line of complete) {
      this.lines.push(line);
      if (this.lines.length > this.keep) this.lines.shift();
    }
    return complete;
  }

  all(): string[] {
    return [...this.lines];
  }
}
