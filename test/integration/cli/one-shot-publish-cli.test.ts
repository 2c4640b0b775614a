import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliBedEachTest, kizuna, run, type Running } from './cli-process.js';

/**
 * A one-shot command's publications leave before it exits. `kizuna group create` and `kizuna group
 * invite` queue invitations, wait for the outbox to mark them sent (written to the link) and close:
 * the close must let those writes leave the gRPC link before it ends the stream, or a listening
 * recipient waits for the inviter's next run. Here the inviter never runs again.
 */
describe('one-shot CLI commands over a real SLIM node', () => {
  const bed = cliBedEachTest();
  const running = bed.running;

  it('deliver their invitations to listening recipients without the inviter running again', async () => {
    const endpoint = await bed.startNode();
    const names = ['alice', 'bob', 'carol', 'dave'] as const;
    const profile = (name: string): string[] => ['--data-dir', join(bed.dir(), name), '--node', endpoint];
    const made = await Promise.all(names.map((name) => run(['identity', 'create', '--name', name, '--slim-name', `org/ns/${name}`, ...profile(name)])));
    expect(made.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const who = await Promise.all(names.map(async (name) => ({ card: (await run(['identity', 'card', ...profile(name)])).out.trim(), show: (await run(['identity', 'show', ...profile(name)])).out })));
    const id = (name: (typeof names)[number]): string => who[names.indexOf(name)]!.show.trim().split(/\s+/)[0]!;
    const card = (name: (typeof names)[number]): string => who[names.indexOf(name)]!.card;
    for (const name of names.slice(1)) expect((await run(['contact', 'add', card(name), ...profile('alice')])).code).toBe(0);
    const adds = await Promise.all(names.slice(1).map(async (name) => (await run(['contact', 'add', card('alice'), ...profile(name)])).code));
    expect(adds).toEqual([0, 0, 0]);

    const listen = async (name: string): Promise<Running> => {
      const r = kizuna(['listen', ...profile(name)]);
      running.push(r);
      await r.waitLine(/^listening as org\/ns\//, 60_000);
      return r;
    };
    const [bob, carol] = await Promise.all([listen('bob'), listen('carol')]);
    const created = await run(['group', 'create', '--name', 'Trip', '--members', `${id('bob')},${id('carol')}`, '--mode', 'sealed', ...profile('alice')]);
    expect(created.code).toBe(0);
    const groupId = created.out.trim().split(/\s+/)[0]!;
    for (const r of [bob, carol]) await r.waitLine(/^invitation to Trip .* from alice$/, 60_000);

    const dave = await listen('dave');
    const invited = await run(['group', 'invite', groupId, id('dave'), ...profile('alice')]);
    expect(invited.code).toBe(0);
    await dave.waitLine(/^invitation to Trip .* from alice$/, 60_000);
  }, 240_000);
});
