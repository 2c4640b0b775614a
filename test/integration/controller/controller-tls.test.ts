/**
 * The controller over TLS (what a non-loopback bind requires): a real SLIM node verifies the controller's
 * certificate against the CA in its auth file and registers with its token; an operator does the same
 * with grpc-js. A plaintext client gets nowhere. Certificates are made with openssl for the test.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadControllerAuthFile } from '../../../main/core/controller/controller-auth.js';
import { startController, type ControllerHandle } from '../../../main/core/controller/controller-server.js';
import { createSlimTestKit } from '../../helpers/slim-test-kit.js';
import { tempDir } from '../../helpers/test-engines.js';
import { controlPlaneClient, failure } from '../../unit/core/controller/controller-test-client.js';

const OPERATOR = 'tls-operator-token-0123456789abcdef0123456789';
const NODE = 'tls-node-token-0123456789abcdef0123456789abcd';
const kit = createSlimTestKit();
const dir = tempDir('kizuna-controller-tls-');
let controller: ControllerHandle;

/** A CA and a server certificate for 127.0.0.1 / localhost signed by it. */
function makeCertificates(): void {
  const at = (f: string): string => join(dir.path, f);
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '1', '-subj', '/CN=kizuna test CA');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(at('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('server.pem'), '-days', '1', '-extfile', at('san.ext'));
}

beforeAll(async () => {
  makeCertificates();
  const authFile = join(dir.path, 'controller-auth.json');
  writeFileSync(
    authFile,
    JSON.stringify({
      principals: [
        { identity: 'ops', role: 'operator', token: OPERATOR },
        { identity: 'edge', role: 'node', token: NODE },
      ],
      tls: { certFile: 'server.pem', keyFile: 'server.key' },
    }),
    { mode: 0o600 },
  );
  controller = await startController({ dataDir: dir.path, host: '127.0.0.1', port: 0, auth: loadControllerAuthFile(authFile) });
});

afterAll(async () => {
  await kit.dispose();
  await controller.close();
  dir.cleanup();
});

describe('controller over TLS', () => {
  it('registers a real SLIM node that verifies the certificate and presents its token', async () => {
    const registered = controller.nodes.events.waitFor('registered', (e) => e.nodeId === 'slim/tls', 15_000);
    await kit.startNode({ controller: { endpoint: controller.address, nodeId: 'slim/tls', token: NODE, caFile: join(dir.path, 'ca.pem') } });
    await registered;
    const ops = controlPlaneClient(controller.address, { token: OPERATOR, ca: readFileSync(join(dir.path, 'ca.pem')) });
    const nodes = await ops.call<{ entries: { id: string; status: string }[] }>('ListNodes', {});
    ops.close();
    expect(nodes.entries.map((n) => [n.id, n.status])).toEqual([['slim/tls', 'CONNECTED']]);
  });

  it('gives a plaintext client nothing', async () => {
    const plain = controlPlaneClient(controller.address, { token: OPERATOR });
    const f = await failure(plain.call('ListNodes', {}));
    plain.close();
    expect(f.code).toBe(14); // UNAVAILABLE: no TLS handshake, no call
  });
});
