import { describe, expect, it } from 'vitest';
import { deliveryFailureWords, offersRetry } from '../../../renderer/features/chat/delivery-failure-words.js';
import { STRINGS_EN } from '../../../renderer/i18n/strings-en.js';
import { STRINGS_JA } from '../../../renderer/i18n/strings-ja.js';

/** Each reason a message cannot reach someone has its own words, in both languages. */
describe('delivery failure words', () => {
  const cases = [
    { reason: 'retries-exhausted', en: /after every retry/, ja: /再送の上限/ },
    { reason: 'removed', en: /removed from the group first/, ja: /グループから外れました/ },
    { reason: 'refused', en: /refused by the group/, ja: /拒否されました/ },
  ] as const;
  for (const c of cases) {
    it(`says why for ${c.reason}`, () => {
      const words = deliveryFailureWords({ reason: c.reason, detail: '', missing: ['a', 'b'], retryable: c.reason !== 'refused' });
      expect(words.count).toBe(2);
      expect(STRINGS_EN[words.text]).toMatch(c.en);
      expect(STRINGS_JA[words.text]).toMatch(c.ja);
      expect(STRINGS_EN[words.why].length).toBeGreaterThan(10);
    });
  }

  it('offers Retry for a failed message unless no retry can help', () => {
    const failed = { isMine: true, sendState: 'failed' as const };
    expect(offersRetry({ ...failed, failure: undefined })).toBe(true);
    expect(offersRetry({ ...failed, failure: { reason: 'retries-exhausted', detail: '', missing: ['a'], retryable: true } })).toBe(true);
    expect(offersRetry({ ...failed, failure: { reason: 'refused', detail: '', missing: ['a'], retryable: false } })).toBe(false);
    expect(offersRetry({ ...failed, failure: { reason: 'removed', detail: '', missing: ['a'], retryable: false } })).toBe(false);
    expect(offersRetry({ isMine: true, sendState: 'sent', failure: undefined })).toBe(false);
    expect(offersRetry({ isMine: false, sendState: 'failed', failure: undefined })).toBe(false);
  });
});
