import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import { isKizunaError } from '../../../shared/errors/kizuna-error.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { collect, createSlimTestKit, text } from '../../helpers/slim-test-kit.js';
import { waitFor } from '../../helpers/wait-for.js';

const kit = createSlimTestKit();
const auth = { username: 'kizuna', password: 'correct horse battery staple' };
let node: SlimNodeHandle;
beforeAll(async () => {
  node = await kit.startNode({ auth });
});
afterAll(() => kit.dispose());

describe('Basic auth on the node', () => {
  it('lets clients with the right credentials talk', async () => {
    const alice = await kit.client(node.endpoint, 'org/ns/alice', { auth });
    const bob = await kit.client(node.endpoint, 'org/ns/bob', { auth });
    await bob.subscribe(parseSlimName('org/ns/bob'));
    const inbox = collect(bob);
    alice.publish(parseSlimName('org/ns/bob'), text('authenticated'));
    await inbox.untilText('authenticated');
  });

  it.each([
    ['a wrong password', { username: 'kizuna', password: 'wrong' }],
    ['a wrong user', { username: 'mallory', password: auth.password }],
    ['no credentials', undefined],
  ])('refuses %s with AUTH_FAILED and does not keep retrying', async (_label, credentials) => {
    const client = await kit.client(node.endpoint, 'org/ns/eve', { auth: credentials, connect: false });
    const error = await client.connect({ timeoutMs: 5_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isKizunaError(error, 'AUTH_FAILED')).toBe(true);
    expect(client.stats().failedAttempts).toBe(1);
  });

  it('reports AUTH_FAILED as the offline reason for a background start()', async () => {
    const client = await kit.client(node.endpoint, 'org/ns/eve2', { auth: { username: 'x', password: 'y' }, connect: false });
    const offline = waitFor(client, 'state', (s) => s.state === 'offline');
    client.start();
    const change = await offline;
    expect(change.reason?.code).toBe('AUTH_FAILED');
    await expect(client.waitOnline({ timeoutMs: 1_000 })).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });
});
