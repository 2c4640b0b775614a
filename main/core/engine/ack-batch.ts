import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import { emitGroup } from '../groups/group-views.js';
import { allAmong, joinedOthers } from '../groups/send-targets.js';
import { updateOwnSendState } from '../ingest/send-state-tracker.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { isExhausted } from '../kernel/delivery-failure.js';
import { parseOutboxJob, type OutboxJob } from '../kernel/outbox-job.js';
import type { GroupMemberRow } from '../store/tables/groups-table.js';
import type { OutboxRow } from '../store/tables/queue-tables.js';
import type { ReceivedAck } from './session-port.js';

/** The batch's key for something of one group: a sender's member row, or one of the group's envelope ids. */
function inGroupKey(groupId: Uint8Array, id: Uint8Array): string {
  return `${toBase64Url(groupId)}|${toBase64Url(id)}`;
}

/** One of our envelopes that acks of this batch named, and what they said about it. */
interface Touched {
  readonly id: Uint8Array;
  /** Some ack added a delivery (its send state may move). */
  fresh: boolean;
  /** Some ack came from a member of its group (only a member's ack can finish a channel job). */
  byMember: boolean;
  /** Who acked it in this batch (a direct job finishes when its recipient acks). */
  readonly froms: Uint8Array[];
}

/**
 * The acks of one turn applied together, inside the caller's transaction (issue 13: in a group of
 * ten, every message brings nine acks, and one by one each read the roster, the message and its
 * deliveries again and committed on its own). Deliveries are written per ack; what follows from them
 * (the send state, finished jobs) is worked out once per envelope, from everything the batch added.
 *
 * The same outcome as one by one: the only thing an ack changes that another ack's outcome depends on
 * is who joined (an invited member's first ack of a channel envelope, sealed and unencrypted groups).
 * Before such a change, everything collected so far is settled against the roster as it was.
 */
export class AckBatch {
  /** Per (group, sender): their member row, if any. */
  private readonly members = new Map<string, GroupMemberRow | undefined>();
  private readonly joined = new Map<string, GroupMemberRow[]>();
  private readonly delivered = new Map<string, Uint8Array[]>();
  private readonly touched = new Map<string, Touched>();
  /** Per (group, envelope id): whether the id is one of our own envelopes of that group. */
  private readonly own = new Map<string, boolean>();
  /**
   * Per envelope id: its outbox rows as read, until settle() works them out (which may finish them and
   * so drops them here). Whether an id is ours and what settles it need the same rows: read once a batch.
   */
  private readonly jobs = new Map<string, OutboxRow[]>();
  private progressed = false;

  /** `ctx` is the one to write and emit with (its events held until the commit). */
  constructor(
    private readonly ctx: EngineContext,
    private readonly markDone: (job: OutboxJob) => void,
  ) {}

  /** Applies every ack; true when an outbox job finished. */
  run(acks: readonly ReceivedAck[]): boolean {
    for (const ack of acks) this.add(ack);
    this.settle();
    return this.progressed;
  }

  private add(ack: ReceivedAck): void {
    const { groupId, from, envelopeIds } = ack;
    const ctx = this.ctx;
    const read = ctx.store.read;
    const member = this.memberOf(groupId, from);
    // An ack of a channel envelope proves the member listens to the channel, so accepted: sealed and
    // unencrypted groups learn who joined this way. (An ack of a direct envelope, an invitation, proves
    // only that it arrived; MLS groups know their members from the MLS roster.)
    if (member?.status === 'invited' && read.groups.get(groupId)?.mode !== 'mls') {
      const ofChannel = envelopeIds.some((id) =>
        this.jobsOf(id).some((j) => j.destination === 'group' && bytesEqual(j.groupId, groupId)),
      );
      if (ofChannel) {
        this.settle();
        ctx.store.write.groups.setMemberStatus(groupId, from, 'joined');
        this.members.delete(inGroupKey(groupId, from));
        this.joined.delete(toBase64Url(groupId));
        emitGroup(ctx, groupId);
      }
    }
    const now = ctx.now();
    for (const id of envelopeIds) {
      const key = toBase64Url(id);
      let t = this.touched.get(key);
      if (t === undefined) {
        t = { id, fresh: false, byMember: false, froms: [] };
        this.touched.set(key, t);
      }
      t.froms.push(from);
      // A member's signed ack may still name anything: only an envelope of ours in the ack's own group gets a
      // delivery row (otherwise any member could fill our store with rows for made-up ids, or mark a message of
      // another group delivered).
      if (member === undefined || !this.ours(groupId, id)) continue;
      t.byMember = true;
      if (ctx.store.write.messages.addDelivery(id, from, now)) {
        t.fresh = true;
        this.delivered.get(key)?.push(from);
      }
    }
  }

