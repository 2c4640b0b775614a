/**
 * Transport benchmark: a real SLIM node in its own process, grpc-js clients in this one.
 *  - ping-pong round trip (200-byte payloads), p50/p99 over 1,000 after 200 warm-up, over TCP and over a unix
 *    socket, for the bare link (SlimConnection: grpc-js + pre-encoded protobufjs frames) and the full SlimClient;
 *  - one-way throughput: 50,000 × 200-byte publishes from one client to another, respecting back-pressure;
 *  - fan-out: 10,000 publishes to 10 subscribers (fanout "all").
 */
import { performance } from 'node:perf_hooks';
import { parseSlimName, type SlimName } from '../shared/domain/slim-name.js';
import {
  createUnixSocketEndpoint,
  launchSlimNode,
  pickFreeTcpPort,
  type SlimNodeHandle,
} from '../main/core/slim-node/slim-node-launcher.js';
import { SlimClient } from '../main/core/transport/slim-client.js';
import { SlimConnection } from '../main/core/transport/slim-connection.js';
import { buildPublish, buildSubscribe } from '../main/core/transport/slim-message-builder.js';
import { encodeSlimName, loadNameHasher, type NameHasher } from '../main/core/transport/slim-name-encoding.js';
import { getSlimProtoCodec } from '../main/core/transport/slim-proto-codec.js';
import { FANOUT_ALL } from '../main/core/transport/slim-wire-enums.js';
import { percentile, report, type BenchRow } from './lib/report.js';

const PAYLOAD = new Uint8Array(200).fill(0x6b);
const WARMUP = 200;
const ROUND_TRIPS = 1_000;
const ONE_WAY = 50_000;
const FANOUT_SUBSCRIBERS = 10;
const FANOUT_PUBLISHES = 10_000;

const us = (ms: number): number => ms * 1_000;

/** Something that can publish to a name and tell us about received payloads. */
interface Peer {
  publish(to: SlimName, payload: Uint8Array): boolean;
  onMessage(listener: () => void): void;
  waitDrain(): Promise<void>;
  close(): Promise<void>;
}

async function barePeer(endpoint: string, hasher: NameHasher, self: SlimName): Promise<Peer> {
  const connection = SlimConnection.start({
    endpoint,
    nodeId: `bench-${self.agent}`,
    negotiationTimeoutMs: 5_000,
    keepaliveMs: 0,
    codec: getSlimProtoCodec(),
    hasher,
  });
  await connection.ready;
  const selfWire = encodeSlimName(hasher, self);
  const ack = await connection.request((id) => buildSubscribe(selfWire, selfWire, id), 5_000);
  if (!ack.success) throw new Error(`subscribe failed: ${ack.error}`);
  return {
    publish: (to, payload) =>
      connection.send(buildPublish({ source: selfWire, destination: encodeSlimName(hasher, to), payloadType: 'bench', blob: payload })),
    onMessage: (listener) => void connection.on('publish', listener),
    waitDrain: () => new Promise((resolve) => connection.once('drain', resolve)),
    close: async () => connection.close(),
  };
}

async function clientPeer(endpoint: string, self: SlimName, extraNames: SlimName[] = [], fanout = 1): Promise<Peer> {
  const client = new SlimClient({ endpoint, localName: self });
  await client.connect();
  await client.subscribe(self);
  for (const name of extraNames) await client.subscribe(name);
  return {
    publish: (to, payload) => client.publish(to, payload, { payloadType: 'bench', fanout }),
    onMessage: (listener) => void client.on('message', listener),
    waitDrain: () => new Promise((resolve) => client.once('drain', resolve)),
    close: () => client.close(),
  };
}

async function pingPong(a: Peer, b: Peer, aName: SlimName, bName: SlimName): Promise<number[]> {
  b.onMessage(() => b.publish(aName, PAYLOAD));
  let wake: (() => void) | undefined;
  a.onMessage(() => wake?.());
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + ROUND_TRIPS; i += 1) {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      wake = resolve;
      a.publish(bName, PAYLOAD);
    });
    if (i >= WARMUP) samples.push(performance.now() - started);
  }
  return samples;
}

