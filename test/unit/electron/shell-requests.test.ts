/**
 * The shell's request routing and its typed view of the core, against a real core (offline) reached
 * through dispatchRequest and forwardEvents, exactly what the worker thread runs. Only the thread
 * hop is left out (test/unit/host/worker covers it).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellCore } from '../../../main/electron/core-port.js';
import { routeShellRequests } from '../../../main/electron/shell-requests.js';
import { createKeyFileWrapper } from '../../../main/core/crypto/local-key/key-file-wrapper.js';
import { createKizunaCore } from '../../../main/host/create-core.js';
import type { KizunaCore } from '../../../main/host/kizuna-core.js';
import { dispatchRequest, forwardEvents } from '../../../main/host/request-dispatch.js';
import type { WorkerEventArgs } from '../../../main/host/worker/core-worker-protocol.js';
import type { PushedEvent, Settings } from '../../../shared/ipc/ipc-contract.js';
import { tempDir } from '../../helpers/test-engines.js';

const GROUP = 'g'.repeat(43);

async function newCore(root: string, name: string): Promise<KizunaCore> {
  return createKizunaCore({ dataDir: join(root, name), keyWrapper: createKeyFileWrapper(new Uint8Array(randomBytes(32))), offline: true });
}

describe('shell requests', () => {
  let dir: ReturnType<typeof tempDir>;
  let core: KizunaCore;
  const reachedCore: unknown[] = [];
  const worker = {
    invoke: (name: unknown, input: unknown) => {
      reachedCore.push(name);
      return dispatchRequest(core, name, input);
    },
    onEvent: (listener: (...event: WorkerEventArgs) => void) => forwardEvents(core, (event, payload) => listener(...([event, payload] as WorkerEventArgs))),
  };

  beforeAll(async () => {
    dir = tempDir('kizuna-shell-requests-');
    core = await newCore(dir.path, 'alice');
  });

  afterAll(async () => {
    await core?.close();
    dir?.cleanup();
  });

  it('answers ui.setOpenChat in the shell, validated by the contract, without bothering the core', async () => {
    const open: (string | null)[] = [];
    const route = routeShellRequests(worker, { openChat: (g) => open.push(g), settingsChanged: () => undefined });
    reachedCore.length = 0;
    expect(await route('ui.setOpenChat', { groupId: GROUP })).toEqual({ ok: true, value: null });
    expect(await route('ui.setOpenChat', { groupId: null })).toEqual({ ok: true, value: null });
    for (const bad of [{}, { groupId: 'short' }, { groupId: GROUP, extra: 1 }, null, 'g']) {
      expect(await route('ui.setOpenChat', bad), JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: { request: 'ui.setOpenChat' } } });
    }
    expect(open).toEqual([GROUP, null]);
    expect(reachedCore).toEqual([]);
  });

  it('passes every other request to the core and reports settings the core stored', async () => {
    const changed: Settings[] = [];
    const route = routeShellRequests(worker, { openChat: () => undefined, settingsChanged: (s) => changed.push(s) });
    reachedCore.length = 0;
    expect(await route('groups.list', {})).toEqual({ ok: true, value: [] });
    expect(await route('no.such', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await route('settings.set', { notifications: 'no' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(changed).toEqual([]);
    const stored = await route('settings.set', { notifications: false });
    expect(stored).toMatchObject({ ok: true, value: { notifications: false } });
    expect(changed).toEqual([expect.objectContaining({ notifications: false })]);
    expect(reachedCore).toEqual(['groups.list', 'no.such', 'settings.set', 'settings.set']);
  });

  it('gives the shell the core’s events as typed PushedEvents, and typed results; a presence change as itself', async () => {
    const shell = shellCore(worker);
    const [bob, carol] = await Promise.all([newCore(dir.path, 'bob'), newCore(dir.path, 'carol')]);
    try {
      const events: PushedEvent[] = [];
      const off = shell.onEvent((e) => events.push(e));
      const me = await shell.invoke('identity.create', { displayName: 'Alice' });
      expect(me).toMatchObject({ ok: true, value: { displayName: 'Alice' } });
      const members: string[] = [];
      for (const other of [bob, carol]) {
        const card = other.engine.createIdentity({ displayName: 'Someone' }).card;
        const added = await shell.invoke('contacts.add', { card });
        if (added.ok) members.push(added.value.userId);
      }
      const created = await shell.invoke('groups.create', { name: 'Hikers', members });
      off();
      expect(created.ok).toBe(true);
      const groupEvent = events.find((e) => e.event === 'group');
      expect(groupEvent?.event === 'group' && groupEvent.payload.name).toBe('Hikers');

      // Someone came online in that group: the shell gets the mark alone, not the group's view (which
      // carries every member, and coming online in a big group brings one change per member).
      const presence: Parameters<KizunaCore['onPresence']>[0][] = [];
      const withPresence: KizunaCore = { ...core, onPresence: (listener) => (presence.push(listener), () => undefined) };
      const pushed: { event: string; payload: unknown }[] = [];
      const stop = forwardEvents(withPresence, (event, payload) => pushed.push({ event, payload }));
      const groupId = created.ok ? created.value.groupId : '';
      const change = { groupId, userId: members[0] ?? '', online: true };
      for (const listener of presence) listener(change);
      stop();
      expect(pushed).toEqual([{ event: 'presence', payload: change }]);
    } finally {
      await Promise.all([bob.close(), carol.close()]);
    }
  });
});
