/**
 * Who we are in SLIM sessions, and the check of who others are: our P-256 key, the shared-secret token that
 * binds it (stamped on every message we send), the header signature of our control messages, and the
 * verification of others' (token MAC and freshness, then the signature with the key the token binds).
 */
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { WireMessage } from '../transport/slim-wire-types.js';
import { buildSessionFrame, frameAad, isControlMessage, outgoingAad, type OutgoingFrame, type SessionFrame } from './session-frame.js';
import { generateSlimSigningKey, verifyP256, type SlimSigningKey } from './slim-signing-key.js';
import { createSlimTokenMinter, createSlimTokenVerifier, newSlimTokenId, type VerifiedSlimToken } from './slim-token.js';

export interface SlimMemberIdentity {
  readonly key: SlimSigningKey;
  /** Our token id (SLIM's `sub` for us). */
  readonly tokenId: string;
  token(): string;
  /** Stamps our token (a fresh one, or `token` when the caller already used it, e.g. in an MLS AAD) and signs control messages. */
  seal(frame: Omit<OutgoingFrame, 'identity'>, token?: string): WireMessage;
  /** Verifies a token on its own (MLS credentials carry tokens). Throws TOKEN_*. */
  verifyToken(token: string): VerifiedSlimToken;
  /** Throws TOKEN_* unless the sender's token is ours-secret-MAC'd and fresh, and (control messages) the header signature holds. */
  verify(frame: SessionFrame): VerifiedSlimToken;
}

export function createSlimMemberIdentity(options: { base: string; secret: string; key?: SlimSigningKey; tokenId?: string; now?: () => number }): SlimMemberIdentity {
  const key = options.key ?? generateSlimSigningKey();
  const minter = createSlimTokenMinter({ id: options.tokenId ?? newSlimTokenId(options.base), secret: options.secret, publicKey: key.publicKey, now: options.now });
  const verifier = createSlimTokenVerifier({ secret: options.secret, now: options.now });
  return {
    key,
    tokenId: minter.id,
    token: () => minter.token(),
    seal(frame, token) {
      const full: OutgoingFrame = { ...frame, identity: token ?? minter.token() };
      return buildSessionFrame(full, isControlMessage(full.messageType) ? key.sign(outgoingAad(full)) : undefined);
    },
    verifyToken: (token) => verifier.verify(token),
    verify(frame) {
      const verified = verifier.verify(frame.identity);
      if (isControlMessage(frame.messageType)) {
        if (frame.signature === undefined) throw new KizunaError('TOKEN_BAD_SIGNATURE', 'A SLIM control message without a header signature.');
        if (!verifyP256(frameAad(frame), frame.signature, verified.publicKey)) {
          throw new KizunaError('TOKEN_BAD_SIGNATURE', 'The SLIM header signature does not match the token key.');
        }
      }
      return verified;
    },
  };
}
