/**
 * The one MLS cipher suite Kizuna speaks, and the crypto provider that implements it.
 *
 * - `native` (default): node:crypto + libsodium, synchronous primitives (native-crypto-provider.ts).
 * - `webcrypto`: ts-mls's own default provider (WebCrypto + @hpke/core).
 * Both produce the same bytes; members using either interoperate in one group.
 */
import { loadSodium } from '../sodium.js';
import { defaultCryptoProvider, getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl } from 'ts-mls';
import { nativeCryptoProvider } from './native-crypto-provider.js';

export const MLS_CIPHERSUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519' as const;

export type MlsCryptoProviderName = 'native' | 'webcrypto';

export const DEFAULT_MLS_CRYPTO_PROVIDER: MlsCryptoProviderName = 'native';

export interface MlsSuite {
  readonly provider: MlsCryptoProviderName;
  /** ts-mls's implementation of the suite; internal to main/core/crypto/mls. */
  readonly impl: CiphersuiteImpl;
}

const loaded = new Map<MlsCryptoProviderName, Promise<MlsSuite>>();

/** Loads (once) the cipher suite with the given provider. Also makes libsodium ready. */
export function loadMlsSuite(provider: MlsCryptoProviderName = DEFAULT_MLS_CRYPTO_PROVIDER): Promise<MlsSuite> {
  let suite = loaded.get(provider);
  if (suite === undefined) {
    suite = (async () => {
      await loadSodium();
      const cs = getCiphersuiteFromName(MLS_CIPHERSUITE);
      const impl = await getCiphersuiteImpl(cs, provider === 'native' ? nativeCryptoProvider : defaultCryptoProvider);
      return { provider, impl };
    })();
    loaded.set(provider, suite);
    // A failed load is not cached: the next call tries again.
    suite.catch(() => loaded.delete(provider));
  }
  return suite;
}

/** The suite a call asked for, or the default one. */
export function suiteOrDefault(suite: MlsSuite | undefined): Promise<MlsSuite> {
  return suite === undefined ? loadMlsSuite() : Promise.resolve(suite);
}
