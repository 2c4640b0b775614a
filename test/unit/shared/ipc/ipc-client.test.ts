import { describe, expect, it } from 'vitest';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { createKizunaClient, isKizunaErrorLike, toPlainError, type KizunaTransport } from '../../../../shared/ipc/ipc-client.js';
import { EVENT_NAMES, REQUEST_NAMES, type EventName, type RequestName } from '../../../../shared/ipc/ipc-contract.js';

function transport(reply: (name: string, input: unknown) => unknown) {
  let deliver: (event: string, payload: unknown) => void = () => undefined;
  const t: KizunaTransport = {
    request: async (name, input) => reply(name, input),
    subscribe: (listener) => {
      deliver = listener;
      return () => undefined;
    },
  };
  return { t, push: (event: string, payload: unknown) => deliver(event, payload) };
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('shared window.kizuna client', () => {
  it('lets through exactly the contract: request names, event names', async () => {
    const sent: string[] = [];
    const { t, push } = transport((name) => {
      sent.push(name);
      return { ok: true, value: null };
    });
    const api = createKizunaClient(t, { host: 'browser' });
    for (const name of REQUEST_NAMES) await api.invoke(name, {} as never);
    expect(sent).toEqual(REQUEST_NAMES);
    for (const name of ['app.quit', 'constructor', '__proto__', 'toString', 'message']) {
      await expect(api.invoke(name as RequestName, {} as never), name).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'Unknown request.' });
    }
    expect(sent).toHaveLength(REQUEST_NAMES.length);

    const heard: string[] = [];
    for (const name of EVENT_NAMES) api.on(name, () => heard.push(name));
    for (const name of [...EVENT_NAMES, 'ipc', 'constructor', 'groups.list']) push(name, {});
    expect(heard).toEqual(EVENT_NAMES);
    for (const name of ['ipc', 'constructor', 'hasOwnProperty']) expect(() => api.on(name as EventName, () => undefined), name).toThrow(KizunaError);
    // The contract's own lists: every request and event once.
    expect(new Set(REQUEST_NAMES).size).toBe(REQUEST_NAMES.length);
    expect(EVENT_NAMES).toEqual(expect.arrayContaining(['message', 'group', 'connection', 'deep-link']));
  });

  it('resolves values and throws KizunaErrors with the host error code, message and details', async () => {
    const { t } = transport((name) =>
      name === 'groups.list' ? { ok: true, value: [] } : { ok: false, error: { code: 'NOT_GROUP_ADMIN', message: 'Only the group admin can do this.', details: { groupId: 'g' } } },
    );
    const api = createKizunaClient(t, { host: 'browser' });
    expect(await api.invoke('groups.list', {})).toEqual([]);
    const err = await api.invoke('groups.rename', { groupId: 'g'.repeat(43), name: 'n' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KizunaError);
    expect(err).toMatchObject({ code: 'NOT_GROUP_ADMIN', message: 'Only the group admin can do this.', details: { groupId: 'g' } });
    expect(isKizunaErrorLike(err)).toBe(true);
    expect(toPlainError(err)).toEqual({ name: 'KizunaError', code: 'NOT_GROUP_ADMIN', message: 'Only the group admin can do this.', details: { groupId: 'g' } });
    expect(toPlainError(new Error('boom'))).toMatchObject({ code: 'INTERNAL' });
  });

  it('refuses a reply that is not a result, whatever transport carried it', async () => {
    for (const reply of [undefined, 'ok', { ok: true }, { ok: false, error: 'x' }]) {
      const api = createKizunaClient(transport(() => reply).t, { host: 'browser' });
      await expect(api.invoke('groups.list', {})).rejects.toMatchObject({ code: 'INTERNAL', message: 'The host sent a reply that is not a result.' });
    }
  });

  it('keeps at most stickyLimit held events of a sticky kind, oldest dropped', async () => {
    const { t, push } = transport(() => ({ ok: true, value: null }));
    const api = createKizunaClient(t, { host: 'electron', stickyEvents: ['deep-link'], stickyLimit: 2 });
    push('deep-link', { kind: 'group', groupId: '1' });
    push('deep-link', { kind: 'group', groupId: '2' });
    push('deep-link', { kind: 'group', groupId: '3' });
    const got: unknown[] = [];
    const off = api.on('deep-link', (l) => got.push(l));
    await flush();
    expect(got).toEqual([
      { kind: 'group', groupId: '2' },
      { kind: 'group', groupId: '3' },
    ]);
    push('deep-link', { kind: 'group', groupId: '4' });
    off();
    push('deep-link', { kind: 'group', groupId: '5' }); // held again for the next listener
    expect(got).toHaveLength(3);
  });
});
