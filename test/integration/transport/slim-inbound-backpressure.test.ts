/**
 * A receiver that cannot keep up pauses its call: memory stays bounded (grpc-js stops reading and HTTP/2
 * flow control holds the node back; without the pause ~180 frames waited against a mark of 128), and a
 * paused call still reports its end, whether the node dies (an error) or we close after our writes.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import { FRAMES_PER_TURN } from '../../../main/core/transport/inbound-pacing.js';
import { SlimConnection } from '../../../main/core/transport/slim-connection.js';
import { buildSubscribe } from '../../../main/core/transport/slim-message-builder.js';
import { encodeSlimName, loadNameHasher } from '../../../main/core/transport/slim-name-encoding.js';
import { getSlimProtoCodec } from '../../../main/core/transport/slim-proto-codec.js';
import type { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { PROBE_PAYLOAD_TYPE } from '../../../main/core/transport/probe-payload-type.js';
import { createSlimTestKit, text } from '../../helpers/slim-test-kit.js';
import { HeldTurnGate } from '../../helpers/held-turn-gate.js';

const kit = createSlimTestKit();
const connections: SlimConnection[] = [];
afterEach(async () => {
  for (const c of connections.splice(0)) c.close();
  await kit.dispose();
});

const TOTAL = 20_000;
const MARKS = { high: 128, low: 32 };
/** Marks the burst never reaches: the call is never paused, so the node drops nothing. */
const NEVER_PAUSED = { high: 4 * TOTAL, low: 2 * TOTAL };
/** The burst that waits, held, while a probe and a subscription ack overtake it. */
const BURST = 500;

/** `promise`, or a failure naming what was missing once `ms` passed (a deadline, never a measurement). */
async function withDeadline<T>(promise: Promise<T>, ms: number, missing: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(missing)), ms)));
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A receiving connection subscribed to its own name; `turnGate` holds its frame turns when a test gives one. */
async function startReceiver(node: SlimNodeHandle, marks: { high: number; low: number }, turnGate?: HeldTurnGate) {
  const hasher = await loadNameHasher();
  const name = parseSlimName('org/ns/bp-receiver');
  const receiver = SlimConnection.start({
    endpoint: node.endpoint,
    nodeId: 'bp-receiver',
    negotiationTimeoutMs: 3_000,
    keepaliveMs: 0,
    // Low marks: in one process the sender's writes pace the burst, and a few hundred frames wait at most.
    inboundMarks: marks,
    codec: getSlimProtoCodec(),
    hasher,
    ...(turnGate === undefined ? {} : { turnGate }),
  });
  connections.push(receiver);
  await receiver.ready;
  const wire = encodeSlimName(hasher, name);
  expect((await receiver.request((id) => buildSubscribe(wire, wire, id), 3_000)).success).toBe(true);
  return { receiver, name, wire };
}

/** A receiving connection doing heavy work per publish, a sender bursting TOTAL publishes at it, returned once the receiver's call is paused. */
async function slowReceiverUnderBurst(node: SlimNodeHandle) {
  const { receiver, name } = await startReceiver(node, MARKS);
  const block = Buffer.alloc(32 * 1024, 7);
  const seen = { delivered: 0, maxWaiting: 0 };
  const paused = new Promise<void>((resolve) => {
    receiver.on('publish', (message) => {
      if (message.payloadType === PROBE_PAYLOAD_TYPE) return;
      seen.delivered += 1;
      seen.maxWaiting = Math.max(seen.maxWaiting, receiver.inboundWaiting);
      if (receiver.inboundPaused) resolve();
      createHash('sha256').update(block).digest();
    });
  });
  const sender = await kit.client(node.endpoint, 'org/ns/bp-sender', { liveness: false });
  for (let i = 0; i < TOTAL; i += 1) sender.publish(name, text(String(i)));
  await withDeadline(paused, 30_000, 'the receiver never paused its call');
  return { receiver, seen };
}

