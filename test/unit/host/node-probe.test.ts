import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeNode } from '../../../main/host/node-probe.js';
import { parseRequest } from '../../../shared/ipc/request-validation.js';
import { expectCode } from '../../helpers/expect-code.js';

const servers: Server[] = [];
async function listening(): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('testing a node address before it is saved', () => {
  it('accepts an address something listens on, in each written form', async () => {
    const port = await listening();
    await probeNode(`127.0.0.1:${port}`);
    await probeNode(`http://127.0.0.1:${port}/`);
  });

  it('says NODE_UNREACHABLE when nothing listens, and NODE_ADDRESS_INVALID for what is no address', async () => {
    const port = await listening();
    await new Promise((resolve) => servers.pop()?.close(resolve));
    await expectCode(probeNode(`127.0.0.1:${port}`), 'NODE_UNREACHABLE');
    await expectCode(probeNode('unix:///nonexistent/kizuna.sock'), 'NODE_UNREACHABLE');
    for (const bad of ['not an address', 'https://x:1', 'unix://relative', 'host:99999']) await expectCode(() => probeNode(bad), 'NODE_ADDRESS_INVALID');
  });
});

describe('a schema check that names an error code', () => {
  it('refuses with that code rather than INVALID_INPUT', async () => {
    await expectCode(() => parseRequest('identity.export', { passphrase: 'short' }), 'PASSPHRASE_TOO_SHORT');
    await expectCode(() => parseRequest('contacts.add', { card: 'x'.repeat(16 * 1024 + 1) }), 'CONTACT_CARD_TOO_LARGE');
    await expectCode(() => parseRequest('identity.export', { passphrase: 1 }), 'INVALID_INPUT');
    expect(parseRequest('identity.export', { passphrase: 'long enough' }).name).toBe('identity.export');
  });
});
