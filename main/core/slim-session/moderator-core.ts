/** What the moderator's membership tasks (invite, remove, rejoin) work on: the session's state and plumbing. */
import type { SlimName } from '../../../shared/domain/slim-name.js';
import type { WireMessage, WireName } from '../transport/slim-wire-types.js';
import type { ControlRequests } from './control-requests.js';
import type { WireCommandPayload, WireParticipant } from './session-frame.js';
import type { SessionContext, TimerSettings } from './session-context.js';
import type { ModeratorMls } from './session-mls.js';

export interface Member {
  readonly participant: WireParticipant;
  /** The identity (token id) the member proved; removal in MLS looks members up by it. */
  readonly subject: string;
}

export interface ModeratorCore {
  readonly ctx: SessionContext;
  readonly requests: ControlRequests;
  /** By session-names nameKey, us included. */
  readonly members: Map<string, Member>;
  /** The token id each JOIN_REPLY proved, by the JOIN_REQUEST's message id. */
  readonly subjects: Map<number, string>;
  readonly mls: ModeratorMls | undefined;
  readonly metadata: Readonly<Record<string, string>> | undefined;
  readonly timer: TimerSettings;
  readonly channel: WireName;
  readonly control: WireName;
  encode(name: SlimName): WireName;
  command(destination: WireName, fanout: number, messageType: number, messageId: number, command: WireCommandPayload, metadata?: Readonly<Record<string, string>>): WireMessage;
  /** Keys of the members other than us. */
  others(): string[];
  nextCommitId(): number;
  /** A member is gone: nobody waits for its acks any more. */
  forget(key: string): void;
  membersChanged(): void;
}

export function participantOf(name: WireName): WireParticipant {
  return { name, settings: { sends_data: true, receives_data: true }, status: 0 };
}
