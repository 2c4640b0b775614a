import type { IdentityTokenProvider } from './token-types.js';

/**
 * The default identity: the Ed25519 key itself, vouched for by nobody. It presents no token, and the
 * engine behaves exactly as it does without any provider.
 */
export function createLocalKeyProvider(): IdentityTokenProvider {
  return {
    kind: 'local',
    bindSigningKey() {},
    async token() {
      return '';
    },
    close() {},
  };
}
