/**
 * Our application messages in one SLIM session: sequential ids from 1 (wrapping at u32::MAX/2, as SLIM),
 * re-sent after `timeoutMs` until every expected member acked (MSG_ACK) or `maxRetries` ran out, and kept
 * (last 512) to answer retransmission requests.
 */
import { KizunaError } from '../../../shared/errors/kizuna-error.js';

const MAX_PUBLISH_ID = 0x7fff_ffff;
const RTX_BUFFER = 512;

interface Pending {
  readonly waiting: Set<string>;
  readonly resend: () => void;
  retries: number;
  timer: NodeJS.Timeout | undefined;
  readonly settle: (error?: KizunaError) => void;
}

export interface SentMessage {
  readonly payloadType: string;
  readonly plaintext: Uint8Array;
}

export class DataSender {
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();
  readonly #kept = new Map<number, SentMessage>();

  constructor(private readonly timer: { timeoutMs: number; maxRetries: number } | undefined) {}

  /** The last id used (persisted so that a restarted member does not reuse ids receivers already saw). */
  get lastId(): number {
    return this.#nextId;
  }

  set lastId(id: number) {
    this.#nextId = id;
  }

  nextId(): number {
    this.#nextId = (this.#nextId + 1) % (MAX_PUBLISH_ID + 1);
    if (this.#nextId === 0) this.#nextId = 1;
    return this.#nextId;
  }

  /** Tracks message `id` (already sent once by `resend`); resolves when all of `expected` acked. */
  track(id: number, message: SentMessage, expected: readonly string[], resend: () => void): Promise<void> {
    this.#kept.set(id, message);
    if (this.#kept.size > RTX_BUFFER) this.#kept.delete(this.#kept.keys().next().value as number);
    const timer = this.timer;
    if (timer === undefined || expected.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const pending: Pending = {
        waiting: new Set(expected),
        resend,
        retries: 0,
        timer: undefined,
        settle: (error) => {
          if (pending.timer !== undefined) clearTimeout(pending.timer);
          this.#pending.delete(id);
          if (error === undefined) resolve();
          else reject(error);
        },
      };
      const arm = (): void => {
        pending.timer = setTimeout(() => {
          if (pending.retries >= timer.maxRetries) {
            pending.settle(new KizunaError('TIMEOUT', 'SLIM message send retries exhausted.', { messageId: id, missing: pending.waiting.size }));
            return;
          }
          pending.retries += 1;
          pending.resend();
          arm();
        }, timer.timeoutMs);
      };
      this.#pending.set(id, pending);
      arm();
    });
  }

  acked(id: number, from: string): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    pending.waiting.delete(from);
    if (pending.waiting.size === 0) pending.settle();
  }

  /** A member left: nobody waits for it any more. */
  forget(member: string): void {
    for (const id of [...this.#pending.keys()]) this.acked(id, member);
  }

  kept(id: number): SentMessage | undefined {
    return this.#kept.get(id);
  }

  close(reason: KizunaError): void {
    for (const pending of [...this.#pending.values()]) pending.settle(reason);
  }
}
