/**
 * The controller's real moderator: a headless Kizuna app (the Node SDK, seed 000's shape) that owns the
 * channels the controller creates and invites participants by SLIM name.
 *
 * Kizuna groups start with at least two members besides their admin, while SLIM's CreateChannel names
 * none. So a channel is created empty, its first participant is resolved (discovery: it must be online)
 * and kept waiting, and the group is created with the second one; later participants are invited into
 * the group directly. The Ack of the first AddParticipant says so in its messages.
 *
 * Which group serves which channel is kept in a small JSON file next to the controller's database, so a
 * restarted controller keeps managing the groups it made.
 *
 * The app is taken by its shape (ModeratorApp) rather than imported: main/core does not depend on the
 * hosts; `kizuna controller` passes a KizunaApp from main/host/sdk.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { EncryptionMode } from '../../../shared/domain/views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { ChannelModerator } from './channel-moderator.js';

/** What the moderator needs from the SDK's KizunaApp. */
export interface ModeratorApp {
  resolve(slimName: string, timeoutMs?: number): Promise<string>;
  createSession(options: { channelName?: string; name?: string; members?: string[]; mode?: EncryptionMode }): Promise<{ readonly groupId: string }>;
  session(groupId: string): { invite(slimName: string): Promise<void>; remove(nameOrId: string): Promise<void>; leave(): Promise<void> };
  close(): Promise<void>;
}

export interface SdkModeratorOptions {
  readonly app: ModeratorApp;
  /** JSON file for the channel → group map (e.g. <controller data dir>/moderator-channels.json). */
  readonly stateFile: string;
  /** Encryption of the groups it creates (default mls). */
  readonly mode?: EncryptionMode;
  /** How long a participant's name has to answer discovery (default 10 s). */
  readonly discoveryTimeoutMs?: number;
  /** Close the app when the controller stops (default true). */
  readonly closeApp?: boolean;
}

const stateSchema = z.object({
  version: z.literal(1),
  channels: z.record(
    z.string(),
    z.object({
      groupId: z.string().nullable(),
      moderators: z.array(z.string()),
      waiting: z.array(z.object({ participantId: z.string(), userId: z.string() })),
    }),
  ),
});
type State = z.infer<typeof stateSchema>;
type ChannelState = State['channels'][string];

const GROUP_NAME_MAX = 50;

export function createSdkChannelModerator(options: SdkModeratorOptions): ChannelModerator {
  const { app, stateFile } = options;
  const mode = options.mode ?? 'mls';
  let state: State = { version: 1, channels: {} };
  if (existsSync(stateFile)) {
    const parsed = stateSchema.safeParse(JSON.parse(readFileSync(stateFile, 'utf8')));
    if (!parsed.success) throw new KizunaError('INVALID_CONFIG', `The moderator state ${stateFile} is not readable.`, { path: stateFile });
    state = parsed.data;
  }
  const save = (): void => {
    const tmp = `${stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
    renameSync(tmp, stateFile);
  };
  const channel = (channelId: string): ChannelState => {
    const c = state.channels[channelId];
    if (c === undefined) throw new KizunaError('CHANNEL_NOT_FOUND', `The moderator does not manage ${channelId}.`, { channel: channelId });
    return c;
  };

  return {
    kind: 'kizuna-sdk',
    async createChannel({ channelId, moderators }) {
      state.channels[channelId] ??= { groupId: null, moderators: [...moderators], waiting: [] };
      save();
    },
    async deleteChannel(channelId) {
      const c = state.channels[channelId];
      if (c?.groupId !== null && c?.groupId !== undefined) await app.session(c.groupId).leave();
      delete state.channels[channelId];
      save();
    },
    async addParticipant(channelId, participantId) {
      const c = channel(channelId);
      if (c.groupId !== null) {
        await app.session(c.groupId).invite(participantId);
        return [`${participantId} was invited to the channel's group.`];
      }
      // No group yet: resolve now (a name nobody answers is refused at once), create with the second.
      const userId = await app.resolve(participantId, options.discoveryTimeoutMs ?? 10_000);
      if (!c.waiting.some((w) => w.userId === userId)) c.waiting.push({ participantId, userId });
      if (c.waiting.length < 2) {
        save();
        return [`${participantId} answered and waits: a Kizuna group starts with two participants besides the moderator, it is created with the next one.`];
      }
      const name = (channelId.split('/')[2] ?? channelId).slice(0, GROUP_NAME_MAX);
      const session = await app.createSession({ channelName: channelId, name, members: c.waiting.map((w) => w.userId), mode });
      const invited = c.waiting.map((w) => w.participantId);
      c.groupId = session.groupId;
      c.waiting = [];
      save();
      return [`The channel's group was created; ${invited.join(' and ')} were invited.`];
    },
    async removeParticipant(channelId, participantId) {
      const c = channel(channelId);
      if (c.groupId !== null) {
        await app.session(c.groupId).remove(participantId);
      } else {
        c.waiting = c.waiting.filter((w) => w.participantId !== participantId);
        save();
      }
    },
    async close() {
      if (options.closeApp !== false) await app.close();
    },
  };
}
