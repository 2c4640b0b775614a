/** Kizuna's MLS layer (RFC 9420 over ts-mls 1.6.4). See mls-types.ts for the types. */
export type {
  DecodedKeyPackage,
  IdentityAllowed,
  MlsAddResult,
  MlsCommitPolicy,
  MlsCommitResult,
  MlsDecrypted,
  MlsDecryptedUnchecked,
  MlsEncrypted,
  MlsGroupState,
  MlsIdentity,
  MlsKeyPackagePair,
  MlsProcessedCommit,
  MlsSignatureCheck,
} from './mls-types.js';
export { DEFAULT_MLS_CRYPTO_PROVIDER, MLS_CIPHERSUITE, loadMlsSuite, type MlsCryptoProviderName, type MlsSuite } from './mls-suite.js';
export { MLS_KEY_RETENTION } from './client-config.js';
export { isCredentialBound, makeAuthenticationService, mlsSignatureKeyFromSodium } from './identity-binding.js';
export { KEY_PACKAGE_LIFETIME_MS, decodeKeyPackage, generateKeyPackage, keyPackageIdentity, type GenerateKeyPackageOptions } from './key-package.js';
export { createGroup } from './group-create.js';
export { addMembers, removeMembers, rotateKeys } from './group-commit.js';
export { processCommit } from './commit-processing.js';
export { joinFromWelcome, type JoinFromWelcomeOptions } from './welcome-join.js';
export { decryptApplication, decryptApplicationUnchecked, encryptApplication, verifyMlsSignature } from './application-message.js';
export { epochOf, groupIdOf, isRemovedFromGroup, ownIdentityOf, rosterOf } from './group-inspect.js';
export { MLS_STATE_FORMAT_VERSION, deserializeState, serializeState } from './state-codec.js';
export { MAX_MLS_MESSAGE_BYTES } from './mls-wire.js';
