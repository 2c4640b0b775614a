import { describe, expect, it } from 'vitest';
import { presenceIsLive, shownOnline } from '../../../renderer/features/connection/presence-live';
import type { ConnectionStatus } from '../../../shared/ipc/ipc-contract.js';

const status = (state: ConnectionStatus['state']): ConnectionStatus => ({ state, node: { mode: 'embedded', endpoint: '127.0.0.1:1' }, sync: null, error: null });

describe('who may be shown online agrees with the banners', () => {
  it('only while the core answers and is connected', () => {
    expect(presenceIsLive(true, status('online'))).toBe(true);
    expect(presenceIsLive(true, status('syncing'))).toBe(true);
    expect(presenceIsLive(true, status('offline'))).toBe(false);
    expect(presenceIsLive(true, status('connecting'))).toBe(false);
    expect(presenceIsLive(false, status('online'))).toBe(false); // the engine stopped: its last "online" is stale
    expect(presenceIsLive(true, null)).toBe(false);
  });

  it('shows us online exactly while connected, whatever our mark in a view says; others by their mark, and only while connected', () => {
    // A view fetched while offline marks us offline; once connected we are online without a new view.
    expect(shownOnline({ isSelf: true, online: false }, true)).toBe(true);
    expect(shownOnline({ isSelf: true, online: true }, false)).toBe(false);
    expect(shownOnline({ isSelf: false, online: true }, true)).toBe(true);
    expect(shownOnline({ isSelf: false, online: false }, true)).toBe(false);
    expect(shownOnline({ isSelf: false }, true)).toBe(false);
    expect(shownOnline({ isSelf: false, online: true }, false)).toBe(false);
  });
});
