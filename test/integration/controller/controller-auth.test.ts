/**
 * Issue 8, class 7: the controller authenticates both sides. Operators need their token for the
 * northbound API; real SLIM nodes present theirs on the southbound stream (a header in the node's own
 * controller client configuration); a node id belongs to the first identity that registered it, so a
 * second node with another token cannot take its place; a non-loopback bind without auth is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, makeGenericClientConstructor, Metadata, status, type Client, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { isKizunaError } from '../../../shared/errors/kizuna-error.js';
import { createControllerAuth } from '../../../main/core/controller/controller-auth.js';
import { startController, type ControllerHandle } from '../../../main/core/controller/controller-server.js';
import { controllerServiceDefinition, SOUTHBOUND_SERVICE } from '../../../main/core/controller/controller-proto.js';
import type { ControlMessage } from '../../../main/core/controller/node-control.js';
import { createSlimTestKit } from '../../helpers/slim-test-kit.js';
import { tempDir } from '../../helpers/test-engines.js';
import { controlPlaneClient, failure } from '../../unit/core/controller/controller-test-client.js';

const OPERATOR = 'operator-token-0123456789abcdef0123456789abcdef';
const NODE_A = 'node-a-token-0123456789abcdef0123456789abcdef';
const NODE_B = 'node-b-token-0123456789abcdef0123456789abcdef';
const auth = createControllerAuth([
  { identity: 'ops', role: 'operator', token: OPERATOR },
  { identity: 'edge-a', role: 'node', token: NODE_A },
  { identity: 'edge-b', role: 'node', token: NODE_B },
]);

const kit = createSlimTestKit();
const dir = tempDir('kizuna-controller-auth-');
let controller: ControllerHandle;

type Southbound = Client & { OpenControlChannel(metadata: Metadata): ClientDuplexStream<object, ControlMessage> };

/** Opens the southbound stream as an attacker's grpc-js client would and sends one registration. */
function registerRaw(token: string | undefined, nodeId: string, claimedPrincipal?: string): Promise<{ response?: ControlMessage; error?: ServiceError }> {
  const Ctor = makeGenericClientConstructor(controllerServiceDefinition(SOUTHBOUND_SERVICE), 'ControllerService');
  const client = new Ctor(controller.address, credentials.createInsecure()) as unknown as Southbound;
  const metadata = new Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  if (claimedPrincipal !== undefined) metadata.set('x-kizuna-controller-principal', claimedPrincipal);
  const stream = client.OpenControlChannel(metadata);
  return new Promise((resolve) => {
    const done = (r: { response?: ControlMessage; error?: ServiceError }): void => {
      stream.cancel();
      client.close();
      resolve(r);
    };
    stream.on('data', (m: ControlMessage) => {
      if (m['register_node_response'] !== undefined && m['register_node_response'] !== null) done({ response: m });
    });
    stream.on('error', (error: ServiceError) => done({ error }));
    stream.write({ message_id: 'reg-1', register_node_request: { node_id: nodeId, connection_details: [{ endpoint: '127.0.0.1:1' }] } });
  });
}

beforeAll(async () => {
  controller = await startController({ dataDir: dir.path, host: '127.0.0.1', port: 0, auth });
});

afterAll(async () => {
  await kit.dispose();
  await controller.close();
  dir.cleanup();
});

describe('controller authentication', () => {
  it('refuses northbound calls without a token, with an unknown token, or with a node token', async () => {
    for (const token of [undefined, 'x'.repeat(48), NODE_A]) {
      const client = controlPlaneClient(controller.address, token === undefined ? {} : { token });
      const f = await failure(client.call('ListNodes', {}));
      client.close();
      if (token === NODE_A) expect([f.code, f.kizunaCode]).toEqual([status.PERMISSION_DENIED, 'CONTROLLER_FORBIDDEN']);
      else expect([f.code, f.kizunaCode]).toEqual([status.UNAUTHENTICATED, 'CONTROLLER_UNAUTHENTICATED']);
    }
    const anonymousCreate = controlPlaneClient(controller.address);
    const f = await failure(anonymousCreate.call('CreateChannel', { moderators: ['org/ns/mod'] }));
    anonymousCreate.close();
    expect(f.code).toBe(status.UNAUTHENTICATED);
    expect(controller.store.channels()).toEqual([]);
  });

  it('refuses a southbound stream without a node token (and an operator token)', async () => {
    expect((await registerRaw(undefined, 'slim/x')).error?.code).toBe(status.UNAUTHENTICATED);
    expect((await registerRaw(OPERATOR, 'slim/x')).error?.code).toBe(status.PERMISSION_DENIED);
    expect(controller.store.node('slim/x')).toBeUndefined();
  });

  it('lets a real SLIM node with its token register, and an operator see it', async () => {
    const registered = controller.nodes.events.waitFor('registered', (e) => e.nodeId === 'slim/a', 15_000);
    const node = await kit.startNode({ controller: { endpoint: controller.address, nodeId: 'slim/a', token: NODE_A } });
    await registered;
    const ops = controlPlaneClient(controller.address, { token: OPERATOR });
    const nodes = await ops.call<{ entries: { id: string; status: string; port: number }[] }>('ListNodes', {});
    ops.close();
    expect(nodes.entries.map((n) => [n.id, n.status, n.port])).toEqual([['slim/a', 'CONNECTED', Number(node.endpoint.split(':')[1])]]);
  });

  it('refuses a second identity registering under the node id slim/a (a real node, then a raw client)', async () => {
    const refused = controller.nodes.events.waitFor('refused', (e) => e.nodeId === 'slim/a' && e.identity === 'edge-b', 15_000);
    const impostor = await kit.startNode({ controller: { endpoint: controller.address, nodeId: 'slim/a', token: NODE_B } });
    await refused;
    const raw = await registerRaw(NODE_B, 'slim/a');
    expect(raw.response?.['register_node_response']).toMatchObject({ success: false });
    // Claiming to be edge-a in the controller's own principal header changes nothing.
    expect((await registerRaw(NODE_B, 'slim/a', 'edge-a')).response?.['register_node_response']).toMatchObject({ success: false });
    // The genuine node keeps its place: still connected, its endpoint unchanged.
    expect(controller.nodes.connectedNodes()).toEqual(['slim/a']);
    expect(controller.store.node('slim/a')?.endpoints).not.toContain(impostor.endpoint);
    // The owner itself may register again (restart, reconnect).
    expect((await registerRaw(NODE_A, 'slim/a')).response?.['register_node_response']).toMatchObject({ success: true });
  });

  it('refuses a non-loopback bind without auth, and with tokens but no TLS', async () => {
    for (const options of [{}, { auth }]) {
      const error = await startController({ dataDir: dir.path, host: '0.0.0.0', port: 0, ...options }).then(
        async (c) => {
          await c.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(isKizunaError(error, 'CONTROLLER_AUTH_REQUIRED')).toBe(true);
    }
  });
});
