import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { VerifiedEnvelope } from '../envelopes/envelope-reader.js';
import { groupChannelName } from '../kernel/channel-names.js';
import { decodeWire, encodeWire } from '../wire/wire-codec.js';
import { heartbeatSchema } from '../wire/wire-schemas.js';
import { PresenceRoster, presenceTimeoutMs } from './presence-roster.js';
import type { SessionContext } from './session-context.js';

/**
 * Heartbeats: each member says "I am here, and my newest sequence number is N" on every group
 * channel it is in. Receivers mark the member online (until two beats are missed: presence-roster.ts)
 * and learn of envelopes they have not seen yet, so a lost last message is noticed and re-requested.
 */
export interface PresenceChange {
  groupId: string;
  userId: string;
  online: boolean;
}

export class Presence {
  private readonly roster: PresenceRoster;

  constructor(
    private readonly s: SessionContext,
    onChange: (change: PresenceChange) => void,
    /** A heartbeat's cumulative ack finished an outbox job. */
    private readonly onAcked: () => void = () => {},
  ) {
    this.roster = new PresenceRoster(presenceTimeoutMs(s.options.heartbeatMs), onChange);
  }

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
    this.roster.seen(toBase64Url(groupId), toBase64Url(userId), Date.now());
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
    return this.roster.online(groupId);
  }

  /** Marks offline whoever has been silent past the timeout (run often: on each beat and between them). */
  expire(): void {
    this.roster.expire(Date.now());
  }

  /** Going offline ourselves: we no longer know who is there. */
  clear(): void {
    this.roster.clear();
  }
}
