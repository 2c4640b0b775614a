import type { SendState } from '../../../shared/domain/views';

/**
 * How far a message of ours has got, as the core ranks it (messages-table.ts): failed sits with pending
 * (a retry moves it back there); a received message has no send state to move.
 */
const RANK: Record<SendState, number> = { received: 0, pending: 1, failed: 1, sent: 2, delivered: 3, read: 4 };

/**
 * A `send-state` event applied to what the window shows, by the core's own rules: forward only, except
 * that a pending message can fail and a failed one can be retried. An event older than what the window
 * already shows (a page loaded after it was sent) changes nothing.
 */
export function afterTransition(current: SendState, next: SendState): SendState {
  if (current === 'received' || next === 'received') return current;
  if (next === 'failed') return current === 'pending' ? 'failed' : current;
  if (next === 'pending') return current === 'failed' ? 'pending' : current;
  return RANK[next] > RANK[current] ? next : current;
}

/**
 * The state to show when two views of one message meet (a live message over a loaded one, a re-read):
 * the further one. Between pending and failed only a transition decides, so a tie keeps what is shown.
 */
export function furtherState(shown: SendState, incoming: SendState): SendState {
  return RANK[incoming] > RANK[shown] ? incoming : shown;
}
