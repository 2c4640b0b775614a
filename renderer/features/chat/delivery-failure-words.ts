import type { DeliveryFailureView, MessageView } from '../../../shared/domain/views';
import type { StringKey } from '../../i18n/strings-en';

/** The words (and the longer why) for a message that has not reached some members, by reason. */
export function deliveryFailureWords(failure: DeliveryFailureView): { text: StringKey; why: StringKey; count: number } {
  const count = failure.missing.length;
  switch (failure.reason) {
    case 'refused':
      return { text: 'message.refused', why: 'message.refused.why', count };
    case 'removed':
      return { text: 'message.removed', why: 'message.removed.why', count };
    default:
      return { text: 'message.notDelivered', why: 'message.notDelivered.why', count };
  }
}

/** Whether our message offers Retry: failed, and not for a reason no retry can mend (refused, nobody left). */
export function offersRetry(m: Pick<MessageView, 'isMine' | 'sendState' | 'failure'>): boolean {
  return m.isMine && m.sendState === 'failed' && m.failure?.retryable !== false;
}
