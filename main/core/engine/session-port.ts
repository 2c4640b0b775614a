import type { IdentityView } from '../../../shared/domain/views.js';
import type { RetryPolicyView } from '../../../shared/domain/retry-policy.js';
import type { BuiltEnvelope, EnvelopeFields } from '../envelopes/envelope-builder.js';
import type { VerifiedEnvelope } from '../envelopes/envelope-reader.js';
import type { TypedEmitter } from '../events/typed-emitter.js';
import type { EngineEvents } from '../kernel/engine-events.js';
import type { OutboxJob } from '../kernel/outbox-job.js';
import type { SenderMark } from '../wire/wire-schemas.js';
import type { CheckedSignatures } from '../envelopes/checked-signatures.js';

/**
 * The engine as the session layer sees it: the one door between the network and the profile. The
 * session layer decides when and where bytes travel; everything that reads or changes the profile
 * (who joined, what was delivered, what we hold and may serve) is decided behind this port, by the
 * engine. Benchmarks and the SDK use the same port; nothing outside main/core reaches the context.
 */
export interface SessionPort {
  readonly events: Pick<TypedEmitter<EngineEvents>, 'on'>;
  readonly outbox: OutboxPort;
  readonly channels: ChannelPort;
  readonly inbox: { busy(): boolean; idle(): Promise<void> };
  /**
   * Stores a received envelope durably; acknowledge it to its sender only once this resolves to true
   * (false: refused before storing, nothing to acknowledge or to send on anyone's behalf).
   */
  receive(bytes: Uint8Array, origin?: string): Promise<boolean>;
  /** Signatures found good: one the router checked before acking is not checked again by the inbox. */
  readonly checkedSignatures: CheckedSignatures;
  getIdentity(): IdentityView | null;
  /** Our user id (the signing public key); IDENTITY_MISSING before there is one. */
  selfId(): Uint8Array;
  /**
   * Signs one of the session's own envelopes (acks, heartbeats, sync, discovery) with our key. Only
   * those: everything that carries content is built, sequenced and queued by the engine itself.
   */
  signEnvelope(fields: SessionEnvelopeFields): BuiltEnvelope;
  now(): number;
  /** Asks the groups' members for sealed-mode secrets this device still lacks (after reconnecting). */
  requestMissingSecrets(): void;
}

/** The envelopes the session layer makes itself: unsequenced, never stored in the inbox. */
export const SESSION_ENVELOPE_TYPES = ['ACK', 'HEARTBEAT', 'SYNC_REQUEST', 'SYNC_REPLY', 'DISCOVERY_REQUEST', 'DISCOVERY_REPLY'] as const;
export type SessionEnvelopeFields = Omit<EnvelopeFields, 'type' | 'seq'> & { type: (typeof SESSION_ENVELOPE_TYPES)[number]; seq: 0 };

/** The durable outbox: jobs to publish, and what became of them. */
/** A signed ACK from `from` (any signer; the engine decides what it may count for). */
export interface ReceivedAck {
  readonly groupId: Uint8Array;
  readonly from: Uint8Array;
  readonly envelopeIds: readonly Uint8Array[];
}