async function oneWay(sender: Peer, receiver: Peer, to: SlimName, count: number, expectedPerMessage = 1, receivers: Peer[] = [receiver]): Promise<{ seconds: number; received: number }> {
  let received = 0;
  const expected = count * expectedPerMessage;
  let done: (() => void) | undefined;
  for (const r of receivers)
    r.onMessage(() => {
      received += 1;
      if (received === expected) done?.();
    });
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    if (!sender.publish(to, PAYLOAD)) await sender.waitDrain();
  }
  // Anything the node drops would never arrive: give up 10 s after the last write and count what came.
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
  await Promise.race([finished, timeout]);
  return { seconds: (performance.now() - started) / 1_000, received };
}

async function roundTripRows(endpoint: string, transportLabel: string, hasher: NameHasher): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const kind of ['bare link', 'SlimClient'] as const) {
    const aName = parseSlimName(`bench/rtt/${kind === 'bare link' ? 'bare' : 'client'}-a`);
    const bName = parseSlimName(`bench/rtt/${kind === 'bare link' ? 'bare' : 'client'}-b`);
    const a = kind === 'bare link' ? await barePeer(endpoint, hasher, aName) : await clientPeer(endpoint, aName);
    const b = kind === 'bare link' ? await barePeer(endpoint, hasher, bName) : await clientPeer(endpoint, bName);
    const samples = await pingPong(a, b, aName, bName);
    rows.push(
      { name: `round trip p50 (${kind}, ${transportLabel})`, value: us(percentile(samples, 50)), unit: 'µs', note: `${ROUND_TRIPS} after ${WARMUP} warm-up` },
      { name: `round trip p99 (${kind}, ${transportLabel})`, value: us(percentile(samples, 99)), unit: 'µs' },
    );
    await a.close();
    await b.close();
  }
  return rows;
}

async function main(): Promise<void> {
  const hasher = await loadNameHasher();
  const rows: BenchRow[] = [];
  const nodes: SlimNodeHandle[] = [];
  const socket = await createUnixSocketEndpoint('kz-bench-');
  try {
    const tcpNode = await launchSlimNode({ endpoint: `127.0.0.1:${await pickFreeTcpPort()}` });
    nodes.push(tcpNode);
    const unixNode = await launchSlimNode({ endpoint: socket.endpoint });
    nodes.push(unixNode);

    rows.push(...(await roundTripRows(tcpNode.endpoint, 'TCP', hasher)));
    rows.push(...(await roundTripRows(unixNode.endpoint, 'unix socket', hasher)));

    for (const kind of ['bare link', 'SlimClient'] as const) {
      const tag = kind === 'bare link' ? 'bare' : 'client';
      const fromName = parseSlimName(`bench/oneway/${tag}-from`);
      const toName = parseSlimName(`bench/oneway/${tag}-to`);
      const from = kind === 'bare link' ? await barePeer(tcpNode.endpoint, hasher, fromName) : await clientPeer(tcpNode.endpoint, fromName);
      const to = kind === 'bare link' ? await barePeer(tcpNode.endpoint, hasher, toName) : await clientPeer(tcpNode.endpoint, toName);
      const result = await oneWay(from, to, toName, ONE_WAY);
      rows.push(
        { name: `one-way throughput (${kind}, TCP)`, value: Math.round(result.received / result.seconds), unit: 'msg/s', note: `${ONE_WAY} × 200 B` },
        { name: `one-way lost (${kind}, TCP)`, value: ONE_WAY - result.received, unit: 'messages' },
      );
      await from.close();
      await to.close();
    }

    const room = parseSlimName('bench/fanout/room');
    const sender = await clientPeer(tcpNode.endpoint, parseSlimName('bench/fanout/sender'), [], FANOUT_ALL);
    const subscribers = await Promise.all(
      Array.from({ length: FANOUT_SUBSCRIBERS }, (_, i) => clientPeer(tcpNode.endpoint, parseSlimName(`bench/fanout/sub${i}`), [room])),
    );
    const fan = await oneWay(sender, subscribers[0] as Peer, room, FANOUT_PUBLISHES, FANOUT_SUBSCRIBERS, subscribers);
    rows.push(
      {
        name: `fan-out deliveries (SlimClient, ${FANOUT_SUBSCRIBERS} subscribers, TCP)`,
        value: Math.round(fan.received / fan.seconds),
        unit: 'deliveries/s',
        note: `${FANOUT_PUBLISHES} publishes`,
      },
      { name: 'fan-out lost', value: FANOUT_PUBLISHES * FANOUT_SUBSCRIBERS - fan.received, unit: 'deliveries' },
    );
    await sender.close();
    await Promise.all(subscribers.map((s) => s.close()));
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await socket.cleanup();
  }
  report('transport', rows);
}

await main();
