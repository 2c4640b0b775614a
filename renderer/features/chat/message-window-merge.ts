import type { MessagePage, MessageView } from '../../../shared/domain/views';
import { compareMessages, insertionIndex } from './message-order';
import { afterTransition, mergedState, type StateChange } from './send-state-order';

/** The most a window keeps before dropping the far end. */
export const MAX_ITEMS = 900;

/** The loaded part of a chat's history: oldest first, with whether more lies beyond either end. */
export interface WindowItems {
  items: readonly MessageView[];
  hasOlder: boolean;
  hasNewer: boolean;
}

/** Messages of `page` the window does not hold yet (pages never overlap it, but a live message may have). */
function unseen(items: readonly MessageView[], page: readonly MessageView[]): MessageView[] {
  const held = new Set(items.map((m) => m.id));
  return page.filter((m) => !held.has(m.id));
}

/** An older page lands above the window; beyond `max` the newest end is dropped (and is newer again). */
export function withOlderPage(w: WindowItems, page: MessagePage, max = MAX_ITEMS): WindowItems {
  let items = [...unseen(w.items, page.messages), ...w.items];
  let hasNewer = w.hasNewer;
  if (items.length > max) {
    items = items.slice(0, max);
    hasNewer = true;
  }
  return { items, hasOlder: page.hasOlder, hasNewer };
}

/** A newer page lands below the window; beyond `max` the oldest end is dropped (and is older again). */
export function withNewerPage(w: WindowItems, page: MessagePage, max = MAX_ITEMS): WindowItems {
  let items = [...w.items, ...unseen(w.items, page.messages)];
  let hasOlder = w.hasOlder;
  if (items.length > max) {
    items = items.slice(items.length - max);
    hasOlder = true;
  }
  return { items, hasOlder, hasNewer: page.hasNewer };
}

/** One local day opened as the window: at most `max` messages from its start (the rest is newer). */
export function dayWindow(day: MessagePage, max = MAX_ITEMS): MessagePage {
  const messages = day.messages.slice(0, max);
  return { messages, hasOlder: day.hasOlder, hasNewer: day.hasNewer || messages.length < day.messages.length };
}

/**
 * Live changes since the last flush: messages stored (ours or received, in any order, possibly the same
 * one twice) and send-state events. A message the window holds is replaced (its send state never moves
 * back, unless the core refused it: send-state-order.ts); a new one is placed in order, but only while the window reaches the newest message (otherwise
 * the user is reading history and it is paged in later) and not above the window's start when older
 * ones are not loaded. Returns null when nothing visible changed.
 */
export function withLiveChanges(
  w: WindowItems,
  messages: readonly MessageView[],
  states: ReadonlyMap<string, StateChange>,
  max = MAX_ITEMS,
): Pick<WindowItems, 'items' | 'hasOlder'> | null {
  let items: MessageView[] = [...w.items];
  let changed = false;
  const at = new Map(items.map((m, i) => [m.id, i]));
  const fresh = new Map<string, MessageView>();
  for (const m of messages) {
    const i = at.get(m.id);
    if (i === undefined) {
      fresh.set(m.id, m);
      continue;
    }
    const shown = items[i] as MessageView;
    items[i] = { ...m, sendState: mergedState(shown, m) };
    changed = true;
  }
  const first = items[0];
  const accepted = w.hasNewer ? [] : [...fresh.values()].filter((m) => !(w.hasOlder && first !== undefined && compareMessages(m, first) < 0));
  let hasOlder = w.hasOlder;
  if (accepted.length > 0) {
    accepted.sort(compareMessages);
    const last = items[items.length - 1];
    // Usually every new message is newer than all loaded ones: append; otherwise merge in order.
    if (last === undefined || compareMessages(accepted[0] as MessageView, last) > 0) items.push(...accepted);
    else for (const m of accepted) items.splice(insertionIndex(items, m), 0, m);
    if (items.length > max) {
      items = items.slice(items.length - max);
      hasOlder = true;
    }
    changed = true;
  }
  if (states.size > 0) {
    items = items.map((m) => {
      const state = states.get(m.id);
      if (state === undefined) return m;
      const next = afterTransition(m.sendState, state);
      if (next === m.sendState) return m;
      changed = true;
      return { ...m, sendState: next };
    });
  }
  return changed ? { items, hasOlder } : null;
}

/** Fresh reads of some messages (a receipt, a finished file) put in place; their send state never moves back (unless refused). */
export function withRereads(items: readonly MessageView[], fresh: readonly MessageView[]): MessageView[] {
  const byId = new Map(fresh.map((m) => [m.id, m]));
  return items.map((m) => {
    const f = byId.get(m.id);
    return f === undefined ? m : { ...f, sendState: mergedState(m, f) };
  });
}

/**
 * The window without messages the group no longer holds (`messages-retracted`: the admin's signed
 * cutoff refused them after they reached us). The same array when none of them is shown.
 */
export function withoutRetracted(items: readonly MessageView[], retracted: ReadonlySet<string>): readonly MessageView[] {
  if (retracted.size === 0 || !items.some((m) => retracted.has(m.id))) return items;
  return items.filter((m) => !retracted.has(m.id));
}
