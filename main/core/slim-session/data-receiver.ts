/**
 * Application messages from the other members of one SLIM session, delivered once and in order per sender.
 * A gap waits `timeoutMs` for the missing ids, then asks their sender (RTX_REQUEST) up to `maxRetries`
 * times, then is skipped. What one sender can make us hold is bounded (MAX_HELD out-of-order messages).
 */
const MAX_HELD = 512;
const SEEN_LIMIT = 4096;

interface SenderState<T> {
  next: number;
  readonly held: Map<number, T>;
  readonly asked: Map<number, { tries: number; timer: NodeJS.Timeout }>;
}

export interface ReceiverHooks<T> {
  deliver(sender: string, id: number, item: T): void;
  requestRetransmission(sender: string, id: number): void;
}

export class DataReceiver<T> {
  readonly #senders = new Map<string, SenderState<T>>();

  constructor(
    private readonly timer: { timeoutMs: number; maxRetries: number } | undefined,
    private readonly hooks: ReceiverHooks<T>,
  ) {}

  /** A message (first copy or retransmission) arrived. */
  received(sender: string, id: number, item: T): void {
    let state = this.#senders.get(sender);
    if (state === undefined) {
      if (this.#senders.size >= SEEN_LIMIT) this.#senders.clear();
      state = { next: id, held: new Map(), asked: new Map() };
      this.#senders.set(sender, state);
    }
    if (id < state.next || state.held.has(id)) return; // a duplicate
    if (state.held.size >= MAX_HELD) return;
    state.held.set(id, item);
    const asked = state.asked.get(id);
    if (asked !== undefined) {
      clearTimeout(asked.timer);
      state.asked.delete(id);
    }
    for (let missing = state.next; missing < id; missing += 1) {
      if (!state.held.has(missing) && !state.asked.has(missing)) this.#ask(sender, state, missing, 0);
    }
    this.#flush(sender, state);
  }

  #ask(sender: string, state: SenderState<T>, id: number, tries: number): void {
    const timer = this.timer;
    if (timer === undefined) {
      this.#skip(sender, state, id);
      return;
    }
    state.asked.set(id, {
      tries,
      timer: setTimeout(() => {
        if (tries >= timer.maxRetries) {
          state.asked.delete(id);
          this.#skip(sender, state, id);
          return;
        }
        this.hooks.requestRetransmission(sender, id);
        this.#ask(sender, state, id, tries + 1);
      }, timer.timeoutMs),
    });
  }

  #skip(sender: string, state: SenderState<T>, id: number): void {
    if (state.next === id) {
      state.next += 1;
      this.#flush(sender, state);
    }
  }

  #flush(sender: string, state: SenderState<T>): void {
    for (;;) {
      const next = state.held.get(state.next);
      if (next === undefined) {
        if (state.asked.has(state.next) || state.held.size === 0) return;
        // The gap is not being asked for (skipped): jump to the oldest held message.
        if (!state.asked.has(state.next)) state.next = Math.min(...state.held.keys());
        continue;
      }
      state.held.delete(state.next);
      this.hooks.deliver(sender, state.next, next);
      state.next += 1;
    }
  }

  close(): void {
    for (const state of this.#senders.values()) for (const a of state.asked.values()) clearTimeout(a.timer);
    this.#senders.clear();
  }
}
