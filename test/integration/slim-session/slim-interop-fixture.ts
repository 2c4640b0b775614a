/**
 * What the SLIM interop tests share: one real SLIM node per test file, Kizuna endpoints on it, apps
 * written with the official @agntcy/slim-bindings (each in its own process,
 * test/fixtures/slim-bindings-app.mjs) and the built `kizuna` CLI; everything a test started is stopped
 * after it.
 */
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import { SlimSessionEndpoint, type SlimFrameLink, type SlimInvitation } from '../../../main/core/slim-session/slim-session-endpoint.js';
import type { SlimClient } from '../../../main/core/transport/slim-client.js';
import type { WireMessage } from '../../../main/core/transport/slim-wire-types.js';
import { createSlimMlsFactory } from '../../../main/core/slim-session/slim-mls.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { createSlimTestKit, type SlimTestKit } from '../../helpers/slim-test-kit.js';
import { startSlimApp, type SlimApp } from '../../helpers/slim-bindings-app.js';
import { cliPath } from '../cli/cli-process.js';

export const SECRET = 'interop-shared-secret-of-at-least-32-bytes';

export const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? new Uint8Array(0)).toString('utf8');

/** Loss on the way in, simulated: `client` as an endpoint's link, with only the frames `keep` passes handed on. */
export function lossyLink(client: SlimClient, keep: (frame: WireMessage) => boolean): SlimFrameLink {
  return {
    get state() {
      return client.state;
    },
    on: (_event, listener) =>
      client.on('frame', (frame) => {
        if (keep(frame)) listener(frame);
      }),
    sendFrame: (frame) => client.sendFrame(frame),
    subscribe: (n) => client.subscribe(n),
    unsubscribe: (n) => client.unsubscribe(n),
  };
}

export interface SlimInterop {
  readonly kit: SlimTestKit;
  /** The node's address (valid once the file's beforeAll ran). */
  nodeEndpoint(): string;
  /** A Kizuna endpoint named org/ns/`agent`, with MLS for both roles; closed after the test. */
  endpoint(agent: string, secret?: string, consent?: (invitation: SlimInvitation) => Promise<boolean>): Promise<SlimSessionEndpoint>;
  /** Closes `ep` after the test (for endpoints a test opens itself). */
  track(ep: SlimSessionEndpoint): SlimSessionEndpoint;
  /** A SLIM bindings app; stopped after the test. */
  app(mode: 'moderator' | 'participant', args: Record<string, string | true>): SlimApp;
  /** Runs `kizuna` to its end; resolves with its exit code and output lines. */
  kizuna(args: string[]): Promise<{ code: number | null; lines: string[] }>;
  /** `prefix` with a number no other name of the file has. */
  name(prefix: string): string;
}

/** Starts the node before the file's tests and registers the clean-up; call once at the top of a test file. */
export function useSlimInterop(): SlimInterop {
  const kit = createSlimTestKit();
  let node: SlimNodeHandle | undefined;
  const apps: SlimApp[] = [];
  const endpoints: SlimSessionEndpoint[] = [];
  let unique = 0;

  const nodeEndpoint = (): string => {
    if (node === undefined) throw new Error('The SLIM node is not started yet.');
    return node.endpoint;
  };
  const track = (ep: SlimSessionEndpoint): SlimSessionEndpoint => {
    endpoints.push(ep);
    return ep;
  };

  beforeAll(async () => {
    node = await kit.startNode();
  });

  // Each SLIM app is a process of ~70 MB: stop them after every test, not at the end of the file.
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.stop()));
    for (const ep of endpoints.splice(0)) await ep.close();
  });

  afterAll(async () => {
    await kit.dispose();
  });

  return {
    kit,
    nodeEndpoint,
    track,
    async endpoint(agent, secret = SECRET, consent) {
      const client = await kit.client(nodeEndpoint(), `org/ns/${agent}`);
      const mls = createSlimMlsFactory();
      return track(
        await SlimSessionEndpoint.open({
          client,
          name: parseSlimName(`org/ns/${agent}`),
          secret,
          mls: mls.participant,
          moderatorMls: mls.moderator,
          ...(consent === undefined ? {} : { consent }),
        }),
      );
    },
    app(mode, args) {
      const started = startSlimApp(mode, { endpoint: nodeEndpoint(), secret: SECRET, ...args });
      apps.push(started);
      return started;
    },
    kizuna(args) {
      const child = spawn(process.execPath, [cliPath(), ...args, '--node', nodeEndpoint(), '--shared-secret', SECRET], {
        env: { ...process.env, KIZUNA_LOG_LEVEL: 'error' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      return new Promise((resolve) => child.on('exit', (code) => resolve({ code, lines: out.split('\n') })));
    },
    name: (prefix) => `${prefix}${(unique += 1)}`,
  };
}
