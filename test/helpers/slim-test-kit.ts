/**
 * Real SLIM nodes and clients for integration tests: every node listens on 127.0.0.1 (free port) or a private
 * unix socket, and everything made through a kit is stopped by kit.dispose().
 */
import { parseSlimName } from '../../shared/domain/slim-name.js';
import { isKizunaError } from '../../shared/errors/kizuna-error.js';
import {
  createUnixSocketEndpoint,
  launchSlimNode,
  pickFreeTcpPort,
  type SlimNodeHandle,
  type SlimNodeLaunchOptions,
  type UnixSocketEndpoint,
} from '../../main/core/slim-node/slim-node-launcher.js';
import { SlimClient, type SlimClientOptions } from '../../main/core/transport/slim-client.js';
import type { IncomingPublish } from '../../main/core/transport/slim-message-reader.js';
import { waitUntil } from './wait-for.js';

export interface SlimTestKit {
  /** Starts a node on a free 127.0.0.1 port (retrying if another process grabbed the port meanwhile). */
  startNode(options?: Omit<SlimNodeLaunchOptions, 'endpoint'> & { endpoint?: string }): Promise<SlimNodeHandle>;
  /** A unix socket endpoint in a private temp directory, removed on dispose. */
  unixEndpoint(): Promise<UnixSocketEndpoint>;
  /** A client for `name` (text form); connected unless `connect: false`. */
  client(endpoint: string, name: string, options?: Partial<SlimClientOptions> & { connect?: boolean }): Promise<SlimClient>;
  dispose(): Promise<void>;
}

/** Fast timings for tests: quick reconnects and a liveness probe that notices a frozen node within a second. */
export const FAST_CLIENT_OPTIONS: Partial<SlimClientOptions> = {
  backoff: { initialDelayMs: 50, maxDelayMs: 400, jitter: 0.3 },
  liveness: { intervalMs: 250, timeoutMs: 750 },
  ackTimeoutMs: 3_000,
  negotiationTimeoutMs: 3_000,
};

export function createSlimTestKit(): SlimTestKit {
  const nodes: SlimNodeHandle[] = [];
  const clients: SlimClient[] = [];
  const sockets: UnixSocketEndpoint[] = [];
  return {
    async startNode(options = {}) {
      for (let attempt = 0; ; attempt += 1) {
        const endpoint = options.endpoint ?? `127.0.0.1:${await pickFreeTcpPort()}`;
        try {
          const node = await launchSlimNode({ ...options, endpoint });
          nodes.push(node);
          return node;
        } catch (error) {
          if (options.endpoint === undefined && attempt < 3 && isKizunaError(error, 'NODE_ADDRESS_IN_USE')) continue;
          throw error;
        }
      }
    },
    async unixEndpoint() {
      const socket = await createUnixSocketEndpoint();
      sockets.push(socket);
      return socket;
    },
    async client(endpoint, name, options = {}) {
      const { connect = true, ...rest } = options;
      const client = new SlimClient({ ...FAST_CLIENT_OPTIONS, ...rest, endpoint, localName: parseSlimName(name) });
      clients.push(client);
      if (connect) await client.connect({ timeoutMs: 5_000 });
      return client;
    },
    async dispose() {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await Promise.all(nodes.splice(0).map((n) => n.stop()));
      await Promise.all(sockets.splice(0).map((s) => s.cleanup()));
    },
  };
}

export interface Inbox {
  readonly client: SlimClient;
  readonly messages: IncomingPublish[];
  texts(): string[];
  /** Waits until at least `count` messages arrived. */
  until(count: number, timeoutMs?: number): Promise<void>;
  /** Waits until a message with this UTF-8 text arrived. */
  untilText(wanted: string, timeoutMs?: number): Promise<void>;
}

/** Records every message a client receives. */
export function collect(client: SlimClient): Inbox {
  const messages: IncomingPublish[] = [];
  client.on('message', (m) => messages.push(m));
  const texts = (): string[] => messages.map((m) => Buffer.from(m.blob).toString('utf8'));
  return {
    client,
    messages,
    texts,
    until: (count, timeoutMs = 5_000) => waitUntil(client, 'message', () => messages.length >= count, timeoutMs),
    untilText: (wanted, timeoutMs = 5_000) =>
      waitUntil(client, 'message', () => texts().includes(wanted), timeoutMs).catch((error: unknown) => {
        throw new Error(`'${wanted}' did not arrive (got ${JSON.stringify(texts())}): ${String(error)}`);
      }),
  };
}

/** Waits until `check()` holds, re-checking whenever any of the inboxes receives a message. */
export function untilAll(inboxes: readonly Inbox[], check: () => boolean, timeoutMs = 5_000): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const offs: Array<() => void> = [];
    const done = (error?: Error): void => {
      clearTimeout(timer);
      for (const off of offs) off();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`condition not met within ${timeoutMs} ms`)), timeoutMs);
    for (const inbox of inboxes) offs.push(inbox.client.on('message', () => (check() ? done() : undefined)));
  });
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
