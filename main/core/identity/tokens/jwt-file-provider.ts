/**
 * Seed 000's `IdentityProvider.StaticJwt`: the token is whatever JWT a file holds right now. The SPIFFE
 * helper (or any other agent) rewrites that file before the short-lived token expires, so the provider
 * never trusts a cached copy for long:
 * - it watches the file's folder (helpers often replace the file by rename, which a watch on the file
 *   itself would miss) and drops its cached token on any change of that file;
 * - every token() compares the file's inode, size and modification time with the cached copy's, which
 *   also covers file systems where watching is unreliable;
 * - a cached token whose `exp` has passed is re-read before it is handed out.
 * The token is not verified here (that is the receiver's job), only decoded to read `exp` and, when it
 * carries one, to check that its `kizuna_key` claim is our own key.
 */
import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { decodeJwt } from 'jose';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { toBase64Url } from '../../encoding/base64url.js';
import { createLogger } from '../../log/logger.js';
import { keyNamedByClaims } from './key-binding.js';
import type { IdentityTokenProvider } from './token-types.js';

const log = createLogger('identity.tokens.jwt-file');

export interface JwtFileProviderOptions {
  readonly path: string;
  readonly now?: () => number;
  /** Watch the folder for changes (default true); the per-call checks work without it. */
  readonly watch?: boolean;
}

interface CachedToken {
  readonly token: string;
  readonly print: string;
  /** ms, or undefined when the token has no exp. */
  readonly expiresAt: number | undefined;
  readonly key: string | undefined;
}

export interface JwtFileProvider extends IdentityTokenProvider {
  /** How many times the file was (re)read; for tests and diagnostics. */
  readonly reads: number;
}

export function createJwtFileProvider(options: JwtFileProviderOptions): JwtFileProvider {
  const now = options.now ?? Date.now;
  let cached: CachedToken | undefined;
  let boundKey: string | undefined;
  let reads = 0;
  let watcher: FSWatcher | undefined;

  const printOf = (): string | undefined => {
    try {
      const s = statSync(options.path);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return undefined;
    }
  };

  const read = (): CachedToken => {
    let text: string;
    const print = printOf();
    try {
      text = readFileSync(options.path, 'utf8').trim();
    } catch (error) {
      throw new KizunaError('TOKEN_MISSING', 'The identity token file cannot be read.', { path: options.path }, { cause: error });
    }
    reads += 1;
    if (text.length === 0) throw new KizunaError('TOKEN_MISSING', 'The identity token file is empty.', { path: options.path });
    let claims: Record<string, unknown>;
    try {
      claims = decodeJwt(text);
    } catch (error) {
      throw new KizunaError('TOKEN_MALFORMED', 'The identity token file does not hold a JWT.', { path: options.path }, { cause: error });
    }
    return {
      token: text,
      print: print ?? '',
      expiresAt: typeof claims['exp'] === 'number' ? claims['exp'] * 1000 : undefined,
      key: keyNamedByClaims(claims),
    };
  };

  if (options.watch !== false) {
    try {
      const name = basename(options.path);
      watcher = watch(dirname(options.path), { persistent: false }, (_event, changed) => {
        if (changed === null || changed.toString() === name) cached = undefined;
      });
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
      });
    } catch (error) {
      log.warn('cannot watch the identity token folder; relying on per-call checks', {
        path: options.path,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  return {
    kind: 'jwt',
    get reads() {
      return reads;
    },
    bindSigningKey(publicKey) {
      boundKey = toBase64Url(publicKey);
    },
    async token() {
      if (cached === undefined || printOf() !== cached.print || (cached.expiresAt !== undefined && cached.expiresAt <= now())) {
        cached = read();
      }
      if (cached.expiresAt !== undefined && cached.expiresAt <= now()) {
        throw new KizunaError('TOKEN_EXPIRED', 'The identity token on disk has expired and was not renewed yet.', {
          path: options.path,
          expiredAt: cached.expiresAt,
        });
      }
      if (boundKey !== undefined && cached.key !== undefined && cached.key !== boundKey) {
        throw new KizunaError('TOKEN_KEY_MISMATCH', 'The identity token on disk was issued for another signing key.', { path: options.path });
      }
      return cached.token;
    },
    close() {
      watcher?.close();
      watcher = undefined;
    },
  };
}
