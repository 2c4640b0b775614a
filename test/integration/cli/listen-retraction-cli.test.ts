import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickFreeTcpPort } from '../../../main/core/slim-node/slim-node-launcher.js';
import { cliBedEachTest, kizuna, run, type Running } from './cli-process.js';

/**
 * The removal race (docs/PROTOCOL.md) through `kizuna listen`, every person in processes of the
 * built CLI over a real SLIM node. Alice (the admin) is not running while bob writes two more
 * messages: carol, listening, prints them. Alice then signs bob's removal while she cannot reach the
 * node (so its cutoff is what she holds: bob's first message), and publishes it when she listens
 * again; carol lets bob's two go and prints a line saying so: whose, how many, why.
 */
describe('kizuna listen after a cutoff retraction', () => {
  const bed = cliBedEachTest();
  const running = bed.running;

  it('prints the retraction: group, sender, how many, and the removal', async () => {
    const endpoint = await bed.startNode();
    const names: readonly string[] = ['alice', 'bob', 'carol', 'dave'];
    const profile = (name: string, at = endpoint): string[] => ['--data-dir', join(bed.dir(), name), '--node', at];
    // Each profile in parallel (a command per process is most of this test's time); one profile's commands in turn.
    const made = await Promise.all(names.map((name) => run(['identity', 'create', '--name', name, '--slim-name', `org/ns/${name}`, ...profile(name)])));
    expect(made.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const who = await Promise.all(names.map(async (name) => ({ card: (await run(['identity', 'card', ...profile(name)])).out.trim(), show: (await run(['identity', 'show', ...profile(name)])).out })));
    const cards = new Map(names.map((name, i) => [name, who[i]!.card]));
    const ids = new Map(names.map((name, i) => [name, who[i]!.show.trim().split(/\s+/)[0]!]));
    const adds = await Promise.all([
      (async () => {
        const codes: (number | null)[] = [];
        for (const name of names.slice(1)) codes.push((await run(['contact', 'add', cards.get(name)!, ...profile('alice')])).code);
        return codes;
      })(),
      ...names.slice(1).map(async (name) => [(await run(['contact', 'add', cards.get('alice')!, ...profile(name)])).code]),
    ]);
    expect(adds.flat()).toEqual([0, 0, 0, 0, 0, 0]);

    // The members listen (and accept); alice admits them.
    const listen = (name: string, at = endpoint): Running => {
      const r = kizuna(['listen', '--accept', ...profile(name, at)]);
      running.push(r);
      return r;
    };
    let bob = listen('bob');
    const [carol, dave] = [listen('carol'), listen('dave')];
    const created = await run(['group', 'create', '--name', 'Race', '--members', ['bob', 'carol', 'dave'].map((n) => ids.get(n)).join(','), '--mode', 'sealed', ...profile('alice')]);
    expect(created.out).toMatch(/Race/);
    expect(created.code).toBe(0);
    const groupId = created.out.trim().split(/\s+/)[0]!;
    // Alice listens too: her outbox resends the invitations until each member's client, starting, has them.
    const alice = listen('alice');
    for (const r of [bob, carol, dave]) await r.waitLine(/invitation to Race/, 60_000);
    // Bob writes (a command of its own, so bob's listen steps aside), then listens again: his outbox
    // sends it once he is in. It reaches alice and carol: the group is formed, and alice holds it.
    const send = async (text: string): Promise<Running> => {
      await stop(bob);
      expect((await run(['group', 'send', groupId, text, ...profile('bob')])).code).toBe(0);
      bob = listen('bob');
      return bob;
    };
    await send('kept');
    for (const r of [alice, carol]) await r.waitLine(/bob: kept$/, 60_000);

    // Alice goes away; bob writes two more, which carol prints.
    await stop(alice);
    await send('late one');
    await send('late two');
    for (const text of ['late one', 'late two']) await carol.waitLine(new RegExp(`bob: ${text}$`), 60_000);

    // Alice removes bob where no node answers (her cutoff: the one message of his she holds), then listens again.
    const nowhere = `127.0.0.1:${await pickFreeTcpPort()}`;
    const removed = await run(['group', 'remove', groupId, ids.get('bob')!, ...profile('alice', nowhere)]);
    expect(removed.code).toBe(0);
    listen('alice');
    const line = await carol.waitLine(/retracted/, 60_000);
    expect(line).toBe(`${groupId.slice(0, 8)} - retracted 2 messages from bob (the group keeps up to their #1): sent past the cutoff of their removal`);
    await stop(carol);
    const history = (await run(['group', 'history', groupId, ...profile('carol')])).out;
    expect(history).toMatch(/bob: kept/);
    expect(history).not.toMatch(/late/);
  }, 240_000);
});

async function stop(r: Running): Promise<void> {
  r.child.kill('SIGTERM');
  await r.exited;
}
