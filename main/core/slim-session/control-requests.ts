/**
 * A moderator's control requests that wait for answers: the frame is re-sent (same message id, as SLIM
 * does) every `timeoutMs` until every expected member answered with the expected type, or `maxRetries`
 * ran out ("message send retries exhausted", SLIM's words).
 */
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { WireMessage } from '../transport/slim-wire-types.js';
import type { SessionFrame } from './session-frame.js';
import type { TimerSettings } from './session-context.js';
import { nameKey } from './session-names.js';

interface Waiting {
  readonly replyType: number;
  /** Keys of the members still to answer; undefined: the first answer of that type (discovery). */
  readonly from: Set<string> | undefined;
  readonly answers: SessionFrame[];
  readonly settle: (error?: KizunaError) => void;
}

export class ControlRequests {
  readonly #waiting = new Map<number, Waiting>();

  constructor(
    private readonly timer: TimerSettings,
    private readonly send: (frame: WireMessage) => void,
  ) {}

  /** Sends `frame` (message id `id`) and resolves with the answers. */
  request(id: number, frame: WireMessage, replyType: number, from: readonly string[] | undefined): Promise<SessionFrame[]> {
    return new Promise((resolve, reject) => {
      let retries = 0;
      const answers: SessionFrame[] = [];
      const retry = setInterval(() => {
        if (retries >= this.timer.maxRetries) {
          waiting.settle(new KizunaError('TIMEOUT', 'SLIM control message send retries exhausted.', { messageId: id, replyType }));
          return;
        }
        retries += 1;
        this.send(frame);
      }, this.timer.timeoutMs);
      const waiting: Waiting = {
        replyType,
        from: from === undefined ? undefined : new Set(from),
        answers,
        settle: (error) => {
          clearInterval(retry);
          this.#waiting.delete(id);
          if (error === undefined) resolve(answers);
          else reject(error);
        },
      };
      this.#waiting.set(id, waiting);
      if (waiting.from?.size === 0) {
        waiting.settle();
        return;
      }
      this.send(frame);
    });
  }

  /** An answer arrived; true when it was one we waited for. */
  answered(frame: SessionFrame): boolean {
    const waiting = this.#waiting.get(frame.messageId);
    if (waiting === undefined || waiting.replyType !== frame.messageType) return false;
    if (waiting.from === undefined) {
      waiting.answers.push(frame);
      waiting.settle();
      return true;
    }
    if (!waiting.from.delete(nameKey(frame.source))) return false;
    waiting.answers.push(frame);
    if (waiting.from.size === 0) waiting.settle();
    return true;
  }

  /** A member is gone: stop waiting for it. */
  forget(member: string): void {
    for (const waiting of [...this.#waiting.values()]) {
      if (waiting.from?.delete(member) === true && waiting.from.size === 0) waiting.settle();
    }
  }

  close(reason: KizunaError): void {
    for (const waiting of [...this.#waiting.values()]) waiting.settle(reason);
  }
}
