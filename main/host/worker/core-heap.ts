import type { ResourceLimits } from 'node:worker_threads';

/**
 * Size of each of V8's two semi-spaces (the young generation) for the core's thread, in MiB.
 *
 * A received envelope lives a while: it waits in the connection's turn queue, the inbox's batch,
 * its decoded form and a promise until its ack. Under a flood (issue 13's peer benchmark, 6,000/s
 * offered into one engine) thousands of them are alive at every scavenge, and with V8's default
 * semi-space (16 MiB on these machines) the engine's thread ran ~13 scavenges a second of 10–50 ms
 * each, copying that backlog again each time: 3.0–3.4 s of 15 s in the collector, and most of the
 * event loop's stalls. At 32 MiB there are half as many (1.5 s in all in the same run). The cost is
 * memory that is only committed as it is used: at most 2 × 32 MiB more, during a burst.
 */
export const CORE_SEMI_SPACE_MB = 32;

/** The core worker's heap limits: V8 sizes a young generation at three semi-spaces (two, and the large-object space beside them). */
export function coreWorkerResourceLimits(): ResourceLimits {
  return { maxYoungGenerationSizeMb: 3 * CORE_SEMI_SPACE_MB };
}
