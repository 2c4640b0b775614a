import { describe, expect, it } from 'vitest';
import { TurnGate, nextLoopTurn } from '../../../../main/core/scheduling/turn-gate.js';
import { turnCounter } from '../../../helpers/turn-counter.js';

const immediates = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Immediate').length;

/** Resolves once `gate` has nothing waiting and the pass that ran its last turn is over. */
function settled(gate: TurnGate): Promise<void> {
  return new Promise((resolve) => {
    const poll = (): void => (gate.length === 0 ? void setImmediate(resolve) : void setImmediate(poll));
    poll();
  });
}

describe('TurnGate', () => {
  it('runs one turn per pass of the loop: two long jobs alternate, never sharing a pass', async () => {
    const gate = new TurnGate();
    const turns = turnCounter();
    const log: Array<{ who: string; pass: number }> = [];
    const job = (who: string, left: number): void => {
      gate.request(() => {
        log.push({ who, pass: turns.turn() });
        if (left > 1) job(who, left - 1);
      });
    };
    job('frames', 4);
    job('inbox', 4);
    await settled(gate);
    turns.stop();
    expect(log.map((l) => l.who)).toEqual(['frames', 'inbox', 'frames', 'inbox', 'frames', 'inbox', 'frames', 'inbox']);
    // Each turn in a pass of its own: no pass counted twice.
    expect(new Set(log.map((l) => l.pass)).size).toBe(log.length);
  });

  it('lets what a turn set off with setImmediate run before the next gated turn', async () => {
    const gate = new TurnGate();
    const log: string[] = [];
    gate.request(() => {
      log.push('a');
      setImmediate(() => log.push('after a'));
    });
    gate.request(() => log.push('b'));
    await settled(gate);
    expect(log).toEqual(['a', 'after a', 'b']);
  });

  it('runs a lone turn in the very next pass, before immediates queued after it', async () => {
    const gate = new TurnGate();
    const log: string[] = [];
    gate.request(() => log.push('turn'));
    setImmediate(() => log.push('plain'));
    await nextLoopTurn(gate);
    expect(log).toEqual(['turn', 'plain']);
  });

  it('never runs a cancelled turn, and leaves no immediate behind when nothing is left', async () => {
    const gate = new TurnGate();
    const log: string[] = [];
    const before = immediates();
    const a = gate.request(() => log.push('a'));
    gate.request(() => log.push('b'));
    const c = gate.request(() => log.push('c'));
    a.cancel();
    a.cancel(); // twice is a no-op
    expect(gate.length).toBe(2);
    await settled(gate);
    expect(log).toEqual(['b', 'c']);
    c.cancel(); // after it ran: a no-op
    expect(gate.length).toBe(0);

    const d = gate.request(() => log.push('d'));
    expect(immediates()).toBe(before + 1);
    d.cancel();
    expect(immediates()).toBe(before);
    expect(gate.length).toBe(0);
    // The gate still works after everything was cancelled.
    await nextLoopTurn(gate);
    expect(log).toEqual(['b', 'c']);
  });
});
