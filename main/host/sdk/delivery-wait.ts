import type { CoreEventPayloads } from '../../../shared/domain/core-events.js';
import type { MessageView } from '../../../shared/domain/views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { KizunaCore } from '../kizuna-core.js';

type Engine = KizunaCore['engine'];

/**
 * Waits until one of our messages is delivered to every member (or read), and rejects with
 * DELIVERY_FAILED when its retries run out first (seed 000: "before reporting failure"), or TIMEOUT.
 * Listens before looking, so a change between the two is not missed.
 */
export function waitForDelivery(engine: Engine, message: MessageView, timeoutMs: number): Promise<MessageView> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    const finish = (fn: () => void): void => {
      clearTimeout(timer);
      for (const off of offs.splice(0)) off();
      fn();
    };
    const failed = (f: Pick<CoreEventPayloads['delivery-failed'], 'reason' | 'detail' | 'missing'>): KizunaError =>
      new KizunaError('DELIVERY_FAILED', `The message was not delivered: ${f.detail}.`, { messageId: message.id, reason: f.reason, missing: f.missing });
    const timer = setTimeout(() => finish(() => reject(new KizunaError('TIMEOUT', 'The message was not delivered in time.', { messageId: message.id }))), timeoutMs);
    offs.push(
      engine.events.on('send-state', (s) => {
        if (s.messageId !== message.id) return;
        if (s.state === 'delivered' || s.state === 'read') finish(() => resolve(engine.getMessage(message.id)));
        else if (s.state === 'failed') finish(() => reject(new KizunaError('DELIVERY_FAILED', 'The message could not be sent.', { messageId: message.id })));
      }),
      engine.events.on('delivery-failed', (f) => {
        if (f.messageId === message.id) finish(() => reject(failed(f)));
      }),
    );
    const now = engine.getMessage(message.id);
    if (now.sendState === 'delivered' || now.sendState === 'read') finish(() => resolve(now));
    else if (now.failure !== undefined) {
      const failure = now.failure;
      finish(() => reject(failed(failure)));
    }
  });
}
