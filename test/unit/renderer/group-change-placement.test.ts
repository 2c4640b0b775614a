import { describe, expect, it } from 'vitest';
import type { GroupChangeView } from '../../../shared/domain/group-change.js';
import { changesAround } from '../../../renderer/features/chat/group-change-placement.js';
import { message } from './view-fixtures.js';

const change = (version: number, at: number): GroupChangeView => ({
  groupId: 'g',
  version,
  kind: 'renamed',
  by: { userId: 'u1', displayName: 'A' },
  people: [],
  name: `n${version}`,
  at,
});

describe('group change lines among messages', () => {
  const items = [message('m1', 10), message('m2', 20), message('m3', 30)];
  const changes = [change(0, 5), change(1, 15), change(2, 20), change(3, 35)];

  it('puts each change after the last message sent before it, once', () => {
    const all = { hasOlder: false, hasNewer: false };
    const placed = items.map((_, i) => changesAround(items, i, changes, all));
    expect(placed.map((p) => [p.above.map((c) => c.version), p.below.map((c) => c.version)])).toEqual([
      [[0], [1]],
      [[], [2]],
      [[], [3]],
    ]);
  });

  it('leaves out what lies beyond a window that can page further', () => {
    const middle = { hasOlder: true, hasNewer: true };
    expect(changesAround(items, 0, changes, middle).above).toEqual([]);
    expect(changesAround(items, 2, changes, middle).below).toEqual([]);
  });
});
