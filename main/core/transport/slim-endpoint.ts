/**
 * Node endpoints as users and the launcher write them, turned into grpc-js targets:
 *   `127.0.0.1:46357`, `localhost:46357`, `http://127.0.0.1:46357` → TCP (plaintext, as runServer serves it)
 *   `unix:///run/user/1000/kizuna/slim.sock`                       → unix domain socket (absolute path)
 */
import { KizunaError } from '../../../shared/errors/kizuna-error.js';

export function toGrpcTarget(endpoint: string): string {
  const trimmed = endpoint.trim();
  if (trimmed.startsWith('unix://')) {
    if (!trimmed.startsWith('unix:///')) {
      throw new KizunaError('NODE_ADDRESS_INVALID', 'A unix socket endpoint needs an absolute path: unix:///path/to/socket.', { endpoint });
    }
    return trimmed;
  }
  if (trimmed.startsWith('https://')) {
    throw new KizunaError('NODE_ADDRESS_INVALID', 'TLS endpoints are not supported by this transport yet.', { endpoint });
  }
  const hostPort = trimmed.startsWith('http://') ? trimmed.slice('http://'.length).replace(/\/+$/, '') : trimmed;
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(hostPort);
  const port = match === null ? Number.NaN : Number(match[2]);
  if (match === null || !(port >= 1 && port <= 65535)) {
    throw new KizunaError('NODE_ADDRESS_INVALID', 'A SLIM node endpoint is host:port or unix:///path.', { endpoint });
  }
  return hostPort;
}
