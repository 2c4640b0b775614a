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
  /**
   * Other keys that answered for the same name within DISCOVERY_GRACE_MS of the first (an impostor may
   * answer first; the genuine owner's verifiable answer must still be seen). Absent when none did.
   */
  others?: DiscoveredCard[];
}

/** After the first valid answer, how long other answers for the name are still collected. */
export const DISCOVERY_GRACE_MS = 250;
/** At most this many distinct keys are kept per question, whoever answers. */
export const MAX_DISCOVERY_ANSWERS = 8;

interface Waiting {
  readonly name: string;
  readonly answers: DiscoveredCard[];
  timer: NodeJS.Timeout;
  settle: NodeJS.Timeout | undefined;
  readonly resolve: (card: DiscoveredCard) => void;
  readonly reject: (e: Error) => void;
}

export class Discovery {
  private readonly waiting = new Map<string, Waiting>();

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
      this.waiting.set(key, { name: slimName, answers: [], timer, settle: undefined, resolve, reject });
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

  /**
   * An answer to one of our questions. Answers that do not check out (card not signed by the key that
   * answered, or naming another SLIM name) are dropped and do not end the wait: a bad answer from anyone
   * must not stop the genuine one from being heard.
   */
  accept(v: VerifiedEnvelope): void {
    const key = toBase64Url(v.envelope.groupId);
    const pending = this.waiting.get(key);
    if (pending === undefined) return;
    let found: DiscoveredCard;
    try {
      const reply = decodeWire('DiscoveryReply', discoveryReplySchema, v.envelope.body);
      const card = parseContactCard(reply.card);
      if (!bytesEqual(card.signKey, v.envelope.sender) || formatSlimName(parseSlimName(card.slimName)) !== pending.name) {
        throw new KizunaError('INVALID_CONTACT_CARD', 'The answer came from someone else than the name asked.');
      }
      found = { card, text: reply.card, identityToken: reply.identityToken };
    } catch (err) {
      this.s.log.debug('discovery answer dropped', { name: pending.name, reason: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (pending.answers.length >= MAX_DISCOVERY_ANSWERS || pending.answers.some((a) => bytesEqual(a.card.signKey, found.card.signKey))) return;
    pending.answers.push(found);
    if (pending.settle !== undefined) return;
    clearTimeout(pending.timer);
    pending.settle = setTimeout(() => {
      this.waiting.delete(key);
      const [first, ...others] = pending.answers;
      if (first !== undefined) pending.resolve(others.length === 0 ? first : { ...first, others });
    }, DISCOVERY_GRACE_MS);
  }

  close(): void {
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      if (w.settle !== undefined) clearTimeout(w.settle);
      w.reject(new KizunaError('CANCELLED'));
    }
    this.waiting.clear();
  }
}
