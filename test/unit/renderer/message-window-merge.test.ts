import { describe, expect, it } from 'vitest';
import type { SendState } from '../../../shared/domain/views';
import { dayWindow, withLiveChanges, withNewerPage, withOlderPage, withRereads, withoutRetracted, type WindowItems } from '../../../renderer/features/chat/message-window-merge';
import type { StateChange } from '../../../renderer/features/chat/send-state-order';
import { ids, message, messages } from './view-fixtures';

const noStates = new Map<string, StateChange>();
const at = (w: WindowItems): number[] => w.items.map((m) => m.sentAt);

describe('paging the message window', () => {
  it('puts an older page above and drops the newest end beyond the bound', () => {
    const w: WindowItems = { items: messages(11, 20), hasOlder: true, hasNewer: false };
    const once = withOlderPage(w, { messages: messages(1, 10), hasOlder: false, hasNewer: true }, 15);
    expect(at(once)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(once).toMatchObject({ hasOlder: false, hasNewer: true });
    // Without trimming, whether newer ones exist is what it was.
    expect(withOlderPage(w, { messages: messages(5, 10), hasOlder: true, hasNewer: true }, 100)).toMatchObject({ hasOlder: true, hasNewer: false });
  });

  it('puts a newer page below and drops the oldest end beyond the bound', () => {
    const w: WindowItems = { items: messages(1, 10), hasOlder: false, hasNewer: true };
    const once = withNewerPage(w, { messages: messages(11, 20), hasOlder: true, hasNewer: false }, 15);
    expect(at(once)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(once).toMatchObject({ hasOlder: true, hasNewer: false });
    expect(withNewerPage(w, { messages: messages(11, 12), hasOlder: true, hasNewer: true }, 100)).toMatchObject({ hasOlder: false, hasNewer: true });
  });

  it('never holds a message twice when a page repeats one the window has', () => {
    const w: WindowItems = { items: messages(5, 10), hasOlder: true, hasNewer: true };
    expect(at(withOlderPage(w, { messages: messages(1, 5), hasOlder: false, hasNewer: true }))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(at(withNewerPage(w, { messages: messages(10, 12), hasOlder: true, hasNewer: false }))).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('opens a long day from its start, bounded, with the rest marked newer', () => {
    expect(dayWindow({ messages: messages(1, 20), hasOlder: true, hasNewer: false }, 8)).toEqual({ messages: messages(1, 8), hasOlder: true, hasNewer: true });
    expect(dayWindow({ messages: messages(1, 5), hasOlder: false, hasNewer: false }, 8)).toEqual({ messages: messages(1, 5), hasOlder: false, hasNewer: false });
  });
});

describe('live changes in the message window', () => {
  const live: WindowItems = { items: [message('a', 10), message('c', 30), message('e', 50)], hasOlder: true, hasNewer: false };

  it('places messages that arrive out of order where they belong, once each', () => {
    const merged = withLiveChanges(live, [message('f', 60), message('d', 40), message('b', 20), message('d', 40), message('f', 60, { text: 'edited' })], noStates);
    expect(merged === null ? [] : ids(merged.items)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(merged?.items.find((m) => m.id === 'f')?.text).toBe('edited');
    // The same message again replaces itself.
    const again = withLiveChanges(live, [message('c', 30, { text: 'again' })], noStates);
    expect(again === null ? [] : ids(again.items)).toEqual(['a', 'c', 'e']);
    expect(again?.items[1]?.text).toBe('again');
  });

  it('appends only while the window reaches the newest message, and never above an unloaded past', () => {
    expect(withLiveChanges({ ...live, hasNewer: true }, [message('z', 99)], noStates)).toBeNull();
    expect(withLiveChanges(live, [message('old', 5)], noStates)).toBeNull();
    const complete = withLiveChanges({ ...live, hasOlder: false }, [message('old', 5)], noStates);
    expect(complete === null ? [] : ids(complete.items)).toEqual(['old', 'a', 'c', 'e']);
  });

  it('drops the oldest end beyond the bound and says older ones exist', () => {
    const merged = withLiveChanges({ items: messages(1, 5), hasOlder: false, hasNewer: false }, messages(6, 8), noStates, 5);
    expect(merged).toMatchObject({ hasOlder: true });
    expect(merged === null ? [] : at({ ...live, items: merged.items })).toEqual([4, 5, 6, 7, 8]);
  });

  it('moves send states forward only, by the core’s rules', () => {
    const mine = (state: SendState) => ({ items: [message('x', 1, { isMine: true, sendState: state })], hasOlder: false, hasNewer: false });
    const stateAfter = (from: SendState, event: SendState): SendState | undefined =>
      (withLiveChanges(mine(from), [], new Map([['x', { state: event }]]))?.items ?? mine(from).items)[0]?.sendState;
    expect(stateAfter('pending', 'sent')).toBe('sent');
    expect(stateAfter('sent', 'read')).toBe('read');
    expect(stateAfter('delivered', 'sent')).toBe('delivered');
    expect(stateAfter('read', 'delivered')).toBe('read');
    expect(stateAfter('pending', 'failed')).toBe('failed');
    expect(stateAfter('sent', 'failed')).toBe('sent');
    expect(stateAfter('failed', 'pending')).toBe('pending'); // a retry
    expect(stateAfter('sent', 'pending')).toBe('sent');
    expect(withLiveChanges(mine('delivered'), [], new Map([['x', { state: 'sent' }]]))).toBeNull();
    // A received message has no send state to move.
    expect(withLiveChanges({ items: [message('r', 1)], hasOlder: false, hasNewer: false }, [], new Map([['r', { state: 'read' }]]))).toBeNull();
  });

  it('keeps the further state when an older view of a message arrives late', () => {
    const shown = { items: [message('x', 1, { isMine: true, sendState: 'delivered' })], hasOlder: false, hasNewer: false };
    const late = withLiveChanges(shown, [message('x', 1, { isMine: true, sendState: 'pending', readBy: 2 })], noStates);
    expect(late?.items[0]).toMatchObject({ sendState: 'delivered', readBy: 2 });
    // Between pending and failed only a send-state event decides.
    const failed = { items: [message('y', 1, { isMine: true, sendState: 'failed' })], hasOlder: false, hasNewer: false };
    expect(withLiveChanges(failed, [message('y', 1, { isMine: true, sendState: 'pending' })], noStates)?.items[0]?.sendState).toBe('failed');
    expect(withRereads(shown.items, [message('x', 1, { isMine: true, sendState: 'sent', readBy: 1 })])[0]).toMatchObject({ sendState: 'delivered', readBy: 1 });
    expect(withRereads(shown.items, [message('x', 1, { isMine: true, sendState: 'read' })])[0]?.sendState).toBe('read');
  });

  it('lets a refusal by the admin\'s cutoff fail a message from any state, and only a refusal', () => {
    const mine = (state: SendState) => ({ items: [message('x', 1, { isMine: true, sendState: state })], hasOlder: false, hasNewer: false });
    const refusedFrom = (from: SendState): SendState | undefined =>
      withLiveChanges(mine(from), [], new Map([['x', { state: 'failed', refused: true } as const]]))?.items[0]?.sendState;
    for (const from of ['pending', 'sent', 'delivered', 'read'] as const) expect(refusedFrom(from)).toBe('failed');
    // A plain 'failed' (a stale event from before a retry) still never moves a delivered one back.
    expect(withLiveChanges(mine('delivered'), [], new Map([['x', { state: 'failed' }]]))).toBeNull();
    // A re-read (after delivery-failed) that says refused wins over what was shown; another failed does not.
    const refused = message('x', 1, { isMine: true, sendState: 'failed', failure: { reason: 'refused', detail: '', missing: [], retryable: false } });
    expect(withRereads(mine('read').items, [refused])[0]?.sendState).toBe('failed');
    expect(withLiveChanges(mine('delivered'), [refused], noStates)?.items[0]?.sendState).toBe('failed');
    const exhausted = message('x', 1, { isMine: true, sendState: 'failed', failure: { reason: 'retries-exhausted', detail: '', missing: [], retryable: true } });
    expect(withRereads(mine('delivered').items, [exhausted])[0]?.sendState).toBe('delivered');
  });

  it('drops retracted messages, and keeps the same array when none is shown', () => {
    const items = messages(1, 4);
    expect(withoutRetracted(items, new Set(['m0002', 'm0004', 'elsewhere'])).map((m) => m.id)).toEqual(['m0001', 'm0003']);
    expect(withoutRetracted(items, new Set(['elsewhere']))).toBe(items);
  });
});
