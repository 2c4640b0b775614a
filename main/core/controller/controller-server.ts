/**
 * `kizuna controller`: the gRPC controller of seed 000. One server carries both sides:
 * - northbound, controlplane.v1.ControlPlaneService for operators (channels, participants, connections,
 *   subscriptions), exactly as the seed's Python calls it;
 * - southbound, controller.proto.v1.ControllerService/OpenControlChannel for SLIM nodes, which dial the
 *   controller (slim-node-launcher's `controller` option) and receive their links and routes.
 * State lives in SQLite and survives a restart. Default address: localhost:50051, as the seed expects.
 */
import { join } from 'node:path';
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { createLogger, type Logger } from '../log/logger.js';
import { createUnavailableModerator, type ChannelModerator } from './channel-moderator.js';
import { CONTROLPLANE_SERVICE, controllerServiceDefinition, SOUTHBOUND_SERVICE } from './controller-proto.js';
import { openControllerStore, type ControllerStore } from './controller-store.js';
import { controlPlaneImplementation } from './controlplane-service.js';
import { NodeControl, type ControlMessage } from './node-control.js';
import { isLoopbackHost, type ControllerAuth } from './controller-auth.js';
import { controllerAuthInterceptor, principalOf } from './controller-auth-interceptor.js';
import { openNodeIdentities } from './node-identities.js';

export const DEFAULT_CONTROLLER_HOST = 'localhost';
export const DEFAULT_CONTROLLER_PORT = 50051;

export interface ControllerOptions {
  /** Where the controller keeps controller.db (created if missing). */
  readonly dataDir: string;
  /** Host to listen on (default localhost). */
  readonly host?: string;
  /** Port (default 50051; 0 picks a free one, read it back from the handle). */
  readonly port?: number;
  /** Who carries out channel operations (default: none, they are refused with UNAVAILABLE). */
  readonly moderator?: ChannelModerator;
  /** How long a node has to acknowledge a command (default 15000 ms). */
  readonly commandTimeoutMs?: number;
  readonly logger?: Logger;
  readonly now?: () => number;
  /**
   * Bearer tokens for operators and nodes (and TLS): every call must present one. Required for any bind
   * that is not loopback (CONTROLLER_AUTH_REQUIRED otherwise), and there TLS too, so tokens never cross
   * the network in clear.
   */
  readonly auth?: ControllerAuth;
}

export interface ControllerHandle {
  readonly host: string;
  readonly port: number;
  /** `host:port`, what clients and nodes dial. */
  readonly address: string;
  /** Node control, for status and tests (which nodes are connected, registration events). */
  readonly nodes: NodeControl;
  readonly store: ControllerStore;
  /** Stops accepting calls, ends node streams, closes the moderator and the database. */
  close(): Promise<void>;
}

/** CONTROLLER_AUTH_REQUIRED unless `host` is loopback or the controller has tokens and TLS. */
export function assertControllerBindAllowed(host: string, auth: ControllerAuth | undefined): void {
  if (isLoopbackHost(host) || (auth !== undefined && auth.tls !== undefined)) return;
  throw new KizunaError(
    'CONTROLLER_AUTH_REQUIRED',
    `The controller would listen on ${host}, reachable from other machines, ${auth === undefined ? 'without authentication' : 'with tokens in clear (no TLS)'}: give it an auth file with tokens and a TLS certificate (--auth FILE), or listen on localhost.`,
    { host },
  );
}

export async function startController(options: ControllerOptions): Promise<ControllerHandle> {
  const log = options.logger ?? createLogger('controller');
  const now = options.now ?? Date.now;
  const host = options.host ?? DEFAULT_CONTROLLER_HOST;
  const auth = options.auth;
  assertControllerBindAllowed(host, auth);
  const store = openControllerStore(join(options.dataDir, 'controller.db'));
  const moderator = options.moderator ?? createUnavailableModerator();
  const nodes = new NodeControl({
    store,
    log: log.child('nodes'),
    now,
    ...(options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs }),
    ...(auth === undefined ? {} : { identities: openNodeIdentities(join(options.dataDir, 'node-identities.json')) }),
  });
  const server = new Server({ 'grpc.keepalive_permit_without_calls': 1, ...(auth === undefined ? {} : { interceptors: [controllerAuthInterceptor(auth, log.child('auth'))] }) });
  server.addService(controllerServiceDefinition(CONTROLPLANE_SERVICE), controlPlaneImplementation({ store, nodes, moderator, log, now }));
  server.addService(controllerServiceDefinition(SOUTHBOUND_SERVICE), {
    // The interceptor already let only node principals through; the identity decides who owns which node id.
    OpenControlChannel: (call: ServerDuplexStream<ControlMessage, ControlMessage>) => nodes.handleStream(call, auth === undefined ? undefined : principalOf(call.metadata)),
  });
  const requested = options.port ?? DEFAULT_CONTROLLER_PORT;
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${requested}`, auth?.tls === undefined ? ServerCredentials.createInsecure() : ServerCredentials.createSsl(null, [{ cert_chain: auth.tls.cert, private_key: auth.tls.key }], false), (error, bound) => (error === null ? resolve(bound) : reject(error)));
    });
  } catch (error) {
    store.close();
    const detail = error instanceof Error ? error.message : String(error);
    throw new KizunaError(/in use|EADDRINUSE/i.test(detail) ? 'NODE_ADDRESS_IN_USE' : 'NODE_START_FAILED', `The controller cannot listen on ${host}:${requested}: ${detail}`, { host, port: requested });
  }
  log.info('controller listening', { host, port, moderator: moderator.kind, auth: auth === undefined ? 'none (loopback)' : auth.tls === undefined ? 'tokens' : 'tokens over TLS' });

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    address: `${host}:${port}`,
    nodes,
    store,
    close() {
      closing ??= (async () => {
        nodes.close();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, 2000);
          server.tryShutdown(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        await moderator.close().catch(() => undefined);
        store.close();
      })();
      return closing;
    },
  };
}
