import { describe, expect, it } from 'vitest';
import { MAX_EVENTS_PER_MESSAGE } from '../../../../main/host/event-batcher.js';
import { parseWorkerToHost, WORKER_EVENT_NAMES, workerEvent, type WorkerEventArgs } from '../../../../main/host/worker/core-worker-protocol.js';
import { EVENT_NAMES } from '../../../../shared/ipc/ipc-contract.js';

describe('the worker → shell event channel', () => {
  it('carries every core event of the contract, and not the shell’s own deep links', () => {
    expect([...WORKER_EVENT_NAMES].sort()).toEqual(EVENT_NAMES.filter((e) => e !== 'deep-link').sort());
    expect(WORKER_EVENT_NAMES).toContain('unread');
  });

  it('accepts a turn’s known events with object payloads, in order, and nothing else', () => {
    const unread = workerEvent('unread', { total: 3, groups: { g: 3 } });
    const typing = workerEvent('typing', { groupId: 'g', userId: 'u', typing: true, at: 1 });
    expect(parseWorkerToHost({ type: 'events', events: [unread, typing] })).toEqual({
      type: 'events',
      events: [
        { event: 'unread', payload: { total: 3, groups: { g: 3 } } },
        { event: 'typing', payload: { groupId: 'g', userId: 'u', typing: true, at: 1 } },
      ],
    });
    // One bad event spoils the message: it is dropped whole, as any malformed message is.
    const bad = [
      { event: 'deep-link', payload: { kind: 'group', groupId: 'g' } },
      { event: 'no-such-event', payload: {} },
      { event: 'message', payload: 'text' },
      { event: 'message', payload: {}, extra: 1 },
    ];
    for (const e of bad) expect(parseWorkerToHost({ type: 'events', events: [unread, e] }), e.event).toBeUndefined();
    expect(parseWorkerToHost({ type: 'events', events: [] })).toBeUndefined();
    expect(parseWorkerToHost({ type: 'events', events: Array.from({ length: MAX_EVENTS_PER_MESSAGE + 1 }, () => unread) })).toBeUndefined();
    expect(parseWorkerToHost({ type: 'event', ...unread })).toBeUndefined();
  });

  it('ties each name to its payload type for listeners', () => {
    const seen: number[] = [];
    const listener = (...[event, payload]: WorkerEventArgs): void => {
      // Narrowing on the name gives the payload's own type: no cast.
      if (event === 'unread') seen.push(payload.total);
    };
    listener('unread', { total: 5, groups: {} });
    // @ts-expect-error a payload of another event does not type-check
    listener('unread', { groupId: 'g', userId: 'u', typing: true, at: 0 });
    expect(seen[0]).toBe(5);
  });
});
