import type { DeliveryFailureView, MessageView } from '../../../shared/domain/views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { KizunaCore } from '../kizuna-core.js';

type Engine = KizunaCore['engine'];

/** The error a failure ends the wait with: SEND_REFUSED when no retry can help ('refused'), else DELIVERY_FAILED. */
function failedWith(messageId: string, f: Pick<DeliveryFailureView, 'reason' | 'detail' | 'missing' | 'retryable'>): KizunaError {
  const details = { messageId, reason: f.reason, missing: f.missing, retryable: f.retryable };
  if (f.reason === 'refused') return new KizunaError('SEND_REFUSED', `The message was refused: ${f.detail}.`, details);
  return new KizunaError('DELIVERY_FAILED', `The message was not delivered: ${f.detail}.`, details);
}

/**
 * A failure the wait ends on. 'removed' alone is not one: those members are gone, the message is
 * measured again against who is left (departure-recheck.ts) and turns delivered, or failed when
 * nobody is left (which the 'failed' state ends the wait with).
 */
function endsWait(f: Pick<DeliveryFailureView, 'reason'>): boolean {
  return f.reason !== 'removed';
}

/**
 * Waits until one of our messages is delivered to every member (or read), and rejects with
 * DELIVERY_FAILED when its retries run out first (seed 000: "before reporting failure"),
 * SEND_REFUSED when it was written after our own removal, or TIMEOUT. A removal of another member
 * does not end it. Listens before looking, so a change between the two is not missed.
 */
export function waitForDelivery(engine: Engine, message: MessageView, timeoutMs: number): Promise<MessageView> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    const finish = (fn: () => void): void => {
      clearTimeout(timer);
      for (const off of offs.splice(0)) off();
      fn();
    };
    const timer = setTimeout(() => finish(() => reject(new KizunaError('TIMEOUT', 'The message was not delivered in time.', { messageId: message.id }))), timeoutMs);
    const onFailedState = (now: MessageView): void => {
      const f = now.failure;
      finish(() => reject(f === undefined ? new KizunaError('DELIVERY_FAILED', 'The message could not be sent.', { messageId: message.id }) : failedWith(message.id, f)));
    };
    offs.push(
      engine.events.on('send-state', (s) => {
        if (s.messageId !== message.id) return;
        if (s.state === 'delivered' || s.state === 'read') finish(() => resolve(engine.getMessage(message.id)));
        else if (s.state === 'failed') onFailedState(engine.getMessage(message.id));
      }),
      engine.events.on('delivery-failed', (f) => {
        if (f.messageId === message.id && endsWait(f)) finish(() => reject(failedWith(message.id, f)));
      }),
    );
    const now = engine.getMessage(message.id);
    if (now.sendState === 'delivered' || now.sendState === 'read') finish(() => resolve(now));
    else if (now.sendState === 'failed') onFailedState(now);
    else if (now.failure !== undefined && endsWait(now.failure)) {
      const failure = now.failure;
      finish(() => reject(failedWith(message.id, failure)));
    }
  });
}
