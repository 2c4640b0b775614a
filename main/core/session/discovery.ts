import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { formatSlimName, parseSlimName } from '../../../shared/domain/slim-name.js';
import type { ContactCardData } from '../wire/wire-schemas.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { VerifiedEnvelope } from '../envelopes/envelope-reader.js';
import { parseContactCard } from '../identity/contact-card.js';
import { decodeWire, encodeWire } from '../wire/wire-codec.js';
import { discoveryReplySchema } from '../wire/wire-schemas.js';
import type { SessionContext } from './session-context.js';

/**
 * Inviting by SLIM name (seed 000's `session.invite(name)`): we do not know the invitee's keys yet,
 * so we ask the name for its contact card first (SLIM's DISCOVERY_REQUEST/REPLY). The card is
 * signed by its owner and must name the SLIM name we asked; without an identity provider (JWT) that
 * is as strong as the routing, which is why issue 5's tokens bind names to keys.
 */
const NO_GROUP = new Uint8Array(32);

/** A card found by discovery: parsed and verified, and its text (to add as a contact). */
export interface DiscoveredCard {
  card: ContactCardData;
  text: string;
}

export class Discovery {
  private readonly waiting = new Map<string, { name: string; resolve: (card: DiscoveredCard) => void; reject: (e: Error) => void }>();

  constructor(private readonly s: SessionContext) {}

  ask(slimName: string, timeoutMs: number): Promise<DiscoveredCard> {
    const s = this.s;
    const request = s.engine.signEnvelope({ groupId: NO_GROUP, epoch: 0, type: 'DISCOVERY_REQUEST', seq: 0, sentAt: s.engine.now(), body: new Uint8Array(0) });
    const key = toBase64Url(request.id);
    return new Promise<DiscoveredCard>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new KizunaError('NODE_UNREACHABLE', `No answer from ${slimName}: is it online?`, { name: slimName }));
      }, timeoutMs);
      this.waiting.set(key, {
        name: slimName,
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      // Asked again every second until answered: the name may be subscribing right now.
      const send = (): boolean => s.publish(slimName, request.bytes, { type: 'DISCOVERY_REQUEST', groupId: NO_GROUP, toChannel: false, seq: 0 });
      const again = setInterval(() => {
        if (!this.waiting.has(key)) clearInterval(again);
        else send();
      }, 1000);
      if (!send()) {
        this.waiting.delete(key);
        clearTimeout(timer);
        clearInterval(again);
        reject(new KizunaError('TRANSPORT_CLOSED'));
      }
    });
  }

  /** Someone asks who we are: we answer with our card (when discoverable), quoting their request's id. */
  answer(v: VerifiedEnvelope, replyTo: string): void {
    const s = this.s;
    if (!s.options.discoverable) return;
    const card = s.engine.getIdentity()?.card;
    if (card === undefined) return;
    const reply = s.engine.signEnvelope({
      groupId: v.id,
      epoch: 0,
      type: 'DISCOVERY_REPLY',
      seq: 0,
      sentAt: s.engine.now(),
      body: encodeWire('DiscoveryReply', { card }),
      recipient: v.envelope.sender,
    });
    s.publish(replyTo, reply.bytes, { type: 'DISCOVERY_REPLY', groupId: v.id, toChannel: false, seq: 0 });
  }

  accept(v: VerifiedEnvelope): void {
    const pending = this.waiting.get(toBase64Url(v.envelope.groupId));
    if (pending === undefined) return;
    this.waiting.delete(toBase64Url(v.envelope.groupId));
    try {
      const text = decodeWire('DiscoveryReply', discoveryReplySchema, v.envelope.body).card;
      const card = parseContactCard(text);
      if (!bytesEqual(card.signKey, v.envelope.sender) || formatSlimName(parseSlimName(card.slimName)) !== pending.name) {
        throw new KizunaError('INVALID_CONTACT_CARD', 'The answer came from someone else than the name asked.');
      }
      pending.resolve({ card, text });
    } catch (err) {
      pending.reject(err instanceof Error ? err : new KizunaError('INVALID_CONTACT_CARD'));
    }
  }

  close(): void {
    for (const w of this.waiting.values()) w.reject(new KizunaError('CANCELLED'));
    this.waiting.clear();
  }
}
