/**
 * A participant's REJOIN_REQUEST (SLIM's way back into an MLS group after its state was lost, or after it
 * fell behind the group's epoch): sent with a fresh key package and re-sent until the moderator's
 * REJOIN_REPLY, as any control request. The participant applies the reply; this file owns the retries.
 */
import { createLogger } from '../log/logger.js';
import type { WireMessage, WireName } from '../transport/slim-wire-types.js';
import { SlimMsg, type SessionFrame, type WireCommandPayload } from './session-frame.js';
import { DEFAULT_TIMER, type TimerSettings } from './session-context.js';
import type { SessionMls } from './session-mls.js';
import { randomMessageId } from './slim-ids.js';

const log = createLogger('slim-session.participant');

export interface RejoinPorts {
  /** Our name, as the request names the participant to re-add. */
  readonly me: WireName;
  readonly timer: TimerSettings | undefined;
  /** A control frame (message id `id`) to the moderator. */
  toModerator(messageType: number, id: number, command: WireCommandPayload): WireMessage;
  send(frame: WireMessage): void;
  /** The moderator did not answer before the retries ran out. */
  gaveUp(): void;
}

export class ParticipantRejoin {
  readonly #ports: RejoinPorts;
  #running: { id: number; stop: () => void } | undefined;
  /** Our last request the moderator left unanswered (while we stay joined), re-sent at the next heartbeat. */
  #unanswered: { id: number; frame: WireMessage } | undefined;

  constructor(ports: RejoinPorts) {
    this.#ports = ports;
  }

  /** A request is waiting for its reply. */
  get running(): boolean {
    return this.#running !== undefined;
  }

  /** The reply `frame` answers the request that is waiting. */
  answers(frame: SessionFrame): boolean {
    return this.#running?.id === frame.messageId;
  }

  /** REJOIN_REQUEST with a fresh key package, re-sent until REJOIN_REPLY (or stop()). */
  async request(mls: SessionMls): Promise<void> {
    // A request we gave up on is sent again as it was (same id, same key package): the moderator may be
    // answering it right now, and a fresh key package would void the Welcome it is about to send.
    const unanswered = this.#unanswered;
    this.#unanswered = undefined;
    const id = unanswered?.id ?? randomMessageId();
    const frame =
      unanswered?.frame ?? this.#ports.toModerator(SlimMsg.REJOIN_REQUEST, id, { rejoin_request: { participant: this.#ports.me, key_package: await mls.keyPackage() } });
    const timer = this.#ports.timer ?? DEFAULT_TIMER;
    let tries = 0;
    const retry = setInterval(() => {
      tries += 1;
      if (tries <= timer.maxRetries) {
        this.#ports.send(frame);
        return;
      }
      clearInterval(retry);
      this.#running = undefined;
      log.warn('the SLIM moderator did not answer our rejoin request');
      this.#unanswered = { id, frame };
      this.#ports.gaveUp();
    }, timer.timeoutMs);
    this.#running = { id, stop: () => clearInterval(retry) };
    this.#ports.send(frame);
  }

  /** The reply came (or the session ends): no more retries. */
  stop(): void {
    this.#running?.stop();
    this.#running = undefined;
  }
}
