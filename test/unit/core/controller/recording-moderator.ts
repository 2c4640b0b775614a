/**
 * TEST DOUBLE of the ChannelModerator, for the controller's gRPC and persistence tests: it records what
 * the controller asked and can be told to refuse. The real moderator (a headless Kizuna engine through
 * the SDK) is tested separately.
 */
import type { ChannelModerator } from '../../../../main/core/controller/channel-moderator.js';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';

export interface RecordingModerator extends ChannelModerator {
  readonly calls: string[];
  /** The next call fails with this error. */
  failNext(error: KizunaError): void;
}

export function recordingModerator(): RecordingModerator {
  const calls: string[] = [];
  let failure: KizunaError | undefined;
  const act = async (call: string): Promise<void> => {
    calls.push(call);
    const f = failure;
    failure = undefined;
    if (f !== undefined) throw f;
  };
  return {
    kind: 'recording-test-double',
    calls,
    failNext: (error) => {
      failure = error;
    },
    createChannel: ({ channelId, moderators }) => act(`create ${channelId} by ${moderators.join(',')}`),
    deleteChannel: (channelId) => act(`delete ${channelId}`),
    addParticipant: (channelId, participantId) => act(`add ${participantId} to ${channelId}`),
    removeParticipant: (channelId, participantId) => act(`remove ${participantId} from ${channelId}`),
    close: () => Promise.resolve(),
  };
}
