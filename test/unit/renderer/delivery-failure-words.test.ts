import { describe, expect, it } from 'vitest';
import { deliveryFailureWords } from '../../../renderer/features/chat/delivery-failure-words.js';
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
});
