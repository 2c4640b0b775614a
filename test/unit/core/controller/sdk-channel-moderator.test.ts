/** The SDK-backed moderator's bookkeeping, over a TEST DOUBLE of the app (the real app runs in test/integration/controller). */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSdkChannelModerator, type ModeratorApp } from '../../../../main/core/controller/sdk-channel-moderator.js';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { expectCode } from '../../../helpers/expect-code.js';
import { tempDir } from '../../../helpers/test-engines.js';

function fakeApp(): ModeratorApp & { log: string[]; offline: Set<string> } {
  const log: string[] = [];
  const offline = new Set<string>();
  let groups = 0;
  return {
    log,
    offline,
    async resolve(name) {
      if (offline.has(name)) throw new KizunaError('NODE_UNREACHABLE');
      log.push(`resolve ${name}`);
      return `id-of-${name}`;
    },
    async createSession(o) {
      groups += 1;
      log.push(`create ${o.name} [${(o.members ?? []).join(', ')}] ${o.mode}`);
      return { groupId: `group-${groups}` };
    },
    session(groupId) {
      return {
        invite: async (name: string) => void log.push(`invite ${name} to ${groupId}`),
        remove: async (name: string) => void log.push(`remove ${name} from ${groupId}`),
        leave: async () => void log.push(`leave ${groupId}`),
      };
    },
    close: async () => void log.push('close'),
  };
}

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('kizuna-moderator-');
});
afterEach(() => dir.cleanup());

describe('SDK channel moderator', () => {
  it('holds the first participant, creates the group with the second, invites the rest; survives a restart', async () => {
    const app = fakeApp();
    const stateFile = join(dir.path, 'moderator-channels.json');
    let m = createSdkChannelModerator({ app, stateFile, closeApp: false });
    await m.createChannel({ channelId: 'a/b/chan', moderators: ['a/b/mod'] });
    expect(await m.addParticipant('a/b/chan', 'a/b/p1')).toEqual([expect.stringContaining('waits')]);
    expect(await m.addParticipant('a/b/chan', 'a/b/p2')).toEqual([expect.stringContaining('created')]);
    // A restarted controller builds a new moderator over the same file.
    m = createSdkChannelModerator({ app, stateFile, closeApp: false });
    await m.addParticipant('a/b/chan', 'a/b/p3');
    await m.removeParticipant('a/b/chan', 'a/b/p1');
    await m.deleteChannel('a/b/chan');
    await m.close();
    expect(app.log).toEqual([
      'resolve a/b/p1',
      'resolve a/b/p2',
      'create chan [id-of-a/b/p1, id-of-a/b/p2] mls',
      'invite a/b/p3 to group-1',
      'remove a/b/p1 from group-1',
      'leave group-1',
    ]);
  });

  it('refuses an unreachable participant and an unknown channel, and forgets a waiting participant on removal', async () => {
    const app = fakeApp();
    const m = createSdkChannelModerator({ app, stateFile: join(dir.path, 's.json'), mode: 'sealed' });
    await expectCode(m.addParticipant('a/b/none', 'a/b/p1'), 'CHANNEL_NOT_FOUND');
    await m.createChannel({ channelId: 'a/b/chan', moderators: ['a/b/mod'] });
    app.offline.add('a/b/ghost');
    await expectCode(m.addParticipant('a/b/chan', 'a/b/ghost'), 'NODE_UNREACHABLE');
    await m.addParticipant('a/b/chan', 'a/b/p1');
    await m.removeParticipant('a/b/chan', 'a/b/p1');
    await m.addParticipant('a/b/chan', 'a/b/p2');
    expect(app.log.some((l) => l.startsWith('create'))).toBe(false);
    await m.addParticipant('a/b/chan', 'a/b/p3');
    expect(app.log).toContain('create chan [id-of-a/b/p2, id-of-a/b/p3] sealed');
    await m.close();
    expect(app.log.at(-1)).toBe('close');
  });
});
