/**
 * The controller's channel-manager role: something that owns the channels the controller creates and
 * invites (and removes) participants when an operator asks. Seed 000's controller forwards these
 * requests to a moderator application; Kizuna's controller is that moderator itself, a headless Kizuna
 * engine speaking SLIM's session protocol through the SDK (createSession / invite by SLIM name / remove).
 *
 * The controller calls these methods before it records anything, so a refusal leaves its state as it
 * was. Errors are KizunaErrors; the controller turns them into gRPC statuses.
 */
import { KizunaError } from '../../../shared/errors/kizuna-error.js';

export interface ChannelModerator {
  /** Which implementation this is (for logs and ListNodes-style diagnostics). */
  readonly kind: string;
  /** Creates the channel `channelId` (a SLIM name) owned by the moderator. */
  createChannel(channel: { channelId: string; moderators: readonly string[] }): Promise<void>;
  /** Closes the channel: every participant is told, and nobody can send in it any more. */
  deleteChannel(channelId: string): Promise<void>;
  /**
   * Invites whoever answers at the SLIM name `participantId` (discovery, then the normal invitation).
   * May resolve with notes for the operator (they go into Ack.messages).
   */
  addParticipant(channelId: string, participantId: string): Promise<readonly string[] | void>;
  /** Removes the participant from the channel (their keys stop working for anything sent later). */
  removeParticipant(channelId: string, participantId: string): Promise<void>;
  /** Releases the moderator's resources when the controller stops. */
  close(): Promise<void>;
}

/**
 * The moderator the controller uses when none is configured: it refuses every channel operation with
 * MODERATOR_UNAVAILABLE (gRPC UNAVAILABLE), so that nothing is recorded that nobody carries out. Node
 * wiring (connections, subscriptions) works without a moderator.
 */
export function createUnavailableModerator(reason = 'no channel moderator is configured'): ChannelModerator {
  const refuse = (): Promise<never> => Promise.reject(new KizunaError('MODERATOR_UNAVAILABLE', `The controller cannot manage channels: ${reason}.`, { reason }));
  return {
    kind: 'unavailable',
    createChannel: refuse,
    deleteChannel: refuse,
    addParticipant: refuse,
    removeParticipant: refuse,
    close: () => Promise.resolve(),
  };
}
