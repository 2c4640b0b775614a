import { describe, expect, it } from 'vitest';
import { RUN_MS, markerFor, neighbour, placeInList } from '../../../renderer/features/chat/message-runs';
import { message } from './view-fixtures';

const DAY = 86_400_000;
const dayKey = (ms: number): string => String(Math.floor(ms / DAY));

describe('messages among their neighbours', () => {
  const items = [
    message('a', 1_000, { sender: 'u2' }),
    message('b', 2_000, { sender: 'u2' }),
    message('c', 2_000 + RUN_MS, { sender: 'u2' }),
    message('d', 3_000 + RUN_MS, { sender: 'u3' }),
    message('e', DAY + 10, { sender: 'u3' }),
    message('f', DAY + 20, { sender: 'u3' }),
  ];
  const place = (i: number, o: { hasOlder?: boolean; markerId?: string | null } = {}) =>
    placeInList(items, i, { hasOlder: o.hasOlder ?? false, markerId: o.markerId ?? null, dayKey });

  it('separates days (and the chat’s very first message) and runs one sender’s quick messages together', () => {
    expect(items.map((_, i) => place(i))).toEqual([
      { newDay: true, continued: false },
      { newDay: false, continued: true },
      { newDay: false, continued: false }, // too long after
      { newDay: false, continued: false }, // another sender
      { newDay: true, continued: false },
      { newDay: false, continued: true },
    ]);
    // Older messages not loaded: the first loaded one may not start its day.
    expect(place(0, { hasOlder: true })).toEqual({ newDay: false, continued: false });
    // The "new messages" marker breaks a run.
    expect(place(5, { markerId: 'f' })).toEqual({ newDay: false, continued: false });
  });

  it('puts the marker above the oldest of the last unread messages from others', () => {
    const chat = [message('a', 1), message('b', 2), message('mine', 3, { isMine: true }), message('c', 4)];
    expect(markerFor(chat, 2)).toBe('b');
    expect(markerFor(chat, 1)).toBe('c');
    expect(markerFor(chat, 10)).toBe('a');
    expect(markerFor(chat, 0)).toBeNull();
  });

  it('moves up and down one message, from the bottom when none is active, stopping at the ends', () => {
    const chat = [message('a', 1), message('b', 2), message('c', 3)];
    expect(neighbour(chat, null, 'ArrowUp')?.id).toBe('c');
    expect(neighbour(chat, 'b', 'ArrowUp')?.id).toBe('a');
    expect(neighbour(chat, 'a', 'ArrowUp')?.id).toBe('a');
    expect(neighbour(chat, 'b', 'ArrowDown')?.id).toBe('c');
    expect(neighbour(chat, 'c', 'ArrowDown')?.id).toBe('c');
    expect(neighbour(chat, 'gone', 'ArrowDown')?.id).toBe('c');
    expect(neighbour([], null, 'ArrowUp')).toBeUndefined();
  });
});
