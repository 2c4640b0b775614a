import grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { SlimConnection } from '../../../main/core/transport/slim-connection.js';
import { getSlimProtoCodec, OPEN_CHANNEL_METHOD } from '../../../main/core/transport/slim-proto-codec.js';
import { buildPublish } from '../../../main/core/transport/slim-message-builder.js';
import { encodeSlimName, loadNameHasher } from '../../../main/core/transport/slim-name-encoding.js';
import type { WireMessage } from '../../../main/core/transport/slim-wire-types.js';
import { collect, createSlimTestKit, text } from '../../helpers/slim-test-kit.js';
import { waitUntil } from '../../helpers/wait-for.js';

const kit = createSlimTestKit();
let node: SlimNodeHandle;
beforeAll(async () => {
  node = await kit.startNode();
});
afterAll(() => kit.dispose());

describe('malformed input', () => {
  it('a receiver drops forged or foreign frames routed to it, counts them, and keeps receiving', async () => {
    const bob = await kit.client(node.endpoint, 'org/ns/bob');
    const bobName = parseSlimName('org/ns/bob');
    await bob.subscribe(bobName);
    const inbox = collect(bob);

    // A rogue sender speaking raw frames through its own negotiated link.
    const hasher = await loadNameHasher();
    const rogue = SlimConnection.start({
      endpoint: node.endpoint,
      nodeId: 'rogue',
      negotiationTimeoutMs: 3_000,
      keepaliveMs: 0,
      codec: getSlimProtoCodec(),
      hasher,
    });
    await rogue.ready;
    const bobWire = encodeSlimName(hasher, bobName);
    const mallory = encodeSlimName(hasher, parseSlimName('org/ns/mallory'));
    const claimsAlice = { ...mallory, str_name: { str_component_0: 'org', str_component_1: 'ns', str_component_2: 'alice' } };
    const frames: WireMessage[] = [
      // The string name says alice, the routed hashes say mallory.
      buildPublish({ source: claimsAlice, destination: bobWire, payloadType: 't', blob: text('forged') }),
      // SLIM session-control traffic (from an official SLIM app, say): not ours to interpret.
      { publish: { header: { source: mallory, destination: bobWire, ttl: 8 }, session: {}, msg: { command_payload: { discovery_request: {} } } } },
      // Content missing entirely.
      { publish: { header: { source: mallory, destination: bobWire, ttl: 8 }, session: {} } },
    ];
    for (const frame of frames) rogue.send(frame);
    rogue.send(buildPublish({ source: mallory, destination: bobWire, payloadType: 't', blob: text('honest') }));
    await inbox.untilText('honest');
    await waitUntil(bob, 'dropped', () => bob.stats().dropped.malformed >= 2 && bob.stats().dropped['command-payload'] >= 1);
    expect(inbox.texts()).toEqual(['honest']);
    expect(bob.stats().dropped).toMatchObject({ malformed: 2, 'command-payload': 1 });
    expect(bob.state).toBe('online');
    rogue.close();
  });

  it('garbage on another stream does not disturb the node or other clients', async () => {
    const alice = await kit.client(node.endpoint, 'org/ns/alice');
    const bob = await kit.client(node.endpoint, 'org/ns/bob2');
    await bob.subscribe(parseSlimName('org/ns/bob2'));
    const inbox = collect(bob);

    const raw = new grpc.Client(node.endpoint, grpc.credentials.createInsecure());
    const identity = (b: Buffer): Buffer => b;
    const call = raw.makeBidiStreamRequest<Buffer, Buffer>(OPEN_CHANNEL_METHOD, identity, identity, new grpc.Metadata());
    const ended = new Promise<void>((resolve) => {
      call.on('error', () => resolve());
      call.on('end', () => resolve());
    });
    call.on('data', () => undefined);
    call.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x01]));
    call.write(Buffer.from('not a protobuf at all'));
    await ended; // the node closes a stream that does not begin with a link negotiation
    raw.close();

    alice.publish(parseSlimName('org/ns/bob2'), text('still fine'));
    await inbox.untilText('still fine');
  });
});
