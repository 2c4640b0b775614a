import type { CoreEventPayloads } from '../../../shared/domain/core-events';
import type { MessageView, SendState } from '../../../shared/domain/views';

/** What a `send-state` event says about one message. */
export type StateChange = Pick<CoreEventPayloads['send-state'], 'state' | 'refused'>;

/**
 * How far a message of ours has got, as the core ranks it (messages-table.ts): failed sits with pending
 * (a retry moves it back there); a received message has no send state to move.
 */
const RANK: Record<SendState, number> = { received: 0, pending: 1, failed: 1, sent: 2, delivered: 3, read: 4 };

/**
 * A `send-state` event applied to what the window shows, by the core's own rules: forward only, except
 * that a pending message can fail and a failed one can be retried, and that the admin's signed cutoff
 * can refuse one of ours from any state (`refused`: an ack meant stored, not kept; it is final). An
 * event older than what the window already shows (a page loaded after it was sent) changes nothing.
 */
export function afterTransition(current: SendState, change: StateChange): SendState {
  const next = change.state;
  if (current === 'received' || next === 'received') return current;
  if (next === 'failed') return current === 'pending' || change.refused === true ? 'failed' : current;
  if (next === 'pending') return current === 'failed' ? 'pending' : current;
  return RANK[next] > RANK[current] ? next : current;
}

/**
 * The state to show when two views of one message meet (a live message over a loaded one, a re-read):
 * the further one. Between pending and failed only a transition decides, so a tie keeps what is shown.
 */
function furtherState(shown: SendState, incoming: SendState): SendState {
  return RANK[incoming] > RANK[shown] ? incoming : shown;
}

/**
 * The state to show when a fresh view of a message meets the shown one: the further one, except that a
 * refused one (the core says so in its failure) stays failed whatever was shown: nothing moves it on.
 */
export function mergedState(shown: MessageView, incoming: MessageView): SendState {
  if (incoming.sendState === 'failed' && incoming.failure?.reason === 'refused') return 'failed';
  return furtherState(shown.sendState, incoming.sendState);
}