  /** What the acks collected so far make of each envelope they named: its send state, its finished jobs. */
  private settle(): void {
    const ctx = this.ctx;
    const others = (groupId: Uint8Array): GroupMemberRow[] => this.joinedOf(groupId);
    for (const t of this.touched.values()) {
      const ackers = (): Uint8Array[] => this.deliveredTo(t.id);
      if (t.fresh) updateOwnSendState(ctx, t.id, { others, deliveredTo: ackers });
      const rows = this.jobsOf(t.id);
      // Settling may finish them: a later ack of this batch reads what they are then.
      this.jobs.delete(toBase64Url(t.id));
      for (const row of rows) {
        // A job given up after its retries still finishes when the last missing member acks it late.
        if (row.state !== 'sent' && row.state !== 'pending' && !isExhausted(row)) continue;
        const parsed = parseOutboxJob(row);
        if (!('job' in parsed)) continue; // due() marks it failed when its turn comes
        const job = parsed.job;
        const recipient = job.recipient;
        const finished =
          job.destination === 'user' ? recipient !== null && t.froms.some((f) => bytesEqual(recipient, f)) : t.byMember && allAmong(others(job.groupId), ackers());
        if (finished) {
          this.markDone(job);
          this.progressed = true;
        }
      }
    }
    this.touched.clear();
  }

  /**
   * Whether `id` is one of our own envelopes of `groupId`: an outbox job of that group carries it, or it is a
   * message we sent there (its jobs may be gone: a late ack still marks it delivered).
   */
  private ours(groupId: Uint8Array, id: Uint8Array): boolean {
    const key = inGroupKey(groupId, id);
    let known = this.own.get(key);
    if (known === undefined) {
      const read = this.ctx.store.read;
      const job = this.jobsOf(id).some((j) => bytesEqual(j.groupId, groupId));
      const message = job ? undefined : read.messages.get(id);
      known =
        job ||
        (message !== undefined &&
          message.sendState !== 'received' &&
          bytesEqual(message.groupId, groupId) &&
          bytesEqual(message.sender, this.ctx.self().userId));
      this.own.set(key, known);
    }
    return known;
  }

  private jobsOf(id: Uint8Array): OutboxRow[] {
    const key = toBase64Url(id);
    let rows = this.jobs.get(key);
    if (rows === undefined) {
      rows = this.ctx.store.read.queue.outboxByEnvelope(id);
      this.jobs.set(key, rows);
    }
    return rows;
  }

  /** A point read per sender (a big group's whole member list is not read for one ack). */
  private memberOf(groupId: Uint8Array, from: Uint8Array): GroupMemberRow | undefined {
    const key = inGroupKey(groupId, from);
    if (!this.members.has(key)) this.members.set(key, this.ctx.store.read.groups.member(groupId, from));
    return this.members.get(key);
  }

  private joinedOf(groupId: Uint8Array): GroupMemberRow[] {
    const key = toBase64Url(groupId);
    let rows = this.joined.get(key);
    if (rows === undefined) {
      rows = joinedOthers(this.ctx, groupId);
      this.joined.set(key, rows);
    }
    return rows;
  }

  private deliveredTo(id: Uint8Array): Uint8Array[] {
    const key = toBase64Url(id);
    let members = this.delivered.get(key);
    if (members === undefined) {
      members = this.ctx.store.read.messages.deliveries(id).map((d) => d.member);
      this.delivered.set(key, members);
    }
    return members;
  }
}