export interface OutboxPort {
  /** Jobs due now, parsed; a stored job that does not parse is marked failed with the reason and left out. */
  due(limit?: number): OutboxJob[];
  nextDueAt(): number | undefined;
  /** Published; the next attempt is due at `retryAt` unless an ack comes first. */
  markSent(job: OutboxJob, retryAt: number): void;
  /** The job needs nothing more (a direct envelope acked, or one never acked by design). */
  markDone(job: OutboxJob): void;
  /** The job can never go out as it is (refused by the transport, unreadable): failed, with the reason. */
  fail(job: Pick<OutboxJob, 'id' | 'groupId' | 'messageId'>, reason: string): void;
  /** Whether every joined member other than us has acked this channel envelope. */
  everyoneAcked(job: OutboxJob): boolean;
  /** Of the joined members other than us: who has not acked this channel envelope yet, and how many have. */
  ackStatus(job: OutboxJob): { missing: Uint8Array[]; acked: number };
  /** A channel envelope's retries ran out with members still missing: a visible delivery failure (seed 000). */
  exhausted(job: OutboxJob): void;
  /** A member has one of our sequenced envelopes (counted towards 'delivered'). */
  recordDelivery(envelopeId: Uint8Array, member: Uint8Array): void;
  /**
   * `from` acknowledged these envelopes of ours in `groupId`. The engine records deliveries, finishes
   * the jobs that are now acked by everyone they wait for, and learns who joined; true when a job
   * finished (the pump may have room to move on).
   */
  acknowledge(ack: ReceivedAck): boolean;
  /**
   * Acks that arrived together (signatures checked), applied in one transaction with the same effects
   * as one by one; events once it committed. True when a job finished.
   */
  acknowledgeAll(acks: readonly ReceivedAck[]): boolean;
  /**
   * A cumulative ack (a member's heartbeat, signed and from a member): `from` holds all our envelopes
   * of `groupId` up to `seq`. Same effects as `acknowledge`; true when a job finished.
   */
  acknowledgeUpTo(ack: { groupId: Uint8Array; from: Uint8Array; seq: number }): boolean;
  /** After reconnecting: everything pending is due now. */
  expedite(): void;
  /** The group's stored retry policy (seed 000's max_retries and timeout); null fields follow the layer. */
  retryPolicy(groupId: Uint8Array): RetryPolicyView;
}

/** What a sync reply carries (kizuna.v1.SyncReply). */
export interface SyncAnswer {
  envelopes: Uint8Array[];
  marks: SenderMark[];
  more: boolean;
  skipTo: SenderMark[];
}

/** Group channels: which we listen to, what we hold of them, and what others may have of it. */
export interface ChannelPort {
  /** The groups whose channels we listen to: those we are in or joining. */
  listening(): Uint8Array[];
  /** Whether this device knows the group. */
  knows(groupId: Uint8Array): boolean;
  /** Whether `userId` is (or was invited as) a member of the group now. */
  isMember(groupId: Uint8Array, userId: Uint8Array): boolean;
  /** A member says it has sent up to `seq`: what exists that we may lack. */
  noteHighest(groupId: Uint8Array, sender: Uint8Array, seq: number): void;
  /** What we are missing, summed over senders of one group or of all of them. */
  missing(groupId?: Uint8Array): number;
  /** Our heartbeat for a group we are in: its epoch and our newest sequence number; undefined otherwise. */
  heartbeat(groupId: Uint8Array): { epoch: number; ownSeq: number; have: SenderMark[] } | undefined;
  /** What to ask a channel for: the group's epoch and, per sender, what we hold (or just received). */
  syncRequest(groupId: Uint8Array, received?: ReadonlyMap<string, number>): { epoch: number; have: SenderMark[] };
  /** What we may answer a member's sync request with, from our channel log; undefined: nothing to say. */
  answerSync(request: { groupId: Uint8Array; asker: Uint8Array; have: readonly SenderMark[]; anyone: boolean }, archive: boolean): SyncAnswer | undefined;
  /** A sync reply's marks (what exists) and skips (what will never come), as far as its sender may tell us. */
  acceptSyncMarks(reply: { groupId: Uint8Array; from: Uint8Array; marks: readonly SenderMark[]; skipTo: readonly SenderMark[] }): void;
  /** Archive peers: keeps a sequenced envelope of a group we serve without being a member. */
  archive(v: VerifiedEnvelope): void;
  /** The SLIM name we know for a person, if any. */
  slimNameOf(userId: Uint8Array): string | undefined;
  /** Whether `userId` is or ever was in one of the group's signed rosters (a cheap check before decoding). */
  knowsMember(groupId: Uint8Array, userId: Uint8Array): boolean;
  /** Where to answer a member: the SLIM name its record in the group (or its contact card) gives; never a claimed source. */
  replyName(groupId: Uint8Array, userId: Uint8Array): string | undefined;
  /** Counts a refusal the session layer made (the same drop counts as the inbox's). */
  refused(reason: string, groupId?: Uint8Array): void;
}
