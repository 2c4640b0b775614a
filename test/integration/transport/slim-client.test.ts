import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSlimName, parseSlimName } from '../../../shared/domain/slim-name.js';
import { isKizunaError } from '../../../shared/errors/kizuna-error.js';
import { SlimClient, type TransportStateChange } from '../../../main/core/transport/slim-client.js';
import { FANOUT_ALL, SessionMessageType, SessionType } from '../../../main/core/transport/slim-wire-enums.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { collect, createSlimTestKit, text, untilAll } from '../../helpers/slim-test-kit.js';

const kit = createSlimTestKit();
let node: SlimNodeHandle;
beforeAll(async () => {
  node = await kit.startNode();
});
afterAll(() => kit.dispose());

describe('SLIM client against a real node', () => {
  it('negotiates the link and goes connecting → online', async () => {
    const client = await kit.client(node.endpoint, 'org/ns/negotiator', { connect: false });
    const states: TransportStateChange[] = [];
    client.on('state', (s) => states.push(s));
    await client.connect();
    expect(states.map((s) => s.state)).toEqual(['connecting', 'online']);
    expect(client.state).toBe('online');
    await client.close();
    expect(client.state).toBe('offline');
    expect(client.isClosed).toBe(true);
  });

  it('subscribes with an ack, then delivers publishes between separate connections with all header fields', async () => {
    const alice = await kit.client(node.endpoint, 'org/ns/alice');
    const bob = await kit.client(node.endpoint, 'org/ns/bob');
    await bob.subscribe(parseSlimName('org/ns/bob'));
    expect(bob.subscriptions().map(formatSlimName)).toEqual(['org/ns/bob']);
    const inbox = collect(bob);
    alice.publish(parseSlimName('org/ns/bob'), text('hello bob'), {
      payloadType: 'kizuna/test',
      session: { sessionType: SessionType.MULTICAST, messageType: SessionMessageType.MSG, sessionId: 4242, messageId: 7 },
      metadata: { 'x-kizuna': 'yes' },
    });
    await inbox.until(1);
    const [m] = inbox.messages;
    expect(inbox.texts()).toEqual(['hello bob']);
    expect(m?.source.name).toEqual(parseSlimName('org/ns/alice'));
    expect(m?.destination.name).toEqual(parseSlimName('org/ns/bob'));
    expect(m?.payloadType).toBe('kizuna/test');
    expect(m?.session).toEqual({ sessionType: 2, messageType: 1, sessionId: 4242, messageId: 7 });
    expect(m?.metadata).toEqual({ 'x-kizuna': 'yes' });
    expect(alice.stats().published).toBe(1);
    expect(bob.stats().received).toBe(1);
  });

  it('fans out: fanout 1 picks one subscriber per message, fanout "all" reaches every subscriber', async () => {
    const sender = await kit.client(node.endpoint, 'org/ns/fan-sender');
    const room = parseSlimName('org/ns/room');
    const members = await Promise.all([1, 2, 3].map((i) => kit.client(node.endpoint, `org/ns/member${i}`)));
    await Promise.all(members.map((m) => m.subscribe(room)));
    const inboxes = members.map(collect);
    const total = () => inboxes.reduce((n, b) => n + b.messages.length, 0);

    for (let i = 0; i < 6; i += 1) sender.publish(room, text(`one-${i}`), { fanout: 1 });
    await untilAll(inboxes, () => total() >= 6);
    expect(total()).toBe(6);
    expect(new Set(inboxes.flatMap((b) => b.texts())).size).toBe(6); // no duplicates
    expect(inboxes.every((b) => b.messages.length >= 1)).toBe(true); // round robin spreads them

    for (const b of inboxes) b.messages.length = 0;
    sender.publish(room, text('everyone'), { fanout: FANOUT_ALL });
    await Promise.all(inboxes.map((b) => b.until(1)));
    expect(inboxes.map((b) => b.texts())).toEqual([['everyone'], ['everyone'], ['everyone']]);
  });

  it('routes by instance id: a specific id reaches only that instance; "any" reaches every instance', async () => {
    const sender = await kit.client(node.endpoint, 'org/ns/id-sender');
    const carolA = parseSlimName('org/ns/carol/00000000-0000-0000-0000-00000000000a');
    const carolB = parseSlimName('org/ns/carol/00000000-0000-0000-0000-00000000000b');
    const carolAny = parseSlimName('org/ns/carol');
    const a = await kit.client(node.endpoint, 'org/ns/carol-a');
    const b = await kit.client(node.endpoint, 'org/ns/carol-b');
    const any = await kit.client(node.endpoint, 'org/ns/carol-any');
    await a.subscribe(carolA);
    await b.subscribe(carolB);
    await any.subscribe(carolAny);
    const [inA, inB, inAny] = [a, b, any].map(collect);

    // Sentinels (fanout all to the NULL id) are sent after each probe, on the same sender connection, so
    // once every receiver saw the sentinel, anything addressed to it earlier has arrived too.
    sender.publish(carolA, text('to-a'), { fanout: FANOUT_ALL });
    sender.publish(carolAny, text('to-any'), { fanout: FANOUT_ALL });
    await Promise.all([inA, inB, inAny].map((inbox) => inbox?.untilText('to-any')));
    expect(inA?.texts()).toEqual(['to-a', 'to-any']);
    expect(inB?.texts()).toEqual(['to-any']);
    expect(inAny?.texts()).toEqual(['to-any']);
    expect(inA?.messages[0]?.destination.instanceId).toBe(0xan);
  });

  it('stops delivery after unsubscribe (checked against a later sentinel, not a sleep)', async () => {
    const sender = await kit.client(node.endpoint, 'org/ns/unsub-sender');
    const dave = await kit.client(node.endpoint, 'org/ns/dave');
    const topic = parseSlimName('org/ns/topic-x');
    const sentinel = parseSlimName('org/ns/dave-sentinel');
    await dave.subscribe(topic);
    await dave.subscribe(sentinel);
    const inbox = collect(dave);
    sender.publish(topic, text('before'));
    await inbox.until(1);
    await dave.unsubscribe(topic);
    expect(dave.subscriptions().map(formatSlimName)).toEqual(['org/ns/dave-sentinel']);
    sender.publish(topic, text('after'));
    sender.publish(sentinel, text('sentinel'));
    await inbox.untilText('sentinel');
    expect(inbox.texts()).toEqual(['before', 'sentinel']);
    // Subscribing again works (the node filed the first subscription under its own id).
    await dave.subscribe(topic);
    sender.publish(topic, text('again'));
    await inbox.untilText('again');
  });

  it('refuses bad input with clear errors and keeps working', async () => {
    const client = await kit.client(node.endpoint, 'org/ns/careful');
    expect(() => client.publish({ org: 'org', namespace: 'ns', agent: 'two words' }, text('x'))).toThrow(/whitespace/);
    expect(() => client.publish(parseSlimName('org/ns/x'), text('x'), { ttl: 1 })).toThrow(/ttl/);
    expect(() => client.publish(parseSlimName('org/ns/x'), 'not bytes' as unknown as Uint8Array)).toThrow(/bytes/);
    await expect(client.subscribe({ org: '', namespace: 'ns', agent: 'x' })).rejects.toMatchObject({ code: 'INVALID_SLIM_NAME' });
    expect(() => new SlimClient({ endpoint: 'nonsense', localName: parseSlimName('o/n/a') })).toThrow(/endpoint/);
    expect(client.state).toBe('online');
  });

  it('throws TRANSPORT_CLOSED when publishing while not online, and NODE_UNREACHABLE when connect() cannot reach a node', async () => {
    const client = new SlimClient({ endpoint: '127.0.0.1:1', localName: parseSlimName('o/n/lonely'), backoff: { initialDelayMs: 20, maxDelayMs: 50 } });
    try {
      client.publish(parseSlimName('o/n/x'), text('x'));
      throw new Error('published while offline');
    } catch (error) {
      expect(isKizunaError(error, 'TRANSPORT_CLOSED')).toBe(true);
    }
    const error = await client.connect({ timeoutMs: 500 }).then(() => undefined, (e: unknown) => e);
    expect(isKizunaError(error, 'NODE_UNREACHABLE')).toBe(true);
    expect(client.isClosed).toBe(true);
  });

  it('works over an owner-only unix socket', async () => {
    const socket = await kit.unixEndpoint();
    const unixNode = await kit.startNode({ endpoint: socket.endpoint });
    const alice = await kit.client(unixNode.endpoint, 'org/ns/ualice');
    const bob = await kit.client(unixNode.endpoint, 'org/ns/ubob');
    await bob.subscribe(parseSlimName('org/ns/ubob'));
    const inbox = collect(bob);
    alice.publish(parseSlimName('org/ns/ubob'), text('over unix'));
    await inbox.until(1);
    expect(inbox.texts()).toEqual(['over unix']);
  });
});
