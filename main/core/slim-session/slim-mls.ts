/**
 * MLS as SLIM sessions use it, over ts-mls: suite 0x0002 (P-256), a BasicCredential whose identity is the
 * member's UTF-8 identity token, and whose leaf signature key is the key the token binds (checked for
 * every leaf by the authentication service, which also checks the token's MAC and freshness). Only the
 * moderator commits (add, remove); welcomes carry the ratchet tree. Application messages are
 * PrivateMessages whose authenticated data must equal SLIM's header digest byte for byte.
 *
 * State lives in memory for the session's lifetime (SLIM sessions are not persisted here).
 */
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeMlsMessage,
  defaultKeyPackageEqualityConfig,
  defaultLifetimeConfig,
  defaultPaddingConfig,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  joinGroup,
  processMessage,
  type Capabilities,
  type ClientConfig,
  type ClientState,
  type KeyPackage,
  type MLSMessage,
  type PrivateKeyPackage,
} from 'ts-mls';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { SLIM_MLS_CIPHERSUITE, loadSlimMlsSuite } from './p256-mls-suite.js';
import type { ModeratorMls, SessionMls } from './session-mls.js';
import type { SlimMemberIdentity } from './slim-member-identity.js';

const MAX_MLS_BYTES = 1 << 20;
const KEY_PACKAGE_LIFETIME_SEC = 24n * 60n * 60n;

const CAPABILITIES: Capabilities = {
  versions: ['mls10'],
  ciphersuites: [SLIM_MLS_CIPHERSUITE],
  extensions: [],
  proposals: [],
  credentials: ['basic'],
} as Capabilities;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

function clientConfig(identity: SlimMemberIdentity): ClientConfig {
  return {
    keyRetentionConfig: { retainKeysForEpochs: 4, retainKeysForGenerations: 1024, maximumForwardRatchetSteps: 1024 },
    lifetimeConfig: defaultLifetimeConfig,
    keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
    paddingConfig: defaultPaddingConfig,
    authService: {
      async validateCredential(credential, signaturePublicKey) {
        if (credential.credentialType !== 'basic') return false;
        try {
          const verified = identity.verifyToken(fromUtf8.decode(credential.identity));
          return Buffer.from(verified.publicKey).equals(Buffer.from(signaturePublicKey));
        } catch {
          return false;
        }
      },
    },
  };
}

function decode(bytes: Uint8Array): MLSMessage {
  if (bytes.byteLength > MAX_MLS_BYTES) throw new KizunaError('ENVELOPE_TOO_LARGE', undefined, { size: bytes.byteLength });
  const decoded = decodeMlsMessage(bytes, 0);
  if (decoded === undefined || decoded[1] !== bytes.byteLength) throw new KizunaError('MLS_ERROR', 'Not one MLS message.');
  return decoded[0];
}

function mlsError(error: unknown): KizunaError {
  if (error instanceof KizunaError) return error;
  return new KizunaError('MLS_ERROR', undefined, { reason: error instanceof Error ? error.message : String(error) });
}

