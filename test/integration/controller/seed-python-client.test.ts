/**
 * The official Python gRPC client as a real outside client: Debian's python3-grpcio and
 * python3-grpc-tools generate stubs from our .proto files (at test time, into a temporary folder), and
 * the three controller fragments of seed 000 run as written — only the controller's address and the
 * target node's address substituted — against our controller, which wires two real SLIM nodes.
 *
 * Each fragment is wrapped in a function (its body unchanged) because two of them `return` at top
 * level, which Python only accepts inside a function.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import { startController, type ControllerHandle } from '../../../main/core/controller/controller-server.js';
import { protoPath } from '../../../main/core/wire/proto-root.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { collect, createSlimTestKit, text } from '../../helpers/slim-test-kit.js';
import { tempDir } from '../../helpers/test-engines.js';
import { controlPlaneClient, type ControlPlaneTestClient } from '../../unit/core/controller/controller-test-client.js';
import { recordingModerator } from '../../unit/core/controller/recording-moderator.js';

/** Debian's interpreter (the python3 first on PATH may be another one without the packages). */
const PYTHON = '/usr/bin/python3';

const CREATE_CHANNEL = `import grpc
from controlplane.v1 import controlplane_pb2_grpc as controlplane_api
from controlplane.v1 import controlplane_pb2

# Create gRPC connection
channel = grpc.insecure_channel("localhost:50051")
client = controlplane_api.ControlPlaneServiceStub(channel)

# Create channel request
create_channel_request = controlplane_pb2.CreateChannelRequest(
    moderators=["agntcy/namespace/moderator"]  # Name of the moderator
)

try:
    response = client.CreateChannel(create_channel_request)
    channel_id = response.channel_id

    if not response:
        print("\\nNo channels found")
        return

    print(f"Channel created with ID: {channel_id}")

except grpc.RpcError as e:
    print(f"Request failed: {e}")
finally:
    channel.close()
`;

const ADD_PARTICIPANT = `import grpc
from controlplane.v1 import controlplane_pb2_grpc as controlplane_api
from controlplane.v1 import controlplane_pb2

# Create gRPC connection
channel = grpc.insecure_channel("localhost:50051")
client = controlplane_api.ControlPlaneServiceStub(channel)

# Add participant request
add_participant_request = controlplane_pb2.AddParticipantRequest(
    participant_id="agntcy/namespace/participant_1",
    channel_id="agntcy/namespace/group_channel"
)

try:
    ack = client.AddParticipant(add_participant_request)

    print(f"ACK received for {ack.original_message_id}: success={ack.success}")

except grpc.RpcError as e:
    print(f"Request failed: {e}")
finally:
    channel.close()
`;

const SET_ROUTES = `import grpc
from controlplane.v1 import controlplane_pb2_grpc as controlplane_api
from controlplane.v1 import controlplane_pb2
from grpc_api import grpc_api_pb2 as grpcapi

# Create gRPC connection
channel = grpc.insecure_channel("localhost:50051")
client = controlplane_api.ControlPlaneServiceStub(channel)

try:
    # Create connection to the target node
    connection = grpcapi.Connection(
        connection_id="http://127.0.0.1:46357",
        config_data='{"endpoint": "http://127.0.0.1:46357"}'
    )

    create_connection_request = controlplane_pb2.CreateConnectionRequest(
        connection=connection,
        node_id="slim/0"
    )

    create_connection_response = client.CreateConnection(create_connection_request)

    if not create_connection_response.success:
        raise Exception("Failed to create connection")

    connection_id = create_connection_response.connection_id
    print(f"Connection created successfully with ID: {connection_id}")

    # Add subscription for a group to a SLIM node
    subscription = grpcapi.Subscription(
        component_0="agntcy",
        component_1="namespace",
        component_2="group_channel",
        connection_id=connection_id
    )

    create_subscription_request = controlplane_pb2.CreateSubscriptionRequest(
        node_id="slim/0",
        subscription=subscription
    )

    create_subscription_response = client.CreateSubscription(create_subscription_request)

    if not create_subscription_response.success:
        raise Exception("Failed to create subscription")

    print(f"Subscription created successfully with ID: {create_subscription_response.subscription_id}")

except grpc.RpcError as e:
    print(f"gRPC error: {e}")
except Exception as e:
    print(f"Error: {e}")
finally:
    channel.close()
`;

function pythonHasGrpc(): boolean {
  const r = spawnSync(PYTHON, ['-c', 'import grpc, grpc_tools.protoc'], { encoding: 'utf8' });
  return r.status === 0;
}

const kit = createSlimTestKit();
const dir = tempDir('kizuna-seed-python-');
let controller: ControllerHandle;
let client: ControlPlaneTestClient;
let slim0: SlimNodeHandle;
let target: SlimNodeHandle;
let stubs: string;
const moderator = recordingModerator();

const run = promisify(execFile);

