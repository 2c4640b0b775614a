import { stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isKizunaError } from '../../../shared/errors/kizuna-error.js';
import {
  createUnixSocketEndpoint,
  launchSlimNode,
  pickFreeTcpPort,
  type SlimNodeHandle,
  type UnixSocketEndpoint,
} from '../../../main/core/slim-node/slim-node-launcher.js';

const nodes: SlimNodeHandle[] = [];
const sockets: UnixSocketEndpoint[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
  await Promise.all(sockets.splice(0).map((s) => s.cleanup()));
});

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('SLIM node launcher', () => {
  it('starts a real node on 127.0.0.1, reports its version, and stops it cleanly', async () => {
    const port = await pickFreeTcpPort();
    const node = await launchSlimNode({ endpoint: `127.0.0.1:${port}` });
    nodes.push(node);
    expect(node.pid).toBeGreaterThan(0);
    expect(node.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await tcpAccepts(port)).toBe(true);
    await node.stop();
    expect(await node.exited).toEqual({ code: 0, signal: null });
    expect(await tcpAccepts(port)).toBe(false);
    await node.stop(); // idempotent
  });

  it('reports an address in use as NODE_ADDRESS_IN_USE and leaves no process behind', async () => {
    const port = await pickFreeTcpPort();
    nodes.push(await launchSlimNode({ endpoint: `127.0.0.1:${port}` }));
    const error = await launchSlimNode({ endpoint: `127.0.0.1:${port}` }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isKizunaError(error, 'NODE_ADDRESS_IN_USE')).toBe(true);
    expect(String((error as { details?: { detail?: string } }).details?.detail)).toMatch(/in use/i);
  });

  it('listens on a unix socket that only its owner can use, and removes it on stop', async () => {
    const socket = await createUnixSocketEndpoint();
    sockets.push(socket);
    const node = await launchSlimNode({ endpoint: socket.endpoint });
    nodes.push(node);
    const socketStat = await stat(socket.socketPath);
    expect(socketStat.isSocket()).toBe(true);
    expect(socketStat.mode & 0o777).toBe(0o600);
    expect((await stat(socket.directory)).mode & 0o777).toBe(0o700);
    await node.stop();
    await expect(stat(socket.socketPath)).rejects.toThrow(/ENOENT/);
  });

  it('stop() escalates to SIGKILL when the node does not exit after SIGTERM', async () => {
    const port = await pickFreeTcpPort();
    const node = await launchSlimNode({ endpoint: `127.0.0.1:${port}`, stopGraceMs: 200 });
    nodes.push(node);
    node.kill('SIGSTOP'); // a stopped process cannot act on SIGTERM
    await node.stop();
    expect((await node.exited).signal).toBe('SIGKILL');
  });

  it('fails fast with NODE_START_FAILED on an endpoint the node cannot bind', async () => {
    const error = await launchSlimNode({ endpoint: 'unix:///nonexistent-dir-kizuna/x.sock' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isKizunaError(error, 'NODE_START_FAILED')).toBe(true);
  });
});
