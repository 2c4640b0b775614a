import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { TypedEmitter } from '../events/typed-emitter.js';
import type { SelfKeys } from '../crypto/self-keys.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import type { EngineEvents } from './engine-events.js';
import type { KeyedMutex } from './keyed-mutex.js';
import type { MlsStates } from './mls-states.js';
import type { FileVault } from '../store/file-vault.js';
import type { IdentityTokenProvider, IdentityTokenVerifier } from '../identity/tokens/token-types.js';
import type { CheckedSignatures } from '../envelopes/checked-signatures.js';

/** What every engine service works with. Built once by Engine.open. */
export interface EngineContext {
  readonly store: Store;
  readonly events: TypedEmitter<EngineEvents>;
  readonly log: Logger;
  readonly now: () => number;
  readonly dataDir: string;
  /** One membership or key operation at a time per group (key: base64url group id). */
  readonly groupLocks: KeyedMutex;
  /** MLS group states, cached and persisted per epoch. */
  readonly mlsStates: MlsStates;
  /** Envelope signatures already found good (admission, the router), so the inbox checks each once. */
  readonly checkedSignatures: CheckedSignatures;
  /** Encrypted file chunks on disk. */
  readonly files: FileVault;
  /** Identity tokens (issue 5): what we present when joining, and how we check others'. Both optional. */
  readonly identityTokens: { readonly provider?: IdentityTokenProvider; readonly verifier?: IdentityTokenVerifier };
  /** The local identity; throws IDENTITY_MISSING before one is created. */
  self(): SelfKeys;
  hasSelf(): boolean;
  setSelf(keys: SelfKeys): void;
}

export function createSelfHolder(): Pick<EngineContext, 'self' | 'hasSelf' | 'setSelf'> {
  let current: SelfKeys | undefined;
  return {
    self: () => {
      if (current === undefined) throw new KizunaError('IDENTITY_MISSING');
      return current;
    },
    hasSelf: () => current !== undefined,
    setSelf: (keys) => {
      current = keys;
    },
  };
}
