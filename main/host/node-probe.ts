import { connect } from 'node:net';
import { KizunaError } from '../../shared/errors/kizuna-error.js';
import { toGrpcTarget } from '../core/transport/slim-endpoint.js';

/** How long a node gets to accept the connection before it counts as unreachable. */
const PROBE_TIMEOUT_MS = 3000;

/**
 * Checks that something accepts connections at a node address before the user saves it: the
 * address must parse (NODE_ADDRESS_INVALID) and a TCP or unix-socket connection to it must open
 * within a few seconds (NODE_UNREACHABLE). It opens and closes one connection and sends nothing, so
 * a page can make it probe only what the user typed, one address at a time.
 */
export function probeNode(endpoint: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  const target = toGrpcTarget(endpoint);
  const where = target.startsWith('unix://') ? { path: target.slice('unix://'.length) } : hostPort(target);
  return new Promise((resolve, reject) => {
    const socket = connect(where);
    const fail = (reason: string): void => {
      socket.destroy();
      reject(new KizunaError('NODE_UNREACHABLE', undefined, { endpoint, reason }));
    };
    socket.setTimeout(timeoutMs, () => fail('timeout'));
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? 'error'));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
  });
}

function hostPort(target: string): { host: string; port: number } {
  const colon = target.lastIndexOf(':');
  return { host: target.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(target.slice(colon + 1)) };
}
