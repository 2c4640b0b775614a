import { describe, expect, it } from 'vitest';
import { TurnPacedQueue, type FlowControl } from '../../../../main/core/transport/turn-paced-queue.js';
import { passesQueue } from '../../../../main/core/transport/slim-connection.js';
import { PROBE_PAYLOAD_TYPE } from '../../../../main/core/transport/probe-payload-type.js';
import type { WireMessage } from '../../../../main/core/transport/slim-wire-types.js';
import { turnCounter } from '../../../helpers/turn-counter.js';
import { TurnGate } from '../../../../main/core/scheduling/turn-gate.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Records the flow calls and, per delivered item, the turn (counted by a ticking setImmediate) it arrived in. */
function harness(options = { perTurn: 4, highMark: 10, lowMark: 3 }) {
  const flow: string[] = [];
  // Each call with how many items waited at the time.
  const control: FlowControl = { pause: () => flow.push(`pause@${queue.length}`), resume: () => flow.push(`resume@${queue.length}`) };
  const delivered: Array<{ item: number; turn: number }> = [];
  const turns = turnCounter();
  let onItem: ((item: number) => void) | undefined;
  const queue = new TurnPacedQueue<number>((item) => {
    delivered.push({ item, turn: turns.turn() });
    onItem?.(item);
  }, control, options);
  const drained = (): Promise<void> =>
    new Promise((resolve) => {
      const poll = (): void => (queue.length === 0 ? resolve() : void setImmediate(poll));
      poll();
    });
  return {
    queue,
    flow,
    delivered,
    drained,
    onItem: (f: (item: number) => void) => (onItem = f),
    stopTicking: () => turns.stop(),
  };
}

function perTurnCounts(delivered: ReadonlyArray<{ turn: number }>): number[] {
  const counts = new Map<number, number>();
  for (const d of delivered) counts.set(d.turn, (counts.get(d.turn) ?? 0) + 1);
  return [...counts.values()];
}

describe('TurnPacedQueue', () => {
  it('hands items on in order, never more than perTurn in one turn, and none in the turn they were pushed', async () => {
    const h = harness({ perTurn: 4, highMark: 100, lowMark: 10 });
    for (let i = 0; i < 23; i += 1) h.queue.push(i);
    expect(h.delivered).toEqual([]);
    await h.drained();
    h.stopTicking();
    expect(h.delivered.map((d) => d.item)).toEqual([...Array(23).keys()]);
    expect(Math.max(...perTurnCounts(h.delivered))).toBe(4);
    expect(perTurnCounts(h.delivered).length).toBe(6);
  });

  it('keeps order for items pushed while it drains', async () => {
    const h = harness({ perTurn: 2, highMark: 100, lowMark: 10 });
    h.onItem((item) => {
      if (item < 5) h.queue.push(item + 100);
    });
    for (let i = 0; i < 5; i += 1) h.queue.push(i);
    await h.drained();
    h.stopTicking();
    expect(h.delivered.map((d) => d.item)).toEqual([0, 1, 2, 3, 4, 100, 101, 102, 103, 104]);
  });

  it('pauses the source past the high mark and resumes it below the low mark, once each', async () => {
    const h = harness({ perTurn: 4, highMark: 10, lowMark: 3 });
    for (let i = 0; i < 10; i += 1) h.queue.push(i);
    expect(h.flow).toEqual([]);
    h.queue.push(10);
    expect(h.flow).toEqual(['pause@11']);
    expect(h.queue.paused).toBe(true);
    for (let i = 11; i < 22; i += 1) h.queue.push(i);
    await h.drained();
    h.stopTicking();
    // 22 waiting, 4 a turn: 18, 14, 10, 6, then 2 (< 3) is when the source is read again.
    expect(h.flow).toEqual(['pause@11', 'resume@2']);
    expect(h.queue.paused).toBe(false);
    expect(h.delivered.map((d) => d.item)).toEqual([...Array(22).keys()]);
  });

  it('stop() drops what waits, leaves no immediate behind and resumes a paused source', async () => {
    const h = harness({ perTurn: 2, highMark: 5, lowMark: 1 });
    h.stopTicking();
    for (let i = 0; i < 8; i += 1) h.queue.push(i);
    expect(h.queue.paused).toBe(true);
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Immediate').length;
    h.queue.stop();
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Immediate').length;
    expect(before - after).toBe(1);
    expect(h.flow).toEqual(['pause@6', 'resume@0']);
    expect(h.queue.length).toBe(0);
    h.queue.push(99);
    await nextTurn();
    await nextTurn();
    expect(h.delivered).toEqual([]);
  });

  it('a listener that stops the queue mid-turn gets nothing after it', async () => {
    const h = harness({ perTurn: 10, highMark: 100, lowMark: 10 });
    h.onItem((item) => {
      if (item === 2) h.queue.stop();
    });
    for (let i = 0; i < 6; i += 1) h.queue.push(i);
    await nextTurn();
    await nextTurn();
    h.stopTicking();
    expect(h.delivered.map((d) => d.item)).toEqual([0, 1, 2]);
  });

  it('takes its turns through the loop gate: an inbox turn waiting there gets a pass between two of them', async () => {
    const gate = new TurnGate();
    const log: string[] = [];
    const queue = new TurnPacedQueue<number>((item) => log.push(`frame ${item}`), { pause: () => undefined, resume: () => undefined }, { perTurn: 2, highMark: 100, lowMark: 10, gate });
    for (let i = 0; i < 6; i += 1) queue.push(i);
    const inbox = (left: number): void => {
      gate.request(() => {
        log.push('inbox');
        if (left > 1) inbox(left - 1);
      });
    };
    inbox(3);
    await new Promise<void>((resolve) => {
      const poll = (): void => (gate.length === 0 && queue.length === 0 ? resolve() : void setImmediate(poll));
      poll();
    });
    expect(log).toEqual(['frame 0', 'frame 1', 'inbox', 'frame 2', 'frame 3', 'inbox', 'frame 4', 'frame 5', 'inbox']);
  });
});

describe('passesQueue', () => {
  const publish = (payloadType: string): WireMessage => ({ publish: { msg: { app_payload: { payload_type: payloadType, blob: new Uint8Array(0) } } } });

  it('lets subscription acks and liveness probes past the queue, and nothing else', () => {
    expect(passesQueue({ subscription_ack: { subscription_id: 7, success: true } })).toBe(true);
    expect(passesQueue(publish(PROBE_PAYLOAD_TYPE))).toBe(true);
    expect(passesQueue(publish('kizuna/envelope'))).toBe(false);
    expect(passesQueue({ publish: {} })).toBe(false);
    expect(passesQueue({})).toBe(false);
  });
});
