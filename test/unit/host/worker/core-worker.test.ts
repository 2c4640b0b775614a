import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyringFunctions } from '../../../../main/core/crypto/local-key/os-keyring-wrapper.js';
import type { SlimNodeExit, SlimNodeHandle, SlimNodeLaunchOptions } from '../../../../main/core/slim-node/slim-node-launcher.js';
import { CORE_SEMI_SPACE_MB } from '../../../../main/host/worker/core-heap.js';
import { startCoreWorker, type CoreWorker } from '../../../../main/host/worker/core-worker.js';
import type { IdentityView } from '../../../../shared/domain/views.js';
import type { EventPayloads } from '../../../../shared/ipc/ipc-contract.js';
import { expectCode } from '../../../helpers/expect-code.js';
import { tempDir } from '../../../helpers/test-engines.js';

/** A stand-in for safeStorage: XOR with a secret, counting calls (they must come back to this thread). */
function fakeKeyring(): KeyringFunctions & { calls: string[] } {
  const mask = new Uint8Array(randomBytes(32));
  const calls: string[] = [];
  const xor = (b: Uint8Array): Uint8Array => b.map((x, i) => x ^ (mask[i % mask.length] ?? 0));
  return {
    calls,
    protect: async (b) => {
      calls.push(`protect@${threadId}`);
      return xor(b);
    },
    unprotect: async (b) => {
      calls.push(`unprotect@${threadId}`);
      return xor(b);
    },
  };
}

