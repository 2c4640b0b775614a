import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { ReceivedAck } from './session-port.js';

/** Most of our envelopes one cumulative ack turns into deliveries at a time (the rest: next heartbeat). */
const MAX_PER_ACK = 4096;
const CHUNK = 512;

/**
 * Cumulative acks: every member's heartbeat says, per sender, "I have stored every one of your
 * envelopes up to seq N" (its contiguous sync cursor). Heartbeats repeat for as long as the member is
 * online, so an ack lost to a fault (sent while offline, dropped by a restarting node, never sent
 * because the member crashed before its batch went out) is made good by the next beat: delivery
 * states converge to what each member really holds.
 *
 * The caller has verified the heartbeat's signature and that its signer is a member; the mark counts
 * only for the signer's own receipt, and only for our envelopes of epochs whose roster holds the
 * signer (a member's cursor jumps over what it was never sent, e.g. history from before it joined).
 */
export class CumulativeAcks {
  /**
   * Per (group, member): the highest of our seqs already turned into deliveries. Read once from the
   * store (cumulative_marks, migration 0015), so a restart does not walk our history again.
   */
  private readonly counted = new Map<string, number>();

  constructor(
    private readonly ctx: EngineContext,
    /** Applies one ack in a transaction of its own (events after its commit). */
    private readonly acknowledge: (ack: ReceivedAck) => boolean,
  ) {}

  /** `from` holds every one of our envelopes in `groupId` up to `seq`; true when an outbox job finished. */
  upTo(ack: { groupId: Uint8Array; from: Uint8Array; seq: number }): boolean {
    const { groupId, from } = ack;
    const ctx = this.ctx;
    const read = ctx.store.read;
    if (bytesEqual(from, ctx.self().userId) || read.groups.member(groupId, from) === undefined) return false;
    const key = `${toBase64Url(groupId)}|${toBase64Url(from)}`;
    // Never beyond what we have sent: a mark above it is a lie or a stale sequence after a reset.
    const upTo = Math.min(ack.seq, read.log.nextOwnSeq(groupId) - 1);
    let after = this.counted.get(key) ?? read.log.cumulativeMark(groupId, from);
    if (upTo <= after) return false;
    const self = ctx.self().userId;
    const rosters = new Map<number, Uint8Array[] | undefined>();
    const inRoster = (epoch: number): boolean => {
      if (!rosters.has(epoch)) rosters.set(epoch, read.groups.roster(groupId, epoch));
      const roster = rosters.get(epoch);
      return roster === undefined || roster.some((m) => bytesEqual(m, from));
    };
    let progressed = false;
    let done = 0;
    while (after < upTo && done < MAX_PER_ACK) {
      const rows = read.log.idsInRange(groupId, self, after, upTo, CHUNK);
      if (rows.length === 0) {
        after = upTo;
        break;
      }
      const ids = rows.filter((r) => inRoster(r.epoch)).map((r) => r.envelopeId);
      if (ids.length > 0 && this.acknowledge({ groupId, from, envelopeIds: ids })) progressed = true;
      after = rows.at(-1)?.seq ?? upTo;
      done += rows.length;
    }
    this.counted.set(key, after);
    try {
      ctx.store.transaction(() => ctx.store.write.log.setCumulativeMark(groupId, from, after));
    } catch (err) {
      // Only a restart's walk is saved by it: the deliveries themselves are already committed.
      ctx.log.warn('cumulative acks: mark not stored', { error: String(err) });
    }
    return progressed;
  }
}
