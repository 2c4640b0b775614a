import { describe, expect, it } from 'vitest';
import { parseWorkerToHost, WORKER_EVENT_NAMES, workerEvent, type WorkerEventArgs } from '../../../../main/host/worker/core-worker-protocol.js';
import { EVENT_NAMES } from '../../../../shared/ipc/ipc-contract.js';

describe('the worker → shell event channel', () => {
  it('carries every core event of the contract, and not the shell’s own deep links', () => {
    expect([...WORKER_EVENT_NAMES].sort()).toEqual(EVENT_NAMES.filter((e) => e !== 'deep-link').sort());
    expect(WORKER_EVENT_NAMES).toContain('unread');
  });

  it('accepts a known event with an object payload, and nothing else', () => {
    const unread = workerEvent('unread', { total: 3, groups: { g: 3 } });
    expect(parseWorkerToHost(unread)).toEqual({ type: 'event', event: 'unread', payload: { total: 3, groups: { g: 3 } } });
    expect(parseWorkerToHost({ type: 'event', event: 'deep-link', payload: { kind: 'group', groupId: 'g' } })).toBeUndefined();
    expect(parseWorkerToHost({ type: 'event', event: 'no-such-event', payload: {} })).toBeUndefined();
    expect(parseWorkerToHost({ type: 'event', event: 'message', payload: 'text' })).toBeUndefined();
    expect(parseWorkerToHost({ type: 'event', event: 'message', payload: {}, extra: 1 })).toBeUndefined();
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
