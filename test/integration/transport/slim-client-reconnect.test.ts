import { afterEach, describe, expect, it } from 'vitest';
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import { collect, createSlimTestKit, text } from '../../helpers/slim-test-kit.js';
import { waitFor } from '../../helpers/wait-for.js';

const kit = createSlimTestKit();
afterEach(() => kit.dispose());

const bobName = parseSlimName('org/ns/bob');

describe('SLIM client reconnection', () => {
  it('goes offline when the node is SIGKILLed, comes back online when it restarts, resubscribed', async () => {
    const node = await kit.startNode();
    const alice = await kit.client(node.endpoint, 'org/ns/alice');
    const bob = await kit.client(node.endpoint, 'org/ns/bob');
    await bob.subscribe(bobName);
    await bob.subscribe(parseSlimName('org/ns/bob-extra'));
    const inbox = collect(bob);
    alice.publish(bobName, text('before crash'));
    await inbox.untilText('before crash');

    const bobOffline = waitFor(bob, 'state', (s) => s.state === 'offline');
    const aliceOffline = waitFor(alice, 'state', (s) => s.state === 'offline');
    node.kill('SIGKILL');
    const [offline] = await Promise.all([bobOffline, aliceOffline]);
    expect(offline.reason?.code).toMatch(/TRANSPORT_CLOSED|NODE_UNREACHABLE/);
    expect(() => alice.publish(bobName, text('while down'))).toThrow(/Not connected/);
    expect((await node.exited).signal).toBe('SIGKILL');

    const bobOnline = waitFor(bob, 'state', (s) => s.state === 'online', 10_000);
    const aliceOnline = waitFor(alice, 'state', (s) => s.state === 'online', 10_000);
    await kit.startNode({ endpoint: node.endpoint });
    await Promise.all([bobOnline, aliceOnline]);
    expect(bob.stats().reconnects).toBe(1);
    expect(bob.subscriptions()).toHaveLength(2);

    // Both subscriptions were renewed on the new node without any call from us.
    alice.publish(bobName, text('after restart'));
    alice.publish(parseSlimName('org/ns/bob-extra'), text('extra after restart'));
    await inbox.untilText('after restart');
    await inbox.untilText('extra after restart');
  });

  it('notices a frozen node through the liveness probe (no socket error at all), and recovers when it thaws', async () => {
    const node = await kit.startNode();
    const alice = await kit.client(node.endpoint, 'org/ns/alice');
    const bob = await kit.client(node.endpoint, 'org/ns/bob');
    await bob.subscribe(bobName);
    const inbox = collect(bob);

    const offline = waitFor(bob, 'state', (s) => s.state === 'offline');
    node.kill('SIGSTOP');
    const change = await offline;
    expect(change.reason?.message).toMatch(/stopped answering|liveness/);

    const online = waitFor(bob, 'state', (s) => s.state === 'online', 15_000);
    const aliceOnline = alice.state === 'online' ? Promise.resolve() : waitFor(alice, 'state', (s) => s.state === 'online', 15_000);
    node.kill('SIGCONT');
    await Promise.all([online, aliceOnline]);
    alice.publish(bobName, text('after thaw'));
    await inbox.untilText('after thaw');
  });

  it('a subscription made while offline is applied once the node is back', async () => {
    const node = await kit.startNode();
    const bob = await kit.client(node.endpoint, 'org/ns/bob');
    const offline = waitFor(bob, 'state', (s) => s.state === 'offline');
    node.kill('SIGKILL');
    await offline;
    const subscribed = bob.subscribe(bobName, { timeoutMs: 10_000 });
    await node.exited;
    await kit.startNode({ endpoint: node.endpoint });
    await subscribed;
    const alice = await kit.client(node.endpoint, 'org/ns/alice');
    const inbox = collect(bob);
    alice.publish(bobName, text('late subscriber'));
    await inbox.untilText('late subscriber');
  });

  it('close() while reconnecting stops the loop and leaves nothing running', async () => {
    const node = await kit.startNode();
    const bob = await kit.client(node.endpoint, 'org/ns/bob');
    const offline = waitFor(bob, 'state', (s) => s.state === 'offline');
    node.kill('SIGKILL');
    await offline;
    const pending = bob.subscribe(bobName, { timeoutMs: 10_000 });
    await bob.close();
    await expect(pending).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    expect(bob.state).toBe('offline');
    await expect(bob.waitOnline({ timeoutMs: 100 })).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  });
});
