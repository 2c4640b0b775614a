import { TurnGate, type TurnRequester, type TurnTicket } from '../../main/core/scheduling/turn-gate.js';

interface Held {
  readonly turn: () => void;
  cancelled: boolean;
  /** Its ticket at the real gate, once released. */
  ticket?: TurnTicket;
}

/**
 * A turn gate for tests that runs nothing until released: frames a connection was handed wait in its
 * queue however fast the machine is, so a test can look at what overtakes them without a race.
 */
export class HeldTurnGate implements TurnRequester {
  #held: Held[] = [];
  #released: TurnGate | undefined;

  request(turn: () => void): TurnTicket {
    if (this.#released !== undefined) return this.#released.request(turn);
    const held: Held = { turn, cancelled: false };
    this.#held.push(held);
    return {
      cancel: () => {
        held.cancelled = true;
        held.ticket?.cancel();
      },
    };
  }

  /** From now on turns run through a real gate, the held ones first, in the order they asked. */
  release(gate: TurnGate = new TurnGate()): void {
    this.#released = gate;
    for (const held of this.#held.splice(0)) if (!held.cancelled) held.ticket = gate.request(held.turn);
  }
}
