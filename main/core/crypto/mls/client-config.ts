/**
 * The ts-mls ClientConfig Kizuna runs with. ts-mls keeps it inside every ClientState; this layer
 * installs a fresh one for each operation (with that operation's authentication service) and puts
 * BASE_CLIENT_CONFIG back on the state it returns, so no engine callback outlives its call and a
 * deserialised state equals the state that was serialised.
 */
import {
  defaultKeyPackageEqualityConfig,
  defaultLifetimeConfig,
  defaultPaddingConfig,
  type AuthenticationService,
  type ClientConfig,
  type ClientState,
  type GroupState,
  type KeyRetentionConfig,
} from 'ts-mls';
import { makeAuthenticationService } from './identity-binding.js';
import type { MlsGroupState } from './mls-types.js';

/**
 * Key retention (ts-mls KeyRetentionConfig):
 * - retainKeysForEpochs 4: the receiver keys of the 4 epochs before the current one stay in the state,
 *   so a message sent in epoch E still decrypts after commits to E+1 … E+4 (late or retransmitted
 *   messages, catching up after being offline). Each kept epoch costs one copy of that epoch's ratchet
 *   tree and secret tree in the state blob.
 * - retainKeysForGenerations 4096: per sender and epoch, keys of up to 4096 skipped generations are kept,
 *   so messages may arrive out of order by that much. History sync can deliver a sender's messages out
 *   of order (several members answering, replies overlapping); with only 128 kept, a jump ahead made
 *   the skipped ones undecryptable (measured: hundreds lost in a 10,000-message catch-up). A kept key
 *   is about 50 bytes in the state and is deleted when used.
 * - maximumForwardRatchetSteps 4096: a message may be up to 4096 generations ahead of the last one read
 *   from its sender (one HKDF step each), e.g. after a gap in history sync.
 */
export const MLS_KEY_RETENTION: KeyRetentionConfig = Object.freeze({
  retainKeysForEpochs: 4,
  retainKeysForGenerations: 4096,
  maximumForwardRatchetSteps: 4096,
});

export function makeClientConfig(authService: AuthenticationService): ClientConfig {
  return {
    keyRetentionConfig: MLS_KEY_RETENTION,
    // Lifetimes are checked by the committer when it adds a key package (ts-mls does so for
    // sentByClient) and by decodeKeyPackage; receivers do not re-check, so a member with a skewed clock
    // cannot fork the group.
    lifetimeConfig: defaultLifetimeConfig,
    keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
    paddingConfig: defaultPaddingConfig,
    authService,
  };
}

/** Binding check only (no membership callback): what a state carries between operations. */
export const BASE_CLIENT_CONFIG: ClientConfig = Object.freeze(makeClientConfig(makeAuthenticationService()));

/** The ts-mls state behind an MlsGroupState, with an operation's authentication service installed. */
export function clientStateFor(state: MlsGroupState, authService: AuthenticationService): ClientState {
  return { ...clientView(state), clientConfig: makeClientConfig(authService) };
}

/** Wraps a ts-mls state for the engine, with BASE_CLIENT_CONFIG. */
export function toGroupState(client: GroupState): MlsGroupState {
  return { ...client, clientConfig: BASE_CLIENT_CONFIG } as unknown as MlsGroupState;
}

/** Read-only view of the ts-mls state (for inspection, no config change). */
export function clientView(state: MlsGroupState): ClientState {
  return state as unknown as ClientState;
}
