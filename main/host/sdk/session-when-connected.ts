import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { SessionLayer } from '../../core/session/session-layer.js';
import type { KizunaCoreWithSession } from '../create-core.js';

/**
 * The core's session layer, waiting for it when the connection is still being made. On a fresh
 * profile the identity is created after the core opened, and the connection starts only then (in the
 * background), so the first caller must wait for it rather than conclude that no node is configured.
 * Settles on the first connection status that carries a session layer; a status without one, or the
 * timeout, means there really is no node to talk to.
 */
export function sessionWhenConnected(core: KizunaCoreWithSession, timeoutMs: number): Promise<SessionLayer> {
  const now = core.session();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const noNode = (): KizunaError => new KizunaError('NODE_UNREACHABLE', 'No SLIM node is configured.');
    const timer = setTimeout(() => {
      off();
      reject(noNode());
    }, timeoutMs);
    const off = core.onConnection((status) => {
      const session = core.session();
      if (session === undefined && status.node.endpoint !== '') return;
      clearTimeout(timer);
      off();
      if (session === undefined) reject(noNode());
      else resolve(session);
    });
  });
}
