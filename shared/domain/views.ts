/**
 * What the engine shows its hosts (UI, CLI, SDK): plain JSON-safe data with ids as base64url text.
 * Times are ms since the Unix epoch (UTC); the UI formats them in local time.
 */
import type { RetryPolicyView } from './retry-policy.js';
export type UserId = string;
export type GroupId = string;
export type MessageId = string;

export type EncryptionMode = 'mls' | 'sealed' | 'none';
export const ENCRYPTION_MODES: readonly EncryptionMode[] = ['mls', 'sealed', 'none'];

export type SendState = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';
export type ContactState = 'none' | 'added' | 'blocked';
export type MyGroupState = 'invited' | 'joining' | 'joined' | 'declined' | 'left' | 'removed' | 'closed';
export type MessageKind = 'text' | 'file' | 'media';

export interface IdentityView {
  userId: UserId;
  displayName: string;
  slimName: string;
  card: string;
  cardLink: string;
  createdAt: number;
}

export interface PersonView {
  userId: UserId;
  displayName: string;
  slimName: string;
  contactState: ContactState;
  addedAt: number | null;
  blockedAt: number | null;
  /** We compared safety numbers with them and their keys have not changed since (issue 11). */
  verified?: boolean;
  /** When their keys changed after we verified them; null once acknowledged (the chat warns until then). */
  keyChangedAt?: number | null;
}

/** A contact's safety number (issue 11): what both people compare, aloud or as a QR code. */
export interface SafetyNumberView {
  userId: UserId;
  displayName: string;
  /** 60 digits, the same on both sides. */
  digits: string;
  /** The digits in 12 groups of 5, for reading aloud. */
  groups: string[];
  /** What the QR code holds (`kizuna:safety:v1:` and the digits). */
  qrPayload: string;
  verified: boolean;
  keyChangedAt: number | null;
}

export interface GroupMemberView {
  userId: UserId;
  displayName: string;
  slimName: string;
  role: 'admin' | 'member';
  status: 'invited' | 'joined';
  isSelf: boolean;
  /** Heard from lately (heartbeats); set by hosts that are connected, absent otherwise. */
  online?: boolean;
  /**
   * Who vouched for this member's key, from the identity token they joined with (issue 5): shown next to
   * the display name. Null (or absent) when no token was presented or identity tokens are not configured.
   */
  verifiedIdentity?: VerifiedIdentityView | null;
  /** We compared safety numbers with this member (issue 11). */
  contactVerified?: boolean;
  /** This member's keys changed after we verified them and the user has not acknowledged it yet. */
  keyChanged?: boolean;
}

export interface VerifiedIdentityView {
  /** JWT `iss` (e.g. the SPIRE trust domain's issuer) or `shared-secret`. */
  issuer: string;
  /** JWT `sub` (e.g. a SPIFFE ID) or the shared-secret token's id. */
  subject: string;
}

export interface MessagePreview {
  id: MessageId;
  sender: UserId;
  senderName: string;
  sentAt: number;
  kind: MessageKind;
  text: string;
}

export interface GroupView {
  groupId: GroupId;
  name: string;
  mode: EncryptionMode;
  creator: UserId;
  createdAt: number;
  isAdmin: boolean;
  myState: MyGroupState;
  members: GroupMemberView[];
  version: number;
  epoch: number;
  avatar: { mime: string; base64: string } | null;
  muted: boolean;
  unreadCount: number;
  lastActivityAt: number;
  lastMessage: MessagePreview | null;
  /** A one-to-one chat: the creator and one member, never more (its title is the other person's name). */
  direct: boolean;
  /**
   * A direct chat that converged into another with the same person (issue 11): the chat kept, where
   * our messages were sent again. Such a chat is not listed; a host showing it should open this one.
   */
  mergedInto: GroupId | null;
  /** This device's retry policy for the group (seed 000's max_retries and timeout); null fields follow the app's. */
  retryPolicy: RetryPolicyView;
}

/**
 * What a stored message (received, or sent by us) or a read moves in its group's view: the last message,
 * the last activity and the unread count. Sent alone (the `group-activity` event) so that a message in a group of a
 * thousand members does not carry the thousand members to every UI; the rest of the view is as in the
 * group's last `group` event.
 */
export type GroupActivityView = Pick<GroupView, 'groupId' | 'unreadCount' | 'lastActivityAt' | 'lastMessage'>;

export interface FileView {
  name: string;
  size: number;
  mime: string;
  hash: string;
  available: boolean;
}

export interface MessageView {
  id: MessageId;
  groupId: GroupId;
  sender: UserId;
  senderName: string;
  isMine: boolean;
  seq: number;
  epoch: number;
  sentAt: number;
  receivedAt: number;
  kind: MessageKind;
  text: string;
  replyTo: MessageId | null;
  file: FileView | null;
  sendState: SendState;
  pinned: boolean;
  readBy: number;
  /** One of our messages some members never acked after every retry (seed 000): why, in words, and who. */
  failure?: DeliveryFailureView;
}

export interface DeliveryFailureView {
  /**
   * retries-exhausted: members were offline for every retry (a later ack still delivers it); removed: they
   * left or were removed before they had it; refused: sent after our own removal, so every member refuses it.
   */
  reason: 'retries-exhausted' | 'removed' | 'refused';
  /** A sentence for people. */
  detail: string;
  /** The members (user ids) it has not reached (for this reason). */
  missing: UserId[];
  /**
   * Whether sending it again could help: false for 'refused' (every member refuses it, always) and for
   * a 'removed' message nobody is left to receive; retrySend then fails with SEND_REFUSED / SEND_NOT_RETRYABLE.
   */
  retryable: boolean;
}

export interface InvitationView {
  groupId: GroupId;
  groupName: string;
  mode: EncryptionMode;
  inviter: UserId;
  inviterName: string;
  memberCount: number;
  receivedAt: number;
}

export interface MessageCursorView {
  id: MessageId;
  sentAt: number;
}

export interface MessagePage {
  /** Oldest first, the order a chat shows them in. */
  messages: MessageView[];
  hasOlder: boolean;
  hasNewer: boolean;
}

export interface ReceiptView {
  reader: UserId;
  readerName: string;
  readAt: number;
  /** The reader has since left or been removed from the group. */
  removed?: true;
}

/** A member one of our messages was for who has left or been removed without reading it. */
export interface GoneRecipientView {
  userId: UserId;
  name: string;
  /** Whether they had received it (acked) before they went. */
  received: boolean;
}

/** The read-by popover: who read it, and who was gone before reading it (never silently dropped). */
export interface ReadersView {
  receipts: ReceiptView[];
  gone: GoneRecipientView[];
}
