import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { VerifiedEnvelope } from '../envelopes/envelope-reader.js';
import { groupChannelName } from '../kernel/channel-names.js';
import { decodeWire, encodeWire } from '../wire/wire-codec.js';
import { heartbeatSchema } from '../wire/wire-schemas.js';
import type { SessionContext } from './session-context.js';

/**
 * Heartbeats: each member says "I am here, and my newest sequence number is N" on every group
 * channel it is in. Receivers mark the member online (until a few beats are missed) and learn of
 * envelopes they have not seen yet, so a lost last message is noticed and re-requested.
 */
export interface PresenceChange {
  groupId: string;
  userId: string;
  online: boolean;
}

export class Presence {
  private readonly lastSeen = new Map<string, Map<string, number>>();

  constructor(
    private readonly s: SessionContext,
    private readonly onChange: (change: PresenceChange) => void,
    /** A heartbeat's cumulative ack finished an outbox job. */
    private readonly onAcked: () => void = () => {},
  ) {}

  beat(groupIds: Uint8Array[]): void {
    const s = this.s;
    for (const groupId of groupIds) {
      const mine = s.engine.channels.heartbeat(groupId);
      if (mine === undefined) continue;
      const built = s.engine.signEnvelope({
        groupId,
        epoch: mine.epoch,
        type: 'HEARTBEAT',
        seq: 0,
        sentAt: s.engine.now(),
        body: encodeWire('Heartbeat', { ownSeq: mine.ownSeq, have: mine.have }),
      });
      s.publish(groupChannelName(groupId), built.bytes, { type: 'HEARTBEAT', groupId, toChannel: true, seq: 0 });
    }
    this.expire();
  }

  /** Someone of the group was heard from (a heartbeat or any envelope). */
  seen(groupId: Uint8Array, userId: Uint8Array): void {
    const g = toBase64Url(groupId);
    const u = toBase64Url(userId);
    let members = this.lastSeen.get(g);
    if (members === undefined) {
      members = new Map();
      this.lastSeen.set(g, members);
    }
    const was = members.has(u);
    members.set(u, Date.now());
    if (!was) this.onChange({ groupId: g, userId: u, online: true });
  }

  handleHeartbeat(v: VerifiedEnvelope): void {
    const e = v.envelope;
    const engine = this.s.engine;
    if (!engine.channels.isMember(e.groupId, e.sender) || Math.abs(engine.now() - e.sentAt) > 5 * this.s.options.heartbeatMs) return;
    const hb = decodeWire('Heartbeat', heartbeatSchema, e.body);
    const self = engine.selfId();
    if (hb.ownSeq > 0 && !bytesEqual(e.sender, self)) engine.channels.noteHighest(e.groupId, e.sender, hb.ownSeq);
    // The signer's cumulative ack of our envelopes: counted for the signer only (signature checked, member checked above).
    const ours = hb.have.find((m) => bytesEqual(m.sender, self));
    if (ours !== undefined && !bytesEqual(e.sender, self) && engine.outbox.acknowledgeUpTo({ groupId: e.groupId, from: e.sender, seq: ours.seq })) this.onAcked();
    this.seen(e.groupId, e.sender);
  }

  online(groupId: string): string[] {
    return [...(this.lastSeen.get(groupId)?.keys() ?? [])];
  }

  private expire(): void {
    const limit = Date.now() - 3 * this.s.options.heartbeatMs;
    for (const [g, members] of this.lastSeen) {
      for (const [u, at] of members) {
        if (at < limit) {
          members.delete(u);
          this.onChange({ groupId: g, userId: u, online: false });
        }
      }
    }
  }

  /** Going offline ourselves: we no longer know who is there. */
  clear(): void {
    for (const [g, members] of this.lastSeen) for (const u of members.keys()) this.onChange({ groupId: g, userId: u, online: false });
    this.lastSeen.clear();
  }
}
