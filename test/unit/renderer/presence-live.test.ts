import { describe, expect, it } from 'vitest';
import { presenceIsLive } from '../../../renderer/features/connection/presence-live';
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
});