/** One member's MLS side of one SLIM session. */
class SlimMlsMember implements ModeratorMls {
  readonly #identity: SlimMemberIdentity;
  #state: ClientState | undefined;
  #pending: { publicPackage: KeyPackage; privatePackage: PrivateKeyPackage } | undefined;
  /** Serialises ratchet-advancing operations (encrypt, decrypt, commits). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(identity: SlimMemberIdentity) {
    this.#identity = identity;
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run.catch((error: unknown) => {
      throw mlsError(error);
    });
  }

  #current(): ClientState {
    if (this.#state === undefined) throw new KizunaError('MLS_ERROR', 'Not in the MLS group yet.');
    return this.#state;
  }

  async #newKeyPackage(): Promise<{ publicPackage: KeyPackage; privatePackage: PrivateKeyPackage }> {
    const suite = await loadSlimMlsSuite();
    const now = BigInt(Math.floor(Date.now() / 1000));
    return generateKeyPackageWithKey(
      { credentialType: 'basic', identity: utf8.encode(this.#identity.token()) },
      CAPABILITIES,
      { notBefore: now - 3600n, notAfter: now + KEY_PACKAGE_LIFETIME_SEC },
      [],
      { signKey: this.#identity.key.privateScalar, publicKey: this.#identity.key.publicKey },
      suite,
    );
  }

  async keyPackage(): Promise<Uint8Array> {
    this.#pending = await this.#newKeyPackage();
    return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: this.#pending.publicPackage } as MLSMessage);
  }

  joinFromWelcome(welcome: Uint8Array): Promise<void> {
    return this.#serial(async () => {
      const pending = this.#pending;
      if (pending === undefined) throw new KizunaError('MLS_ERROR', 'A welcome before our key package.');
      const message = decode(welcome);
      if (message.wireformat !== 'mls_welcome') throw new KizunaError('MLS_ERROR', 'Not a Welcome.');
      const suite = await loadSlimMlsSuite();
      this.#state = await joinGroup(message.welcome, pending.publicPackage, pending.privatePackage, emptyPskIndex, suite, undefined, undefined, clientConfig(this.#identity));
      this.#pending = undefined;
    });
  }

  applyCommit(commit: Uint8Array): Promise<void> {
    return this.#serial(async () => {
      const message = decode(commit);
      if (message.wireformat !== 'mls_private_message' && message.wireformat !== 'mls_public_message') throw new KizunaError('MLS_ERROR', 'Not a commit.');
      const suite = await loadSlimMlsSuite();
      // Only the moderator commits; its proposals are add and remove (SLIM sends nothing else).
      const result = await processMessage(message, { ...this.#current(), clientConfig: clientConfig(this.#identity) }, emptyPskIndex, (incoming) =>
        incoming.kind === 'commit' && incoming.proposals.every(({ proposal }) => proposal.proposalType === 'add' || proposal.proposalType === 'remove') ? 'accept' : 'reject',
        suite,
      );
      if (result.kind !== 'newState' || result.actionTaken !== 'accept') throw new KizunaError('MLS_COMMIT_REJECTED');
      this.#state = result.newState;
    });
  }

  encrypt(plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
    return this.#serial(async () => {
      const suite = await loadSlimMlsSuite();
      const result = await createApplicationMessage(this.#current(), plaintext, suite, aad);
      this.#state = result.newState;
      return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: result.privateMessage } as MLSMessage);
    });
  }

  decrypt(ciphertext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
    return this.#serial(async () => {
      const message = decode(ciphertext);
      if (message.wireformat !== 'mls_private_message') throw new KizunaError('DECRYPT_FAILED', undefined, { reason: 'not a PrivateMessage' });
      if (!Buffer.from(message.privateMessage.authenticatedData).equals(Buffer.from(aad))) {
        throw new KizunaError('DECRYPT_FAILED', undefined, { reason: 'header digest mismatch' });
      }
      const suite = await loadSlimMlsSuite();
      const result = await processMessage(message, { ...this.#current(), clientConfig: clientConfig(this.#identity) }, emptyPskIndex, () => 'reject', suite).catch((error: unknown) => {
        throw new KizunaError('DECRYPT_FAILED', undefined, { reason: error instanceof Error ? error.message : String(error) });
      });
      if (result.kind !== 'applicationMessage') throw new KizunaError('DECRYPT_FAILED', undefined, { reason: 'not an application message' });
      this.#state = result.newState;
      return result.message;
    });
  }

  epoch(): bigint {
    return this.#state?.groupContext.epoch ?? 0n;
  }

  createGroup(groupId: Uint8Array): Promise<void> {
    return this.#serial(async () => {
      const own = await this.#newKeyPackage();
      const suite = await loadSlimMlsSuite();
      this.#state = await createGroup(groupId, own.publicPackage, own.privatePackage, [], suite, clientConfig(this.#identity));
    });
  }

  addMember(keyPackage: Uint8Array): Promise<{ commit: Uint8Array; welcome: Uint8Array }> {
    return this.#serial(async () => {
      const message = decode(keyPackage);
      if (message.wireformat !== 'mls_key_package') throw new KizunaError('MLS_ERROR', 'Not a KeyPackage.');
      const suite = await loadSlimMlsSuite();
      const result = await createCommit(
        { state: { ...this.#current(), clientConfig: clientConfig(this.#identity) }, cipherSuite: suite },
        { extraProposals: [{ proposalType: 'add', add: { keyPackage: message.keyPackage } }], ratchetTreeExtension: true },
      );
      if (result.welcome === undefined) throw new KizunaError('MLS_ERROR', 'An add commit produced no welcome.');
      this.#state = result.newState;
      return {
        commit: encodeMlsMessage(result.commit),
        welcome: encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: result.welcome } as MLSMessage),
      };
    });
  }

  #leafOf(state: ClientState, identity: string): number {
    let leafIndex: number | undefined;
    state.ratchetTree.forEach((node, nodeIndex) => {
      if (node?.nodeType !== 'leaf' || node.leaf.credential.credentialType !== 'basic') return;
      const token = Buffer.from(node.leaf.credential.identity).toString('utf8');
      if (token.split(':')[0] === identity) leafIndex = nodeIndex / 2;
    });
    if (leafIndex === undefined) throw new KizunaError('PARTICIPANT_NOT_FOUND', 'No MLS leaf for this member.');
    return leafIndex;
  }

  rejoinMember(identity: string, keyPackage: Uint8Array): Promise<{ commit: Uint8Array; welcome: Uint8Array }> {
    return this.#serial(async () => {
      const state = this.#current();
      const leafIndex = this.#leafOf(state, identity);
      const message = decode(keyPackage);
      if (message.wireformat !== 'mls_key_package') throw new KizunaError('MLS_ERROR', 'Not a KeyPackage.');
      const token = Buffer.from(message.keyPackage.leafNode.credential.credentialType === 'basic' ? message.keyPackage.leafNode.credential.identity : new Uint8Array(0)).toString('utf8');
      // The successor must be the same member (SLIM: the same `sub`).
      if (token.split(':')[0] !== identity) throw new KizunaError('MLS_ERROR', 'A rejoin key package for someone else.');
      const suite = await loadSlimMlsSuite();
      const result = await createCommit(
        { state: { ...state, clientConfig: clientConfig(this.#identity) }, cipherSuite: suite },
        {
          extraProposals: [
            { proposalType: 'remove', remove: { removed: leafIndex } },
            { proposalType: 'add', add: { keyPackage: message.keyPackage } },
          ],
          ratchetTreeExtension: true,
        },
      );
      if (result.welcome === undefined) throw new KizunaError('MLS_ERROR', 'A rejoin commit produced no welcome.');
      this.#state = result.newState;
      return {
        commit: encodeMlsMessage(result.commit),
        welcome: encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: result.welcome } as MLSMessage),
      };
    });
  }

  removeMember(identity: string): Promise<Uint8Array> {
    return this.#serial(async () => {
      const state = this.#current();
      const leafIndex = this.#leafOf(state, identity);
      const suite = await loadSlimMlsSuite();
      const result = await createCommit(
        { state: { ...state, clientConfig: clientConfig(this.#identity) }, cipherSuite: suite },
        { extraProposals: [{ proposalType: 'remove', remove: { removed: leafIndex } }], ratchetTreeExtension: true },
      );
      this.#state = result.newState;
      return encodeMlsMessage(result.commit);
    });
  }
}

export interface SlimMlsFactory {
  participant(identity: SlimMemberIdentity): SessionMls;
  moderator(identity: SlimMemberIdentity): ModeratorMls;
}

export function createSlimMlsFactory(): SlimMlsFactory {
  return {
    participant: (identity) => new SlimMlsMember(identity),
    moderator: (identity) => new SlimMlsMember(identity),
  };
}
