import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliBedEachTest, kizuna, run } from './cli-process.js';

/**
 * Issue 11's "done when": two people who just swapped cards chat one to one in the CLI
 * (`kizuna chat WHO`), over a real SLIM node, each in its own process.
 */
describe('kizuna chat', () => {
  const bed = cliBedEachTest();
  const running = bed.running;

  it('lets two people who swapped cards chat one to one, joining the chat the other started', async () => {
    const endpoint = await bed.startNode();
    const ann = ['--data-dir', join(bed.dir(), 'ann'), '--node', endpoint];
    const ben = ['--data-dir', join(bed.dir(), 'ben'), '--node', endpoint];
    expect((await run(['identity', 'create', '--name', 'Ann', '--slim-name', 'org/ns/ann', ...ann])).code).toBe(0);
    expect((await run(['identity', 'create', '--name', 'Ben', '--slim-name', 'org/ns/ben', ...ben])).code).toBe(0);
    expect((await run(['contact', 'add', (await run(['identity', 'card', ...ben])).out.trim(), ...ann])).code).toBe(0);
    expect((await run(['contact', 'add', (await run(['identity', 'card', ...ann])).out.trim(), ...ben])).code).toBe(0);

    // Someone who is not a contact is refused with what to do instead.
    const stranger = await run(['chat', 'Carol', ...ann]);
    expect(stranger.code).toBe(1);
    expect(stranger.out).toMatch(/"Carol" is not one of your contacts\. Add their card first/);

    // Ben is online (listening) when Ann starts the chat, so Ann's invitation waits for him.
    const listening = kizuna(['listen', ...ben]);
    running.push(listening);
    const annChat = kizuna(['chat', 'Ben', '--mode', 'sealed', ...ann], {}, { stdin: true });
    running.push(annChat);
    await annChat.waitLine(/^chat with Ben \(sealed/);
    await listening.waitLine(/invitation to .* from Ann/, 60_000);
    listening.child.kill('SIGTERM');
    await listening.exited;

    // Ben, by name, joins Ann's chat (no second chat) and says hello; Ann answers by typing a line.
    const benChat = kizuna(['chat', 'ann', '--message', 'hello Ann', '--stop-after', '1', ...ben]);
    running.push(benChat);
    await benChat.waitLine(/joining Ann's chat/);
    await annChat.waitLine(/Ben: hello Ann$/, 60_000);
    annChat.child.stdin?.write('hello Ben\n');
    await benChat.waitLine(/Ann: hello Ben$/, 60_000);
    expect(await benChat.exited).toBe(0);
    annChat.child.kill('SIGTERM');
    expect(await annChat.exited).toBe(0);

    // One direct chat on each side, the same one, and both messages in its history.
    const annGroups = (await run(['group', 'list', ...ann])).out.trim().split('\n');
    const benGroups = (await run(['group', 'list', ...ben])).out.trim().split('\n');
    expect(annGroups).toHaveLength(1);
    expect(benGroups).toHaveLength(1);
    expect(annGroups[0]).toMatch(/\[direct, sealed, epoch \d+, joined\]/);
    const groupId = annGroups[0]!.split(/\s+/)[0]!;
    expect(benGroups[0]!.startsWith(groupId)).toBe(true);
    const history = (await run(['group', 'history', groupId, ...ben])).out;
    expect(history).toMatch(/Ben: hello Ann/);
    expect(history).toMatch(/Ann: hello Ben/);
  }, 240_000);
});
