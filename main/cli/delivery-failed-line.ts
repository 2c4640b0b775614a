import type { CoreEventPayloads } from '../../shared/domain/core-events.js';

/**
 * A delivery failure as `kizuna listen` prints it: the group, the reason code, the message and the
 * sentence, and whether sending it again could help (a 'refused' message never can).
 */
export function deliveryFailedLine(f: CoreEventPayloads['delivery-failed']): string {
  const again = f.retryable ? '' : ' (cannot be sent again)';
  return `${f.groupId.slice(0, 8)} ! delivery failed (${f.reason}): message ${f.messageId}, ${f.detail}${again}`;
}
