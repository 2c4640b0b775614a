import { describe, expect, it } from 'vitest';
import { createEventBatcher } from '../../../main/host/event-batcher.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('event batcher', () => {
  it('sends a turn’s events as one batch, in order, once the turn ends', async () => {
    const sent: number[][] = [];
    const batcher = createEventBatcher<number>((batch) => sent.push(batch), 256);
    for (let i = 0; i < 5; i++) batcher.add(i);
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual([[0, 1, 2, 3, 4]]);
    batcher.add(5);
    await nextTurn();
    expect(sent).toEqual([[0, 1, 2, 3, 4], [5]]);
  });

  it('sends a full batch at once, and what flush finds at once, never an empty one', async () => {
    const sent: number[][] = [];
    const batcher = createEventBatcher<number>((batch) => sent.push(batch), 3);
    for (let i = 0; i < 7; i++) batcher.add(i);
    expect(sent).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    batcher.flush();
    expect(sent.at(-1)).toEqual([6]);
    batcher.flush();
    await nextTurn();
    expect(sent).toHaveLength(3);
  });
});
