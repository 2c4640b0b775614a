/**
 * What a SLIM session sends besides application data, the same for participant and moderator: control
 * frames sealed with our identity, and the heartbeat on the control channel when nothing else went out.
 */
import { u64ToWire } from '../transport/wire-u64.js';
import type { WireMessage, WireName } from '../transport/slim-wire-types.js';
import type { GroupData } from './group-data.js';
import { FANOUT_CHANNEL, SlimMsg, type WireCommandPayload } from './session-frame.js';
import type { SessionContext } from './session-context.js';
import { randomMessageId } from './slim-ids.js';

/** A control frame of session `sessionId`, from us, signed. */
export function sealCommand(
  ctx: SessionContext,
  sessionId: number,
  destination: WireName,
  fanout: number,
  messageType: number,
  messageId: number,
  command: WireCommandPayload,
  metadata?: Readonly<Record<string, string>>,
): WireMessage {
  return ctx.identity.seal({
    source: ctx.me,
    destination,
    fanout,
    messageType,
    sessionId,
    messageId,
    content: { command },
    ...(metadata === undefined ? {} : { metadata }),
  });
}

export interface HeartbeatOptions {
  readonly sessionId: number;
  readonly data: GroupData;
  /** The session's control channel, where heartbeats go. */
  readonly control: WireName;
  /** Our MLS epoch (NO_MLS_EPOCH without MLS): a member behind it asks to rejoin. */
  readonly epoch: () => bigint;
  /** True while nobody would hear a heartbeat (a moderator alone in its group). */
  readonly alone?: () => boolean;
}

/** Sends a HEARTBEAT every ctx.heartbeatMs unless data went out since the last tick; clear the timer to stop. */
export function startHeartbeat(ctx: SessionContext, options: HeartbeatOptions): NodeJS.Timeout {
  const timer = setInterval(() => {
    if (options.data.sentRecently) {
      options.data.sentRecently = false;
      return;
    }
    if (options.alone?.() === true) return;
    const heartbeat = { heartbeat: { epoch: u64ToWire(options.epoch()) } };
    ctx.send(sealCommand(ctx, options.sessionId, options.control, FANOUT_CHANNEL, SlimMsg.HEARTBEAT, randomMessageId(), heartbeat));
  }, ctx.heartbeatMs);
  timer.unref();
  return timer;
}
