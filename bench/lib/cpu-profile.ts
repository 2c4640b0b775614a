import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/** A CPU profile of one phase of a benchmark, or nothing when no folder was asked for. */
export interface PhaseProfile {
  /** Stops profiling and writes `<folder>/<name>.cpuprofile` (nothing when not profiling). */
  stop(name: string): Promise<void>;
}

/**
 * Starts profiling this process's main thread (the inspector: --cpu-prof is refused in NODE_OPTIONS and
 * would cover setup too) when `folder` is set, e.g. from an environment variable.
 */
export async function profilePhase(folder: string | undefined): Promise<PhaseProfile> {
  if (folder === undefined || folder === '') return { stop: () => Promise.resolve() };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(name) {
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, `${name}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}
