/**
 * Flags of the peer benchmark: `--seconds N` (throughput run length; default 10), `--full` (60 s, as the
 * issue's figure), `--round-trips N` (measured round trips per row; default 200), `--latency-only` (skip
 * the throughput runs: round trips are what latency work measures, A/B, and the floods take minutes). KIZUNA_BENCH_SECONDS
 * also sets the length, for `npm run bench` runs of every suite.
 */
export interface PeerBenchFlags {
  seconds: number;
  roundTrips: number;
  latencyOnly: boolean;
}

export function parsePeerBenchFlags(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): PeerBenchFlags {
  const value = (flag: string): number | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const n = Number(argv[i + 1]);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number`);
    return n;
  };
  const fromEnv = env['KIZUNA_BENCH_SECONDS'] === undefined ? undefined : Number(env['KIZUNA_BENCH_SECONDS']);
  const seconds = value('--seconds') ?? (argv.includes('--full') ? 60 : (fromEnv ?? 10));
  return { seconds, roundTrips: value('--round-trips') ?? 200, latencyOnly: argv.includes('--latency-only') };
}

/** Kizuna's figure over the bindings app's (or the floor's): below 1 is better for latency, above 1 for throughput. */
export function ratio(ours: number, theirs: number): number {
  return theirs > 0 && Number.isFinite(ours) ? ours / theirs : Number.NaN;
}
