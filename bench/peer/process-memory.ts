/** Resident memory of a process by pid, from /proc (Linux), in MiB; NaN where /proc cannot tell. */
import { readFileSync } from 'node:fs';

export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match === null ? Number.NaN : Number(match[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** The pids of this process's direct children (Linux), so a bench can weigh processes it did not spawn itself. */
export function childPids(): number[] {
  const pids = new Set<number>();
  try {
    for (const line of readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').split(/\s+/)) {
      if (line !== '') pids.add(Number(line));
    }
  } catch {
    // not Linux: no figures
  }
  return [...pids];
}
