/**
 * SLIM's shared-secret identity token (not a JWT), as its SharedSecret provider mints and verifies it:
 *
 *   <id>:<unix seconds>:<nonce>:<claims>:<mac>
 *
 * id = `<base>_<8 random alphanumerics>`; nonce = base64url of 12 random bytes; claims = base64url of
 * `{"pubkey":"<standard base64 of the signature public key>"}`; mac = base64url HMAC-SHA256 (key: the UTF-8
 * secret) of everything before the last ':'. Accepted while the time is within [now − 3600, now + 5] s.
 * The `pubkey` claim binds the member's P-256 key: the header signature and (with MLS) the leaf must use it.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { SHARED_SECRET_MIN_BYTES } from '../identity/tokens/shared-secret-token.js';

const NONCE_BYTES = 12;
const MAC_BYTES = 32;
const VALIDITY_SEC = 3600;
const SKEW_SEC = 5;
const MAX_TOKEN_CHARS = 8192;
const ALPHANUMERICS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface VerifiedSlimToken {
  /** The token's id: SLIM's identity (`sub`) of the member. */
  readonly subject: string;
  /** The bound signature public key. */
  readonly publicKey: Uint8Array;
  readonly issuedAt: number;
}

function secretBytes(secret: string): Buffer {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.byteLength < SHARED_SECRET_MIN_BYTES) {
    throw new KizunaError('SHARED_SECRET_TOO_SHORT', undefined, { minBytes: SHARED_SECRET_MIN_BYTES, bytes: bytes.byteLength });
  }
  return bytes;
}

/** `<base>_<8 random alphanumerics>`, the id SLIM gives an app's tokens; the app's name id is derived from it. */
export function newSlimTokenId(base: string): string {
  let suffix = '';
  for (let i = 0; i < 8; i += 1) suffix += ALPHANUMERICS[randomInt(ALPHANUMERICS.length)];
  return `${base}_${suffix}`;
}

export interface SlimTokenMinter {
  readonly id: string;
  token(): string;
}

export function createSlimTokenMinter(options: { id: string; secret: string; publicKey: Uint8Array; now?: () => number }): SlimTokenMinter {
  const secret = secretBytes(options.secret);
  if (options.id.length === 0 || options.id.includes(':')) throw new KizunaError('INVALID_CONFIG', 'A SLIM token id must be non-empty and without colons.');
  const claims = Buffer.from(JSON.stringify({ pubkey: Buffer.from(options.publicKey).toString('base64') }), 'utf8').toString('base64url');
  const now = options.now ?? Date.now;
  return {
    id: options.id,
    token() {
      const body = `${options.id}:${Math.floor(now() / 1000)}:${randomBytes(NONCE_BYTES).toString('base64url')}:${claims}`;
      return `${body}:${createHmac('sha256', secret).update(body, 'utf8').digest('base64url')}`;
    },
  };
}

const malformed = (reason: string): KizunaError => new KizunaError('TOKEN_MALFORMED', undefined, { reason });

function readPubkey(claims: unknown): string | undefined {
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined;
  const record = claims as Record<string, unknown>;
  if (typeof record['pubkey'] === 'string') return record['pubkey'];
  const custom = record['custom_claims'];
  if (typeof custom === 'object' && custom !== null && typeof (custom as Record<string, unknown>)['pubkey'] === 'string') {
    return (custom as Record<string, string>)['pubkey'];
  }
  return undefined;
}

export interface SlimTokenVerifier {
  /** Throws a KizunaError (TOKEN_*) unless the token is well formed, MAC'd with our secret, fresh, and binds a key. */
  verify(token: string): VerifiedSlimToken;
}

export function createSlimTokenVerifier(options: { secret: string; now?: () => number }): SlimTokenVerifier {
  const secret = secretBytes(options.secret);
  const now = options.now ?? Date.now;
  return {
    verify(token) {
      if (typeof token !== 'string' || token.length === 0) throw new KizunaError('TOKEN_MISSING');
      if (token.length > MAX_TOKEN_CHARS) throw malformed('too long');
      const parts = token.split(':');
      if (parts.length !== 5) throw malformed('expected five fields');
      const [id = '', tsText = '', nonceText = '', claimsText = '', macText = ''] = parts;
      if (id.length === 0) throw malformed('empty id');
      if (!/^\d{1,15}$/.test(tsText)) throw malformed('bad issue time');
      if (!/^[A-Za-z0-9_-]+$/.test(nonceText) || Buffer.from(nonceText, 'base64url').byteLength !== NONCE_BYTES) throw malformed('bad nonce');
      const mac = Buffer.from(macText, 'base64url');
      if (!/^[A-Za-z0-9_-]+$/.test(macText) || mac.byteLength !== MAC_BYTES) throw malformed('bad mac encoding');
      const expected = createHmac('sha256', secret).update(token.slice(0, token.lastIndexOf(':')), 'utf8').digest();
      if (!timingSafeEqual(expected, mac)) throw new KizunaError('TOKEN_BAD_SIGNATURE');
      const issuedAt = Number(tsText);
      const nowSec = Math.floor(now() / 1000);
      if (issuedAt > nowSec + SKEW_SEC) throw new KizunaError('TOKEN_NOT_YET_VALID', undefined, { issuedAt });
      if (nowSec - issuedAt > VALIDITY_SEC) throw new KizunaError('TOKEN_EXPIRED', undefined, { expiredAt: (issuedAt + VALIDITY_SEC) * 1000 });
      let claims: unknown;
      try {
        claims = JSON.parse(Buffer.from(claimsText, 'base64url').toString('utf8'));
      } catch {
        throw malformed('claims are not JSON');
      }
      const pubkey = readPubkey(claims);
      if (pubkey === undefined) throw new KizunaError('TOKEN_KEY_MISMATCH', undefined, { reason: 'the token carries no pubkey claim' });
      return { subject: id, publicKey: new Uint8Array(Buffer.from(pubkey, 'base64')), issuedAt };
    },
  };
}
