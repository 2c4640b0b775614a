import { describe, expect, it } from 'vitest';
import { deliveryFailedLine } from '../../../main/cli/delivery-failed-line.js';

/** `kizuna listen` prints each delivery failure: group, reason, message, why, and whether a retry can help. */
describe('kizuna listen: delivery-failed line', () => {
  const base = { groupId: 'GROUPID0rest', messageId: 'msg1', attempts: 2, missing: ['a', 'b', 'c'] };

  it('says a refused message cannot be sent again', () => {
    const line = deliveryFailedLine({ ...base, reason: 'refused', detail: 'It was sent after you were removed from the group, so the members refuse it', retryable: false });
    expect(line).toBe('GROUPID0 ! delivery failed (refused): message msg1, It was sent after you were removed from the group, so the members refuse it (cannot be sent again)');
  });

  it('leaves a retryable failure without that note', () => {
    const line = deliveryFailedLine({ ...base, reason: 'retries-exhausted', detail: '3 members have not received it', retryable: true });
    expect(line).toBe('GROUPID0 ! delivery failed (retries-exhausted): message msg1, 3 members have not received it');
  });
});
