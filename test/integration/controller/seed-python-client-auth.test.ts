/**
 * Seed 000's Python controller client against a controller that requires tokens (issue 8, class 7).
 * The fragment runs as written (address substituted): refused with UNAUTHENTICATED, nothing created.
 * Then the same fragment with its channel wrapped by a standard grpc client interceptor that adds
 * `authorization: Bearer <token>` (the one line an operator adds) creates the channel.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createControllerAuth } from '../../../main/core/controller/controller-auth.js';
import { startController, type ControllerHandle } from '../../../main/core/controller/controller-server.js';
import { protoPath } from '../../../main/core/wire/proto-root.js';
import { tempDir } from '../../helpers/test-engines.js';
import { recordingModerator } from '../../unit/core/controller/recording-moderator.js';

const PYTHON = '/usr/bin/python3';
const TOKEN = 'operator-token-for-the-python-client-0123456789';

/** Seed 000's "Creating a SLIM Channel" fragment, unchanged. */
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

/** A standard grpc-python client interceptor adding the bearer token (from the environment) to every call. */
const BEARER_INTERCEPTOR = `import collections, os, grpc

class _Details(collections.namedtuple("_Details", ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression")), grpc.ClientCallDetails):
    pass

class BearerToken(grpc.UnaryUnaryClientInterceptor):
    def intercept_unary_unary(self, continuation, d, request):
        metadata = list(d.metadata or []) + [("authorization", "Bearer " + os.environ["KIZUNA_CONTROLLER_TOKEN"])]
        return continuation(_Details(d.method, d.timeout, metadata, d.credentials, d.wait_for_ready, d.compression), request)
`;

const dir = tempDir('kizuna-seed-python-auth-');
const run = promisify(execFile);
let controller: ControllerHandle;
let stubs: string;

async function runFragment(name: string, withToken: boolean): Promise<string> {
  const address = `"localhost:${controller.port}"`;
  let fragment = CREATE_CHANNEL.replaceAll('"localhost:50051"', address);
  if (withToken) fragment = fragment.replace(`grpc.insecure_channel(${address})`, `grpc.intercept_channel(grpc.insecure_channel(${address}), BearerToken())`);
  const body = fragment
    .split('\n')
    .map((line) => (line.length > 0 ? `    ${line}` : line))
    .join('\n');
  const file = join(dir.path, `${name}.py`);
  writeFileSync(file, `${BEARER_INTERCEPTOR}\ndef main():\n${body}\n\nmain()\n`);
  const { stdout } = await run(PYTHON, [file], { env: { ...process.env, PYTHONPATH: stubs, KIZUNA_CONTROLLER_TOKEN: TOKEN }, encoding: 'utf8', timeout: 30_000 });
  return stdout;
}

beforeAll(async () => {
  if (!existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import grpc, grpc_tools.protoc']).status !== 0) {
    throw new Error(`${PYTHON} lacks grpc: install Debian's python3-grpcio and python3-grpc-tools`);
  }
  stubs = join(dir.path, 'stubs');
  mkdirSync(stubs);
  const include = execFileSync(PYTHON, ['-c', "import os, grpc_tools; print(os.path.join(os.path.dirname(grpc_tools.__file__), '_proto'))"], { encoding: 'utf8' }).trim();
  const protoRoot = protoPath('controlplane/v1/controlplane.proto').replace(/controlplane\/v1\/controlplane\.proto$/, '');
  execFileSync(PYTHON, ['-m', 'grpc_tools.protoc', `-I${protoRoot}`, `-I${include}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, 'controlplane/v1/controlplane.proto', 'grpc_api/grpc_api.proto']);
  const auth = createControllerAuth([{ identity: 'ops', role: 'operator', token: TOKEN }]);
  controller = await startController({ dataDir: dir.path, host: 'localhost', port: 0, moderator: recordingModerator(), auth });
}, 60_000);

afterAll(async () => {
  await controller?.close();
  dir.cleanup();
});

describe('seed 000 Python client against an authenticating controller', () => {
  it('is refused without a token, and nothing is created', async () => {
    const out = await runFragment('no_token', false);
    expect(out).toMatch(/Request failed: .*UNAUTHENTICATED/s);
    expect(controller.store.channels()).toEqual([]);
  });

  it('creates the channel with the bearer token added by an interceptor', async () => {
    const out = await runFragment('with_token', true);
    expect(out).toMatch(/^Channel created with ID: \S+/m);
    expect(controller.store.channels()).toHaveLength(1);
  });
});
