import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../../../shared/ipc/request-validation.js';
import { expectCode } from '../../../helpers/expect-code.js';

const GROUP = 'A'.repeat(43);

/** The search request as it crosses the trust boundary (IPC, the browser host): what passes, and the typed error for what does not. */
describe('the messages.search request', () => {
  it('takes search text alone (every chat), or with one chat and a limit', () => {
    expect(parseRequest('messages.search', { text: '東京' })).toEqual({ name: 'messages.search', input: { text: '東京' } });
    expect(parseRequest('messages.search', { text: 'fox', groupId: GROUP, limit: 100 }).input).toEqual({ text: 'fox', groupId: GROUP, limit: 100 });
  });

  it('says SEARCH_QUERY_INVALID for text without words', async () => {
    await expectCode(() => parseRequest('messages.search', { text: '' }), 'SEARCH_QUERY_INVALID');
    await expectCode(() => parseRequest('messages.search', { text: ' \u3000\n' }), 'SEARCH_QUERY_INVALID');
  });

  it('refuses what is not a search as INVALID_INPUT', async () => {
    for (const input of [
      {},
      { text: 42 },
      { text: 'x'.repeat(1025) },
      { text: 'fox', groupId: 'not-an-id' },
      { text: 'fox', limit: 0 },
      { text: 'fox', limit: 501 },
      { text: 'fox', limit: 1.5 },
      { text: 'fox', sql: 'DROP TABLE messages' },
    ]) {
      await expectCode(() => parseRequest('messages.search', input), 'INVALID_INPUT');
    }
  });
});
