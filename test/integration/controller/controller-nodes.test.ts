/**
 * Two real SLIM nodes (from @agntcy/slim-bindings) that dial the controller over SLIM's southbound
 * OpenControlChannel; CreateConnection and CreateSubscription wire them so that clients on different
 * nodes reach each other, and the wiring comes back after a node restarts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import { FANOUT_ALL } from '../../../main/core/transport/slim-wire-enums.js';
import { startController, type ControllerHandle } from '../../../main/core/controller/controller-server.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import type { SlimClient } from '../../../main/core/transport/slim-client.js';
import { collect, createSlimTestKit, text, type Inbox } from '../../helpers/slim-test-kit.js';
import { waitUntil } from '../../helpers/wait-for.js';
import { tempDir } from '../../helpers/test-engines.js';
import { controlPlaneClient, failure, type ControlPlaneTestClient } from '../../unit/core/controller/controller-test-client.js';

const kit = createSlimTestKit();
const dir = tempDir('kizuna-controller-');
let controller: ControllerHandle;
let client: ControlPlaneTestClient;
let nodeA: SlimNodeHandle;
let nodeB: SlimNodeHandle;

async function startWiredNode(nodeId: string, endpoint?: string): Promise<SlimNodeHandle> {
  const registered = controller.nodes.events.waitFor('registered', (e) => e.nodeId === nodeId, 15_000);
  const node = await kit.startNode({ controller: { endpoint: controller.address, nodeId }, ...(endpoint === undefined ? {} : { endpoint }) });
  await registered;
  return node;
}

beforeAll(async () => {
  controller = await startController({ dataDir: dir.path, host: '127.0.0.1', port: 0 });
  client = controlPlaneClient(controller.address);
  nodeA = await startWiredNode('slim/a');
  nodeB = await startWiredNode('slim/b');
});

afterAll(async () => {
  client.close();
  await kit.dispose();
  await controller.close();
  dir.cleanup();
});

describe('controller wiring two SLIM nodes', () => {
  it('lists both nodes as connected', async () => {
    const nodes = await client.call<{ entries: { id: string; port: number; status: string }[] }>('ListNodes', {});
    expect(nodes.entries.map((n) => [n.id, n.status])).toEqual([
      ['slim/a', 'CONNECTED'],
      ['slim/b', 'CONNECTED'],
    ]);
    expect(nodes.entries[0]?.port).toBe(Number(nodeA.endpoint.split(':')[1]));
  });

  let alice: SlimClient;
  let bob: SlimClient;
  let atAlice: Inbox;
  let atBob: Inbox;

  it('carries traffic between clients on different nodes once a connection and routes exist', async () => {
    alice = await kit.client(nodeA.endpoint, 'org/ns/alice');
    bob = await kit.client(nodeB.endpoint, 'org/ns/bob');
    await alice.subscribe(parseSlimName('org/ns/alice'));
    await bob.subscribe(parseSlimName('org/ns/bob'));
    atBob = collect(bob);
    atAlice = collect(alice);

    const conn = await client.call<{ success: boolean; connection_id: string }>('CreateConnection', {
      node_id: 'slim/a',
      connection: { connection_id: `http://${nodeB.endpoint}`, config_data: JSON.stringify({ endpoint: `http://${nodeB.endpoint}` }) },
    });
    expect(conn).toEqual({ success: true, connection_id: `http://${nodeB.endpoint}` });
    // Node A forwards bob's name over the link; node B forwards alice's name back over the same link.
    const toBob = await client.call<{ success: boolean; subscription_id: string }>('CreateSubscription', {
      node_id: 'slim/a',
      subscription: { component_0: 'org', component_1: 'ns', component_2: 'bob', connection_id: conn.connection_id },
    });
    const toAlice = await client.call<{ success: boolean; subscription_id: string }>('CreateSubscription', {
      node_id: 'slim/b',
      subscription: { component_0: 'org', component_1: 'ns', component_2: 'alice', connection_id: conn.connection_id },
    });
    expect(toBob.success && toAlice.success).toBe(true);

    alice.publish(parseSlimName('org/ns/bob'), text('hello bob, from node a'));
    await atBob.untilText('hello bob, from node a');
    bob.publish(parseSlimName('org/ns/alice'), text('hello alice, from node b'));
    await atAlice.untilText('hello alice, from node b');
  });

  it('learns routes: names subscribed on one node reach the other over the link without explicit subscriptions', async () => {
    const carol = await kit.client(nodeA.endpoint, 'org/ns/carol');
    const dave = await kit.client(nodeB.endpoint, 'org/ns/dave');
    const channel = parseSlimName('org/groups/chat');
    for (const c of [carol, dave]) await c.subscribe(channel);
    await carol.subscribe(parseSlimName('org/ns/carol'));
    await dave.subscribe(parseSlimName('org/ns/dave'));
    const atCarol = collect(carol);
    const atDave = collect(dave);
    // The nodes report the new subscriptions and the controller spreads them: publish until they arrive.
    const keepSending = (send: () => void, until: Promise<void>): Promise<void> => {
      send();
      const timer = setInterval(send, 200);
      return until.finally(() => clearInterval(timer));
    };
    await keepSending(() => carol.publish(parseSlimName('org/ns/dave'), text('carol to dave')), atDave.untilText('carol to dave', 10_000));
    await keepSending(() => dave.publish(parseSlimName('org/ns/carol'), text('dave to carol')), atCarol.untilText('dave to carol', 10_000));
    // A group channel with members on both nodes: one publish (to all) reaches the member across the link.
    await keepSending(() => carol.publish(channel, text('to the channel'), { fanout: FANOUT_ALL }), atDave.untilText('to the channel', 10_000));
  });

  it('refuses unknown nodes, unknown connections, duplicates and malformed config', async () => {
    const unknownNode = await failure(client.call('CreateConnection', { node_id: 'slim/nowhere', connection: { config_data: '{"endpoint":"http://127.0.0.1:1"}' } }));
    expect(unknownNode).toMatchObject({ code: status.NOT_FOUND, kizunaCode: 'NODE_NOT_FOUND' });
    const badJson = await failure(client.call('CreateConnection', { node_id: 'slim/a', connection: { config_data: '{"endpoint": ' } }));
    expect(badJson).toMatchObject({ code: status.INVALID_ARGUMENT, kizunaCode: 'CONNECTION_CONFIG_INVALID' });
    const unknownConn = await failure(
      client.call('CreateSubscription', { node_id: 'slim/a', subscription: { component_0: 'org', component_1: 'ns', component_2: 'x', connection_id: 'nope' } }),
    );
    expect(unknownConn).toMatchObject({ code: status.NOT_FOUND, kizunaCode: 'CONNECTION_NOT_FOUND' });
    const dupConn = await failure(
      client.call('CreateConnection', { node_id: 'slim/a', connection: { connection_id: `http://${nodeB.endpoint}`, config_data: JSON.stringify({ endpoint: `http://${nodeB.endpoint}` }) } }),
    );
    expect(dupConn).toMatchObject({ code: status.ALREADY_EXISTS, kizunaCode: 'CONNECTION_EXISTS' });
    const dupSub = await failure(
      client.call('CreateSubscription', {
        node_id: 'slim/a',
        subscription: { component_0: 'org', component_1: 'ns', component_2: 'bob', connection_id: `http://${nodeB.endpoint}` },
      }),
    );
    expect(dupSub).toMatchObject({ code: status.ALREADY_EXISTS, kizunaCode: 'SUBSCRIPTION_EXISTS' });
  });

  it('re-applies links and routes when a node restarts', async () => {
    const endpoint = nodeA.endpoint;
    const disconnected = controller.nodes.events.waitFor('disconnected', (e) => e.nodeId === 'slim/a', 10_000);
    await nodeA.stop();
    await disconnected;
    const synced = controller.nodes.events.waitFor('synced', (e) => e.nodeId === 'slim/a', 20_000);
    nodeA = await startWiredNode('slim/a', endpoint);
    await synced;
    // Alice's client reconnects to the restarted node by itself and subscribes her name again.
    await waitUntil(alice, 'state', () => alice.state === 'online' && alice.stats().reconnects >= 1, 15_000);
    alice.publish(parseSlimName('org/ns/bob'), text('after restart: to bob'));
    await atBob.untilText('after restart: to bob', 10_000);
    bob.publish(parseSlimName('org/ns/alice'), text('after restart: to alice'));
    await atAlice.untilText('after restart: to alice', 10_000);
  });
});
