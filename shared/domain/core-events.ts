import type { GroupChangeView } from './group-change.js';
import type { DeliveryFailureView, GroupActivityView, GroupView, InvitationView, MessageView, PersonView, SendState } from './views.js';

/** Why messages were retracted: the kind of signed change that carried the cutoffs. */
export type RetractionReason = 'removed' | 'left' | 'declined' | 'closed';

export interface RetractedSender {
  userId: string;
  /** The name the group shows them under ('' when it knows none). */
  name: string;
  count: number;
  cutoff: number;
}

/**
 * What the core tells every UI, in every host (Electron, browser, SDK): one definition, used by the
 * engine's events and by the IPC contract's pushed events.
 */
export interface CoreEventPayloads {
  /** A message was stored (received, or written by us). */
  message: MessageView;
  /**
   * A message's send state moved forward, or to 'failed': from pending (not sent), or from any state when
   * `refused` says the admin's signed cutoff for our own removal refused it (the only way 'failed' follows
   * 'delivered' or 'read': an ack meant stored, not kept; see docs/PROTOCOL.md, removal race).
   */
  'send-state': { groupId: string; messageId: string; state: SendState; refused?: true };
  /**
   * Received messages the group no longer holds: they reached us before the version whose signed cutoff
   * refuses them (a removal racing its member's burst, cutoff-retraction.ts). Every UI drops them; the
   * group's view (unread count, last message) follows in a `group` event.
   */
  'messages-retracted': {
    groupId: string;
    messageIds: string[];
    /** Whose they were: per sender, how many went and the last sequence number of theirs the group keeps. */
    senders: RetractedSender[];
    /** The signed change whose cutoffs let them go: the senders' removal, leave or decline, or the group's closing. */
    reason: RetractionReason;
  };
  /**
   * Received messages this device marked read (markRead: the user saw them), only those that were
   * unread. Every UI may stop calling them new (the shell closes their notifications); the group's
   * unread count follows in a `group-activity` event.
   */
  'messages-read': { groupId: string; messageIds: string[] };
  /**
   * A group's name, members, epoch, settings or our state in it changed: the whole view (and its last
   * message, last activity and unread count as they are now).
   */
  group: GroupView;
  /**
   * A message was stored in a group (received, or written by us), or messages were read: its last message,
   * last activity and unread count now. For stored messages, at most one per group per turn of the core's
   * loop, after the `message` events it follows.
   */
  'group-activity': GroupActivityView;
  /** An invitation arrived or was answered. */
  invitation: InvitationView & { state: 'pending' | 'accepted' | 'declined' | 'stale' };
  typing: { groupId: string; userId: string; typing: boolean; at: number };
  receipt: { groupId: string; messageId: string; reader: string; readAt: number };
  pin: { groupId: string; messageId: string; pinned: boolean; by: string; at: number };
  /** File chunks arrived (progress) or the file became complete. */
  file: { groupId: string; hash: string; have: number; total: number; complete: boolean };
  /**
   * Unread messages, sent when they change: `groups` holds every group we are in that has some (muted
   * ones too; a group not listed has none), `total` their sum without the muted ones (the badge).
   */
  unread: { total: number; groups: Record<string, number> };
  /** One of our messages was not acked by every member after its last retry (a later ack may still deliver it). */
  'delivery-failed': { groupId: string; messageId: string; /** How many times it was published (first send and retries). */ attempts: number } & DeliveryFailureView;
  /** A signed group change took effect (join by invitation, leave, remove, rename, picture, key renewal, delete): a timeline line. */
  'group-change': GroupChangeView;
  /** A person's verification changed (verified, unverified, or their keys changed after we verified them). */
  contact: PersonView;
}
