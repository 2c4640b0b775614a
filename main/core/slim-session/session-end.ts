/**
 * The end of a SLIM session, the same for participant and moderator: stop the heartbeat and the data
 * half, tell the endpoint, leave the channels; and a participant's own leave (LEAVE_REQUEST until the
 * moderator answers, as SLIM does).
 */
import type { SlimName } from '../../../shared/domain/slim-name.js';
import type { WireMessage } from '../transport/slim-wire-types.js';
import type { GroupData } from './group-data.js';
import { DEFAULT_TIMER, type SessionContext, type TimerSettings } from './session-context.js';

export interface SessionParts {
  readonly sessionId: number;
  readonly heartbeat: NodeJS.Timeout | undefined;
  readonly data: GroupData;
  /** The session's data and control channels, as subscribed. */
  readonly channels: readonly SlimName[];
}

/** Stops what runs for the session and leaves its channels; `forget`: for good, not just closed before a restart. */
export async function shutDownSession(ctx: SessionContext, parts: SessionParts, forget: boolean): Promise<void> {
  if (parts.heartbeat !== undefined) clearInterval(parts.heartbeat);
  parts.data.close();
  ctx.ended(parts.sessionId, forget);
  for (const name of parts.channels) await ctx.unsubscribe(name).catch(() => undefined);
}

/** A LEAVE_REQUEST on its way: `answered` is called when the moderator's LEAVE_REPLY (same id) arrives. */
export interface PendingLeave {
  readonly id: number;
  answered(): void;
}

/**
 * Sends `frame` (our LEAVE_REQUEST, message id `id`) and re-sends it every timeoutMs until `pending.answered()`
 * or the retries run out; resolves true when answered, false when the moderator never did.
 */
export function sendLeave(ctx: SessionContext, id: number, frame: WireMessage, timer: TimerSettings | undefined, onPending: (pending: PendingLeave) => void): Promise<boolean> {
  const { timeoutMs, maxRetries } = timer ?? DEFAULT_TIMER;
  return new Promise<boolean>((resolve) => {
    let tries = 0;
    const retry = setInterval(() => {
      tries += 1;
      if (tries > maxRetries) {
        clearInterval(retry);
        resolve(false);
      } else ctx.send(frame);
    }, timeoutMs);
    onPending({
      id,
      answered: () => {
        clearInterval(retry);
        resolve(true);
      },
    });
    ctx.send(frame);
  });
}