/**
 * Runs one fragment as written, with only the addresses substituted; returns what it printed. (Run
 * asynchronously: the controller answers from this very process.)
 */
async function runFragment(name: string, fragment: string): Promise<string> {
  const substituted = fragment.replaceAll('localhost:50051', `localhost:${controller.port}`).replaceAll('127.0.0.1:46357', target.endpoint);
  const body = substituted
    .split('\n')
    .map((line) => (line.length > 0 ? `    ${line}` : line))
    .join('\n');
  const file = join(dir.path, `${name}.py`);
  writeFileSync(file, `def main():\n${body}\n\nmain()\n`);
  const { stdout } = await run(PYTHON, [file], { env: { ...process.env, PYTHONPATH: stubs }, encoding: 'utf8', timeout: 30_000 });
  return stdout;
}

beforeAll(async () => {
  if (!existsSync(PYTHON) || !pythonHasGrpc()) {
    throw new Error(`${PYTHON} lacks grpc: install Debian's python3-grpcio and python3-grpc-tools (apt-get install -y python3-grpcio python3-grpc-tools)`);
  }
  // Stubs from our own protos, generated now.
  stubs = join(dir.path, 'stubs');
  mkdirSync(stubs);
  const include = execFileSync(PYTHON, ['-c', "import os, grpc_tools; print(os.path.join(os.path.dirname(grpc_tools.__file__), '_proto'))"], { encoding: 'utf8' }).trim();
  const protoRoot = protoPath('controlplane/v1/controlplane.proto').replace(/controlplane\/v1\/controlplane\.proto$/, '');
  execFileSync(PYTHON, ['-m', 'grpc_tools.protoc', `-I${protoRoot}`, `-I${include}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, 'controlplane/v1/controlplane.proto', 'grpc_api/grpc_api.proto']);

  controller = await startController({ dataDir: dir.path, host: 'localhost', port: 0, moderator });
  client = controlPlaneClient(`127.0.0.1:${controller.port}`);
  const registered = controller.nodes.events.waitFor('registered', (e) => e.nodeId === 'slim/0', 15_000);
  slim0 = await kit.startNode({ controller: { endpoint: `127.0.0.1:${controller.port}`, nodeId: 'slim/0' } });
  await registered;
  target = await kit.startNode();
  // The seed's second fragment adds a participant to "agntcy/namespace/group_channel": that channel exists.
  await client.call('CreateChannel', { moderators: ['agntcy/namespace/moderator'], channel_id: 'agntcy/namespace/group_channel' });
}, 120_000);

afterAll(async () => {
  client?.close();
  await kit.dispose();
  await controller?.close();
  dir.cleanup();
});

describe('seed 000 controller fragments, run by the official Python gRPC client', () => {
  it('creates a channel', async () => {
    const out = await runFragment('create_channel', CREATE_CHANNEL);
    const match = /^Channel created with ID: (agntcy\/namespace\/moderator-[A-Za-z0-9]{18})$/m.exec(out);
    expect(match, out).not.toBeNull();
    expect((await client.call<{ channel_id: string[] }>('ListChannels', {})).channel_id).toContain(match?.[1]);
  });

  it('adds a participant and gets the ack', async () => {
    const out = await runFragment('add_participant', ADD_PARTICIPANT);
    expect(out, out).toMatch(/^ACK received for [0-9a-f-]{36}: success=True$/m);
    expect((await client.call<{ participant_id: string[] }>('ListParticipants', { channel_id: 'agntcy/namespace/group_channel' })).participant_id).toEqual([
      'agntcy/namespace/participant_1',
    ]);
    expect(moderator.calls).toContain('add agntcy/namespace/participant_1 to agntcy/namespace/group_channel');
  });

  it('sets routes between SLIM nodes, and the route carries traffic', async () => {
    const out = await runFragment('set_routes', SET_ROUTES);
    expect(out, out).toContain(`Connection created successfully with ID: http://${target.endpoint}\n`);
    expect(out, out).toMatch(/^Subscription created successfully with ID: [0-9a-f-]{36}$/m);
    // A publish to the group's channel name on node slim/0 now reaches a subscriber on the target node.
    const receiver = await kit.client(target.endpoint, 'agntcy/namespace/member');
    await receiver.subscribe(parseSlimName('agntcy/namespace/group_channel'));
    const inbox = collect(receiver);
    const sender = await kit.client(slim0.endpoint, 'agntcy/namespace/sender');
    sender.publish(parseSlimName('agntcy/namespace/group_channel'), text('routed by the seed fragment'));
    await inbox.untilText('routed by the seed fragment');
  });

  it('shows a refusal as the seed prints it', async () => {
    const out = await runFragment('add_participant_again', ADD_PARTICIPANT);
    expect(out).toMatch(/^Request failed: .*StatusCode\.ALREADY_EXISTS/ms);
  });
});
