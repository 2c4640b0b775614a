import { describe, expect, it } from 'vitest';
import { nextRowsPerTurn, type TurnBudget } from '../../../../main/core/ingest/turn-budget.js';

const budget: TurnBudget = { targetMs: 20, minRows: 16, maxRows: 512 };

describe('rows per turn of the inbox loop', () => {
  it('shrinks when a turn overran the budget and grows when it was cheap', () => {
    // 256 rows in 100 ms: 0.39 ms a row, 51 rows would have met 20 ms; halfway from 256.
    expect(nextRowsPerTurn(256, 256, 100, budget)).toBe(154);
    // 64 rows in 4 ms: 320 would have met the budget; halfway from 64.
    expect(nextRowsPerTurn(64, 64, 4, budget)).toBe(192);
  });

  it('settles on the count that meets the budget when the cost per row holds', () => {
    let n = 512;
    for (let i = 0; i < 20; i++) n = nextRowsPerTurn(n, n, n * 0.25, budget); // 0.25 ms a row
    expect(n).toBeGreaterThanOrEqual(79);
    expect(n).toBeLessThanOrEqual(81);
  });

  it('stays within its bounds, and ignores turns that measured nothing', () => {
    expect(nextRowsPerTurn(16, 16, 5_000, budget)).toBe(16);
    expect(nextRowsPerTurn(512, 512, 0, budget)).toBe(512);
    expect(nextRowsPerTurn(100, 0, 10, budget)).toBe(100);
    expect(nextRowsPerTurn(100, 10, Number.NaN, budget)).toBe(100);
  });
});
