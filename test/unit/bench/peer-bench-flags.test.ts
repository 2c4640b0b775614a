import { describe, expect, it } from 'vitest';
import { parsePeerBenchFlags, ratio } from '../../../bench/peer/bench-flags.js';

describe('peer benchmark flags', () => {
  it('runs 10 s and 200 round trips by default, 60 s under --full', () => {
    expect(parsePeerBenchFlags([], {})).toEqual({ seconds: 10, roundTrips: 200, latencyOnly: false });
    expect(parsePeerBenchFlags(['--latency-only'], {}).latencyOnly).toBe(true);
    expect(parsePeerBenchFlags(['--full'], {}).seconds).toBe(60);
  });

  it('takes --seconds and --round-trips over --full and the environment', () => {
    expect(parsePeerBenchFlags(['--full', '--seconds', '5', '--round-trips', '50'], { KIZUNA_BENCH_SECONDS: '30' })).toEqual({ seconds: 5, roundTrips: 50, latencyOnly: false });
    expect(parsePeerBenchFlags([], { KIZUNA_BENCH_SECONDS: '30' }).seconds).toBe(30);
  });

  it('refuses a flag without a positive number', () => {
    expect(() => parsePeerBenchFlags(['--seconds'], {})).toThrow(/positive number/);
    expect(() => parsePeerBenchFlags(['--round-trips', '-1'], {})).toThrow(/positive number/);
  });

  it('gives a ratio only when there is something to divide by', () => {
    expect(ratio(30, 90)).toBeCloseTo(1 / 3);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
  });
});