describe('core worker', () => {
  let dir: ReturnType<typeof tempDir>;
  let worker: CoreWorker;
  const keyring = fakeKeyring();

  beforeAll(async () => {
    dir = tempDir('kizuna-core-worker-');
    worker = await startCoreWorker({ dataDir: join(dir.path, 'profile'), key: { kind: 'os-keyring', keyring }, core: { offline: true } });
  });

  afterAll(async () => {
    await worker?.close();
    dir?.cleanup();
  });

  it('runs the core in another thread; requests round-trip as IpcResults', async () => {
    expect(worker.threadId).not.toBe(threadId);
    const created = await worker.invoke('identity.create', { displayName: 'Ann' });
    expect(created.ok).toBe(true);
    const me = (created as { value: IdentityView }).value;
    expect(me.displayName).toBe('Ann');
    expect(await worker.invoke('identity.get', {})).toEqual({ ok: true, value: me });
    expect(await worker.invoke('groups.list', {})).toEqual({ ok: true, value: [] });
  });

  it('gives the core thread a young generation of three semi-spaces of CORE_SEMI_SPACE_MB (a flood backlog, see core-heap.ts)', () => {
    expect(worker.resourceLimits.maxYoungGenerationSizeMb).toBe(3 * CORE_SEMI_SPACE_MB);
  });

  it('asks this thread for the keyring (safeStorage lives on the main thread)', () => {
    expect(keyring.calls).toEqual([`protect@${threadId}`]);
    const record = JSON.parse(readFileSync(join(dir.path, 'profile', 'local-key.json'), 'utf8')) as { kind: string };
    expect(record.kind).toBe('os-keyring');
  });

  it('validates requests inside the worker and answers with typed errors', async () => {
    const bad = await worker.invoke('groups.create', { name: 'x', members: 'everyone' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: { request: 'groups.create', field: 'members' } } });
    expect(await worker.invoke('no.such', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await worker.invoke(42, null)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // Input that cannot even be cloned into the worker never reaches it.
    expect(await worker.invoke('groups.list', { f: () => 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await worker.invoke('identity.create', { displayName: 'Again' })).toMatchObject({ ok: false, error: { code: 'IDENTITY_EXISTS' } });
  });

  it('forwards the core events', async () => {
    const seen = new Promise<EventPayloads['connection']>((resolve) => {
      const off = worker.onEvent((event, payload) => {
        if (event !== 'connection') return;
        off();
        resolve(payload as EventPayloads['connection']);
      });
    });
    await worker.invoke('settings.set', { notifications: false });
    expect((await seen).state).toBeDefined();
    expect(await worker.invoke('settings.get', {})).toMatchObject({ ok: true, value: { notifications: false } });

    // Events cross in one message a turn, and those a request caused (a settings change announces the
    // connection) come before its result.
    const order: string[] = [];
    const off = worker.onEvent((...[event]) => {
      if (event === 'connection') order.push(event);
    });
    await worker.invoke('settings.set', { notifications: true }).then(() => order.push('result'));
    off();
    expect(order).toEqual(['connection', 'result']);
  });

  it('closes the core and ends the thread; later requests answer HOST_UNAVAILABLE; the wrong passphrase is refused', async () => {
    const dataDir = join(dir.path, 'second');
    const other = await startCoreWorker({ dataDir, key: { kind: 'passphrase', passphrase: 'correct horse battery' }, core: { offline: true } });
    const exits: unknown[] = [];
    other.onExit((e) => exits.push(e));
    expect((await other.invoke('groups.list', {})).ok).toBe(true);
    await other.close();
    await other.close(); // idempotent
    expect(await other.invoke('groups.list', {})).toMatchObject({ ok: false, error: { code: 'HOST_UNAVAILABLE' } });
    expect(exits).toEqual([]); // a requested close is not a crash
    // The profile is closed, so it can be opened again: not with the wrong passphrase (and no worker is left running).
    await expectCode(startCoreWorker({ dataDir, key: { kind: 'passphrase', passphrase: 'wrong horse battery' }, core: { offline: true } }), 'STORE_WRONG_KEY');
  });

  it('opens a profile with a key file, creating it owner-only on first run', async () => {
    const keyFile = join(dir.path, 'web.key');
    const w = await startCoreWorker({ dataDir: join(dir.path, 'keyed'), key: { kind: 'key-file', path: keyFile, create: true }, core: { offline: true } });
    await w.close();
    expect(existsSync(keyFile)).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    await expectCode(
      startCoreWorker({ dataDir: join(dir.path, 'keyed'), key: { kind: 'key-file', path: join(dir.path, 'missing.key'), create: false }, core: { offline: true } }),
      'KEY_PROVIDER_FAILED',
    );
  });

  it('lets this thread start the embedded SLIM node (Electron: a utility process) and stops it with the core', async () => {
    const runtimeDir = join(dir.path, 'runtime');
    const launched: SlimNodeLaunchOptions[] = [];
    const stopped: string[] = [];
    let exit: (e: SlimNodeExit) => void = () => undefined;
    const launchNode = async (options: SlimNodeLaunchOptions): Promise<SlimNodeHandle> => {
      launched.push(options);
      const exited = new Promise<SlimNodeExit>((resolve) => {
        exit = resolve;
      });
      return {
        endpoint: options.endpoint,
        pid: 4242,
        version: 'test',
        exited,
        stop: async () => {
          stopped.push(`stop@${threadId}`);
          exit({ code: 0, signal: null });
          await exited;
        },
        kill: () => exit({ code: null, signal: 'SIGKILL' }),
        recentOutput: () => ['node says hi'],
      };
    };
    const w = await startCoreWorker({
      dataDir: join(dir.path, 'with-node'),
      key: { kind: 'passphrase', passphrase: 'node relay test' },
      core: { embeddedRuntimeDir: runtimeDir },
      launchNode,
    });
    // The core connects once it has an identity: that starts the embedded node, here.
    expect((await w.invoke('identity.create', { displayName: 'Nia' })).ok).toBe(true);
    for (let i = 0; i < 100 && launched.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(launched).toEqual([{ endpoint: `unix://${join(runtimeDir, 'slim.sock')}` }]);
    expect(readFileSync(join(runtimeDir, 'node.lock'), 'utf8').trim()).toBe(String(process.pid));
    await w.close();
    expect(stopped).toEqual([`stop@${threadId}`]);
    expect(existsSync(join(runtimeDir, 'node.lock'))).toBe(false);
  });
});
