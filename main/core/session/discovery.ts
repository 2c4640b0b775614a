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

/**
 * A card found by discovery: parsed, signed by the key that answered, and its text (to add as a contact).
 * That proves only that someone holding that key answered at the name: whoever can subscribe to a name
 * on the node can answer. `identityToken` (if any) is the answerer's claim, not yet verified; the caller
 * decides whether the name is bound to the key (discovery-trust.ts).
 */
export interface DiscoveredCard {
  card: ContactCardData;
  text: string;
  identityToken: string;
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
    const tokenSource = s.options.discoveryToken;
    if (tokenSource === undefined) {
      this.reply(v, replyTo, card, '');
      return;
    }
    tokenSource().then(
      (token) => this.reply(v, replyTo, card, token),
      () => this.reply(v, replyTo, card, ''),
    );
  }

  private reply(v: VerifiedEnvelope, replyTo: string, card: string, identityToken: string): void {
    const s = this.s;
    const reply = s.engine.signEnvelope({
      groupId: v.id,
      epoch: 0,
      type: 'DISCOVERY_REPLY',
      seq: 0,
      sentAt: s.engine.now(),
      body: encodeWire('DiscoveryReply', { card, identityToken }),
      recipient: v.envelope.sender,
    });
    s.publish(replyTo, reply.bytes, { type: 'DISCOVERY_REPLY', groupId: v.id, toChannel: false, seq: 0 });
  }

  accept(v: VerifiedEnvelope): void {
    const pending = this.waiting.get(toBase64Url(v.envelope.groupId));
    if (pending === undefined) return;
    this.waiting.delete(toBase64Url(v.envelope.groupId));
    try {
      const reply = decodeWire('DiscoveryReply', discoveryReplySchema, v.envelope.body);
      const text = reply.card;
      const card = parseContactCard(text);
      if (!bytesEqual(card.signKey, v.envelope.sender) || formatSlimName(parseSlimName(card.slimName)) !== pending.name) {
        throw new KizunaError('INVALID_CONTACT_CARD', 'The answer came from someone else than the name asked.');
      }
      pending.resolve({ card, text, identityToken: reply.identityToken });
    } catch (err) {
      pending.reject(err instanceof Error ? err : new KizunaError('INVALID_CONTACT_CARD'));
    }
  }

  close(): void {
    for (const w of this.waiting.values()) w.reject(new KizunaError('CANCELLED'));
    this.waiting.clear();
  }
}
