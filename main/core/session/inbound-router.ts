import { formatSlimName } from '../../../shared/domain/slim-name.js';
import { bytesEqual } from '../encoding/base64url.js';
import { SESSION_ENVELOPE_TYPES } from '../engine/session-port.js';
import { SEQUENCED_TYPES } from '../envelopes/envelope-kinds.js';
import { peekEnvelope, readEnvelope, type PeekedEnvelope, type VerifiedEnvelope } from '../envelopes/envelope-reader.js';
import type { IncomingPublish } from '../transport/slim-message-reader.js';
import { decodeWire, encodeWire } from '../wire/wire-codec.js';
import { ackSchema } from '../wire/wire-schemas.js';
import { AckBatcher, type AckTarget } from './ack-batcher.js';
import { AckIntake } from './ack-intake.js';
import type { CatchUp } from './catch-up.js';
import type { Discovery } from './discovery.js';
import type { Presence } from './presence.js';
import type { SessionContext } from './session-context.js';
import { KIZUNA_PAYLOAD_TYPE } from './session-options.js';
import type { CheckedSignatures } from '../envelopes/checked-signatures.js';

/** Envelope types the session layer handles itself (never stored in the inbox). */
const SESSION_TYPES: ReadonlySet<string> = new Set(SESSION_ENVELOPE_TYPES);
/** Received envelopes we acknowledge (to their sender's name) once they are in the durable inbox. */
const ACKED_DIRECT = new Set(['INVITE', 'JOIN', 'DECLINE', 'WELCOME', 'SECRET_REPLY']);

/** The parts of the session layer that inbound envelopes are handed to. */
export interface InboundParts {
  readonly catchUp: CatchUp;
  readonly presence: Presence;
  readonly discovery: Discovery;
  /** Groups we archive (base64url ids): their envelopes are kept, never processed. */
  isArchive(groupId: Uint8Array): boolean;
  /** Jobs finished by an ack: the outbox may have room to move on. */
  outboxProgressed(): void;
}

/**
 * Where each received publish goes: the session's own envelopes (acks, heartbeats, sync, discovery)
 * to the part that handles them; everything else into the engine's durable inbox (or, for a group we
 * archive, the archive), acknowledged to its sender once stored, and not before.
 */
export class InboundRouter {
  /** Acks we send (of what we stored). */
  private readonly acks: AckBatcher;
  /** Acks we receive (of what we sent), applied a turn's worth at a time. */
  private readonly received: AckIntake;

  constructor(
    private readonly s: SessionContext,
    private readonly parts: InboundParts,
  ) {
    this.acks = new AckBatcher(5, 256, (target, ids) => this.sendAck(target, ids));
    this.received = new AckIntake((acks) => s.engine.outbox.acknowledgeAll(acks), () => parts.outboxProgressed(), s.log);
  }

  onPublish(p: IncomingPublish): void {
    if (p.payloadType !== KIZUNA_PAYLOAD_TYPE) return;
    let e: PeekedEnvelope;
    try {
      e = peekEnvelope(p.blob);
    } catch {
      // Not even decodable: the inbox records and counts it like any other bad input.
      void this.s.engine.receive(p.blob, 'network');
      return;
    }
    const replyTo = p.source.name === null ? undefined : formatSlimName(p.source.name);
    if (SESSION_TYPES.has(e.type)) {
      // Sync: who may ask or answer, and whether a request is fresh, before any signature or body work.
      if ((e.type === 'SYNC_REQUEST' || e.type === 'SYNC_REPLY') && !this.parts.catchUp.screen(e)) return;
      this.onSessionEnvelope(p.blob, e, replyTo);
      return;
    }
    this.store(p.blob, e, 'network', replyTo, SEQUENCED_TYPES.has(e.type) || ACKED_DIRECT.has(e.type), true);
  }

  /** Sends the acks collected so far and applies the ones received (before closing). */
  flush(): void {
    this.acks.flush();
    this.received.flush();
  }

  close(): void {
    this.acks.close();
    this.received.close();
  }