describe('SLIM connection backpressure', () => {
  it('pauses a receiver that cannot keep up, with no more than the high mark waiting, and reports a node killed meanwhile', async () => {
    const node = await kit.startNode();
    const { receiver, seen } = await slowReceiverUnderBurst(node);
    const closed = new Promise<KizunaError>((resolve) => receiver.once('closed', resolve));
    node.kill('SIGKILL');
    const reason = await withDeadline(closed, 10_000, 'a paused call did not report the dead node');

    expect(reason.code).toBe('TRANSPORT_CLOSED');
    // Paused reading stops at the mark (one more frame may be in hand when it trips).
    expect(seen.maxWaiting).toBeGreaterThan(MARKS.high - FRAMES_PER_TURN);
    expect(seen.maxWaiting).toBeLessThanOrEqual(MARKS.high + 1);
    // Closed with frames still waiting: they are dropped, and nothing more is handed on.
    expect(seen.delivered).toBeLessThan(TOTAL);
    expect(receiver.inboundWaiting).toBe(0);
    const deliveredAtClose = seen.delivered;
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(seen.delivered).toBe(deliveredAtClose);
  });

  it('closeAfterWrites() on a paused call ends when the node answers, not at its timeout', async () => {
    const node = await kit.startNode();
    const { receiver, seen } = await slowReceiverUnderBurst(node);
    const closed = new Promise<KizunaError>((resolve) => receiver.once('closed', resolve));
    const closing = receiver.closeAfterWrites(60_000);
    await withDeadline(closed, 10_000, "the node's end of stream stayed behind the paused backlog");
    await closing;
    expect(seen.delivered).toBeLessThan(TOTAL);
    expect(receiver.inboundWaiting).toBe(0);
  });

  it('hands a probe and a subscription ack on at once, ahead of the frames that arrived before them', async () => {
    const node = await kit.startNode();
    // The receiver's frame turns are held, so the burst waits in its queue however fast or loaded this
    // machine is (with turns running, whether frames still waited when the probe came was a race, lost under
    // load in a CI run and a local one). Never paused: a paused reader makes the node drop publishes, and the
    // probe would overtake nothing.
    const gate = new HeldTurnGate();
    const { receiver, name, wire } = await startReceiver(node, NEVER_PAUSED, gate);
    const delivered: string[] = [];
    const probe = new Promise<{ waiting: number; delivered: number }>((resolve) =>
      receiver.on('publish', (message) => {
        if (message.payloadType === PROBE_PAYLOAD_TYPE) resolve({ waiting: receiver.inboundWaiting, delivered: delivered.length });
        else delivered.push(new TextDecoder().decode(message.blob));
      }),
    );
    const sender = await kit.client(node.endpoint, 'org/ns/bp-sender', { liveness: false });
    for (let i = 0; i < BURST; i += 1) sender.publish(name, text(String(i)));
    // Both leave after the whole burst, so they reach the receiver behind every publish of it.
    sender.publish(name, text('probe'), { payloadType: PROBE_PAYLOAD_TYPE });
    const atProbe = await withDeadline(probe, 30_000, 'the probe never arrived');
    const other = encodeSlimName(await loadNameHasher(), parseSlimName('org/ns/bp-other'));
    const ack = await receiver.request((id) => buildSubscribe(wire, other, id), 30_000);
    const atAck = { waiting: receiver.inboundWaiting, delivered: delivered.length };

    expect(ack.success).toBe(true);
    // Handed on while the whole burst still waited for its turn: nothing of it was delivered yet.
    expect(atProbe).toEqual({ waiting: BURST, delivered: 0 });
    expect(atAck).toEqual({ waiting: BURST, delivered: 0 });
    // Released, the burst follows in order, all of it.
    gate.release();
    await withDeadline(new Promise<void>((resolve) => {
      const poll = (): void => (delivered.length === BURST ? resolve() : void setImmediate(poll));
      poll();
    }), 30_000, 'the burst was not handed on after the release');
    expect(delivered).toEqual(Array.from({ length: BURST }, (_, i) => String(i)));
  });
});
