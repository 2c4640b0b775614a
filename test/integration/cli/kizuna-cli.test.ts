import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pickFreeTcpPort } from '../../../main/core/slim-node/slim-node-launcher.js';
import { tempDir } from '../../helpers/test-engines.js';
import { kizuna, run, stopAll, type Running } from './cli-process.js';

describe('the kizuna command', () => {
  let dir: ReturnType<typeof tempDir>;
  const running: Running[] = [];

  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await stopAll(running.splice(0));
    dir.cleanup();
  });

  it('runs the seed multicast example: a node, a moderator inviting two participants with MLS', async () => {
    const port = await pickFreeTcpPort();
    const endpoint = `127.0.0.1:${port}`;
    const node = kizuna(['node', '--endpoint', endpoint]);
    running.push(node);
    await node.waitLine(/listening on/);
    const common = (name: string): string[] => ['--data-dir', join(dir.path, name), '--node', endpoint];
    const bob = kizuna(['participant', '--local', 'agntcy/ns/bob', '--stop-after', '1', ...common('bob')]);
    const carol = kizuna(['participant', '--local', 'agntcy/ns/carol', '--stop-after', '1', ...common('carol')]);
    running.push(bob, carol);
    await bob.waitLine(/Waiting for session/);
    await carol.waitLine(/Waiting for session/);
    const moderator = kizuna(['moderator', '--local', 'agntcy/ns/moderator', '--invites', 'agntcy/ns/bob,agntcy/ns/carol', '--enable-mls', '--message', 'hello group', '--accept-unverified', ...common('moderator')]);
    running.push(moderator);
    await moderator.waitLine(/add agntcy\/ns\/bob to the group/);
    await bob.waitLine(/Received message from agntcy\/ns\/moderator: hello group/);
    await carol.waitLine(/Received message from agntcy\/ns\/moderator: hello group/);
    expect(await bob.exited).toBe(0);
    expect(await carol.exited).toBe(0);
    // The profile keeps its history: read it back offline.
    const history = await run(['group', 'list', ...common('bob')]);
    expect(history.code).toBe(0);
    expect(history.out).toMatch(/group_channel\s+\[mls, epoch \d+, joined\]/);
  });

  it('works the first time on fresh profiles with the embedded node (no "No SLIM node is configured")', async () => {
    // Fresh profiles, no --node: the connection starts only once the identity exists, and the first command must wait for it.
    const env = { XDG_RUNTIME_DIR: join(dir.path, 'run') };
    const common = (name: string): string[] => ['--data-dir', join(dir.path, name)];
    const bob = kizuna(['participant', '--local', 'agntcy/ns/bob', '--stop-after', '1', ...common('bob')], env);
    running.push(bob);
    await bob.waitLine(/Waiting for session/);
    const carol = kizuna(['participant', '--local', 'agntcy/ns/carol', '--stop-after', '1', ...common('carol')], env);
    running.push(carol);
    await carol.waitLine(/Waiting for session/);
    const moderator = kizuna(['moderator', '--local', 'agntcy/ns/moderator', '--invites', 'agntcy/ns/bob,agntcy/ns/carol', '--message', 'first run', '--accept-unverified', ...common('moderator')], env);
    running.push(moderator);
    await bob.waitLine(/Received message from agntcy\/ns\/moderator: first run/);
    await carol.waitLine(/Received message from agntcy\/ns\/moderator: first run/);
    expect([...bob.lines, ...carol.lines, ...moderator.lines].join('\n')).not.toMatch(/No SLIM node is configured/);
    expect(await carol.exited).toBe(0);
    expect(await bob.exited).toBe(0);
  });

  it('starts the controller with its moderator on a node, and refuses bad identity-token options', async () => {
    const nodePort = await pickFreeTcpPort();
    const node = kizuna(['node', '--endpoint', `127.0.0.1:${nodePort}`]);
    running.push(node);
    await node.waitLine(/listening on/);
    const port = await pickFreeTcpPort();
    const controller = kizuna(['controller', '--port', String(port), '--host', '127.0.0.1', '--node', `127.0.0.1:${nodePort}`, '--data-dir', join(dir.path, 'ctl')]);
    running.push(controller);
    await controller.waitLine(new RegExp(`controller listening on 127\\.0\\.0\\.1:${port}; moderator kizuna/controller/moderator`));
    const weak = await run(['participant', '--local', 'org/ns/x', '--shared-secret', 'too short', '--data-dir', join(dir.path, 'x'), '--node', `127.0.0.1:${nodePort}`]);
    expect(weak.code).toBe(1);
    expect(weak.out).toMatch(/at least 32 bytes/);
  });

  it('manages identity and contacts offline, with clear errors and exit codes', async () => {
    const a = ['--data-dir', join(dir.path, 'a')];
    const b = ['--data-dir', join(dir.path, 'b')];
    expect((await run(['identity', 'create', '--name', 'Ann', ...a])).code).toBe(0);
    const created = await run(['identity', 'create', '--name', 'Ben', '--slim-name', 'org/ns/ben', ...b]);
    expect(created.out).toMatch(/SLIM name: org\/ns\/ben/);
    const card = (await run(['identity', 'card', ...b])).out.trim();
    expect((await run(['contact', 'add', card, ...a])).out).toMatch(/Ben\s+org\/ns\/ben\s+added/);
    const again = await run(['contact', 'add', card, ...a]);
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/already in your contacts/);
    const bad = await run(['contact', 'add', 'not-a-card', ...a]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/contact card is not valid/);
    expect((await run(['group', 'create', '--name', 'x'.repeat(51), '--members', 'a,b', ...a])).out).toMatch(/user id|at most 50/);
    expect((await run(['frobnicate', ...a])).code).toBe(2);
    const badRetries = await run(['moderator', '--local', 'org/ns/m', '--invites', 'org/ns/b,org/ns/c', '--max-retries=abc', ...a]);
    expect(badRetries.code).toBe(1);
    expect(badRetries.out).toMatch(/--max-retries takes a whole number from 0 to 100 \(got "abc"\)/);
    const webHelp = await run(['web', '--help']);
    expect(webHelp.code).toBe(0);
    expect(webHelp.out).toMatch(/--no-build/);
    const moderatorHelp = await run(['moderator', '--help']);
    expect(moderatorHelp.out).toMatch(/--max-retries N[\s\S]*--timeout SECONDS/);
    expect((await run(['identity', 'show', '--bogus-flag', ...a])).code).toBe(2);
    // Read-only commands on a folder without a profile say so and create nothing there.
    for (const command of [['identity', 'show'], ['group', 'list'], ['identity', 'card']]) {
      const missing = await run([...command, '--data-dir', join(dir.path, 'empty')]);
      expect(missing.code).toBe(1);
      expect(missing.out).toMatch(/There is no Kizuna profile in .*empty/);
      expect(existsSync(join(dir.path, 'empty'))).toBe(false);
    }
  });
});