  /**
   * Into the inbox (or, for a group we archive, the archive), and acknowledged to `ackTo` once
   * stored durably and its signature verified, not before; a live one from a member also marks them online.
   */
  private store(bytes: Uint8Array, e: PeekedEnvelope, origin: string, ackTo: string | undefined, ackable: boolean, live = false): void {
    const engine = this.s.engine;
    if (this.parts.isArchive(e.groupId)) {
      const v = tryRead(bytes);
      if (v !== undefined) engine.channels.archive(v);
      return;
    }
    const stored = engine.receive(bytes, origin);
    const fromSelf = bytesEqual(e.sender, engine.selfId());
    const wantAck = ackTo !== undefined && ackable && !fromSelf;
    // A live envelope from a member counts as a sign of life (presence), but only its signer's.
    const wantSeen = live && !fromSelf && engine.channels.isMember(e.groupId, e.sender);
    if (!wantAck && !wantSeen) return;
    void stored.then((kept) => {
      // Refused before storing (admission): no ack, nothing recorded or sent on the claimed sender's behalf.
      if (!kept) return;
      // Record before verify is the attack (issue 8): anyone can claim a member as sender, so the
      // signature must hold before the member is shown online or an ack goes out in their name's
      // reply. Checked only for what would be recorded or answered, after the cheap checks above.
      if (tryRead(bytes, engine.checkedSignatures) === undefined) return;
      if (wantSeen) this.parts.presence.seen(e.groupId, e.sender);
      if (wantAck && ackTo !== undefined) this.acks.add({ slimName: ackTo, groupId: e.groupId, recipient: e.sender }, e.id);
    });
  }

  private onSessionEnvelope(bytes: Uint8Array, peeked: PeekedEnvelope, replyTo: string | undefined): void {
    const v = tryRead(bytes);
    if (v === undefined) {
      // It decoded (peeked), so its signature is what failed: a forged request is answered with nothing.
      if (peeked.type === 'SYNC_REQUEST' || peeked.type === 'SYNC_REPLY') this.parts.catchUp.forged(peeked);
      return;
    }
    const e = v.envelope;
    const self = this.s.engine.selfId();
    if (bytesEqual(e.sender, self)) return;
    if (e.recipient.byteLength > 0 && !bytesEqual(e.recipient, self)) return;
    const { catchUp, presence, discovery } = this.parts;
    switch (e.type) {
      case 'ACK':
        this.onAck(v);
        break;
      case 'HEARTBEAT':
        presence.handleHeartbeat(v);
        break;
      case 'SYNC_REQUEST':
        catchUp.answer(v, replyTo);
        break;
      case 'SYNC_REPLY':
        catchUp.accept(v, (inner, peeked) => this.receiveSynced(inner, peeked));
        void this.s.engine.inbox.idle().then(() => catchUp.updateProgress(false));
        break;
      case 'DISCOVERY_REQUEST':
        if (replyTo !== undefined) discovery.answer(v, replyTo);
        break;
      case 'DISCOVERY_REPLY':
        discovery.accept(v);
        break;
      default:
        break;
    }
  }

  /** An envelope from a sync reply: stored like any received one, and acked to its own sender. */
  private receiveSynced(inner: Uint8Array, e: PeekedEnvelope): void {
    this.store(inner, e, 'sync', this.s.engine.channels.replyName(e.groupId, e.sender), SEQUENCED_TYPES.has(e.type));
  }

  /** What an ack means (deliveries, finished jobs, who joined) is the engine's to decide, a batch at a time. */
  private onAck(v: VerifiedEnvelope): void {
    const e = v.envelope;
    let ack;
    try {
      ack = decodeWire('Ack', ackSchema, e.body);
    } catch {
      return;
    }
    this.received.add({ groupId: e.groupId, from: e.sender, envelopeIds: ack.envelopeIds });
  }

  private sendAck(target: AckTarget, ids: Uint8Array[]): void {
    const s = this.s;
    if (!s.online()) return;
    const built = s.engine.signEnvelope({
      groupId: target.groupId,
      epoch: 0,
      type: 'ACK',
      seq: 0,
      sentAt: s.engine.now(),
      body: encodeWire('Ack', { envelopeIds: ids }),
      recipient: target.recipient,
    });
    s.publish(target.slimName, built.bytes, { type: 'ACK', groupId: target.groupId, toChannel: false, seq: 0 });
  }
}

/** Reads and verifies an envelope; undefined for anything that does not hold (nothing to answer). */
function tryRead(bytes: Uint8Array, checked?: CheckedSignatures): VerifiedEnvelope | undefined {
  try {
    return readEnvelope(bytes, checked === undefined ? {} : { checked });
  } catch {
    return undefined;
  }
}
