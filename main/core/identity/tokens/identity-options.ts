/**
 * Seed 000's identity options (JWT path, JWKS path, issuer, subject, audience; shared secret; public key
 * file) as one typed configuration, read from CLI flags and `KIZUNA_*` environment variables (flags win),
 * and turned into the engine's token provider and verifier.
 *
 * | option          | flag                  | environment                 | meaning                                      |
 * |-----------------|-----------------------|-----------------------------|----------------------------------------------|
 * | jwtPath         | --jwt-path            | KIZUNA_JWT_PATH             | our token file (e.g. /svids/jwt_svid.token)  |
 * | jwksPath        | --jwks-path           | KIZUNA_JWKS_PATH            | JWKS or SPIRE bundle (e.g. /svids/key.jwt)   |
 * | keyFile         | --jwt-key-file        | KIZUNA_JWT_KEY_FILE         | a PEM or JWK public key instead of a JWKS    |
 * | issuer          | --jwt-issuer          | KIZUNA_JWT_ISSUER           | required `iss`                               |
 * | subject         | --jwt-subject         | KIZUNA_JWT_SUBJECT          | required `sub`                               |
 * | audience        | --jwt-audience        | KIZUNA_JWT_AUDIENCE         | accepted `aud` values (comma-separated)      |
 * | sharedSecret    | --shared-secret       | KIZUNA_SHARED_SECRET        | HMAC secret, at least 32 bytes               |
 * | sharedSecretId  | --shared-secret-id    | KIZUNA_SHARED_SECRET_ID     | subject of our shared-secret tokens          |
 * | keyBinding      | --token-key-binding   | KIZUNA_TOKEN_KEY_BINDING    | claim (default) or spiffe-path               |
 * | clockSkewSec    | --token-clock-skew    | KIZUNA_TOKEN_CLOCK_SKEW     | tolerance in seconds                         |
 *
 * With none of them set the engine runs as before: local key identity, no token sent, none checked.
 */
import { z } from 'zod';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { createJwtFileProvider } from './jwt-file-provider.js';
import { createJwtVerifier } from './jwt-verifier.js';
import type { KeyBinding } from './key-binding.js';
import { createLocalKeyProvider } from './local-key-provider.js';
import { createSharedSecretProvider, createSharedSecretVerifier, SHARED_SECRET_MIN_BYTES } from './shared-secret-token.js';
import type { IdentityTokenProvider, IdentityTokenVerifier } from './token-types.js';

const text = z.string().trim().min(1);
const audienceList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (typeof v === 'string' ? v.split(',') : v).map((s) => s.trim()).filter((s) => s.length > 0))
  .refine((v) => v.length > 0, 'at least one audience');

export const identityOptionsSchema = z
  .object({
    jwtPath: text.optional(),
    jwksPath: text.optional(),
    keyFile: text.optional(),
    issuer: text.optional(),
    subject: text.optional(),
    audience: audienceList.optional(),
    sharedSecret: z.string().min(1).optional(),
    sharedSecretId: text.regex(/^[^:\s]+$/, 'no colons or spaces').optional(),
    keyBinding: z.enum(['claim', 'spiffe-path']).optional(),
    clockSkewSec: z.coerce.number().int().min(0).max(3600).optional(),
  })
  .strict();
export type IdentityOptions = z.infer<typeof identityOptionsSchema>;

/** Option name → CLI flag and environment variable. */
export const IDENTITY_OPTION_SOURCES: Readonly<Record<keyof IdentityOptions, { flag: string; env: string }>> = {
  jwtPath: { flag: '--jwt-path', env: 'KIZUNA_JWT_PATH' },
  jwksPath: { flag: '--jwks-path', env: 'KIZUNA_JWKS_PATH' },
  keyFile: { flag: '--jwt-key-file', env: 'KIZUNA_JWT_KEY_FILE' },
  issuer: { flag: '--jwt-issuer', env: 'KIZUNA_JWT_ISSUER' },
  subject: { flag: '--jwt-subject', env: 'KIZUNA_JWT_SUBJECT' },
  audience: { flag: '--jwt-audience', env: 'KIZUNA_JWT_AUDIENCE' },
  sharedSecret: { flag: '--shared-secret', env: 'KIZUNA_SHARED_SECRET' },
  sharedSecretId: { flag: '--shared-secret-id', env: 'KIZUNA_SHARED_SECRET_ID' },
  keyBinding: { flag: '--token-key-binding', env: 'KIZUNA_TOKEN_KEY_BINDING' },
  clockSkewSec: { flag: '--token-clock-skew', env: 'KIZUNA_TOKEN_CLOCK_SKEW' },
};

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * Reads the options from parsed CLI flags (keyed by option name, by flag name with or without the leading
 * dashes, e.g. `issuer`, `jwt-issuer`, `--jwt-issuer`) and from the
 * environment; a flag overrides its variable. Throws INVALID_CONFIG for anything malformed or
 * contradictory, SHARED_SECRET_TOO_SHORT for a short secret.
 */
export function parseIdentityOptions(sources: { flags?: Readonly<Record<string, unknown>>; env?: Readonly<Record<string, string | undefined>> } = {}): IdentityOptions {
  const raw: Record<string, unknown> = {};
  for (const [name, { flag, env }] of Object.entries(IDENTITY_OPTION_SOURCES)) {
    const flags = sources.flags;
    const fromFlags = flags?.[name] ?? flags?.[kebab(name)] ?? flags?.[flag.slice(2)] ?? flags?.[flag];
    const fromEnv = sources.env?.[env];
    const value = fromFlags ?? (fromEnv === '' ? undefined : fromEnv);
    if (value !== undefined) raw[name] = value;
  }
  const parsed = identityOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = String(issue?.path[0] ?? '');
    throw new KizunaError('INVALID_CONFIG', `Identity option ${option || '?'} is not valid: ${issue?.message ?? 'invalid'}.`, { option });
  }
  const o = parsed.data;
  if (o.sharedSecret !== undefined && (o.jwtPath !== undefined || o.jwksPath !== undefined || o.keyFile !== undefined)) {
    throw new KizunaError('INVALID_CONFIG', 'Choose either a shared secret or JWT identities, not both.');
  }
  if (o.jwksPath !== undefined && o.keyFile !== undefined) {
    throw new KizunaError('INVALID_CONFIG', 'Give either a JWKS path or a public key file, not both.');
  }
  if (o.sharedSecret !== undefined && Buffer.byteLength(o.sharedSecret, 'utf8') < SHARED_SECRET_MIN_BYTES) {
    throw new KizunaError('SHARED_SECRET_TOO_SHORT', undefined, { minBytes: SHARED_SECRET_MIN_BYTES });
  }
  return o;
}

export interface IdentityTokens {
  readonly provider: IdentityTokenProvider;
  /** Undefined when nothing is configured to check others' tokens. */
  readonly verifier: IdentityTokenVerifier | undefined;
}

/** Builds the provider and verifier the options describe (local key and no verifier by default). */
export function identityTokensFromOptions(options: IdentityOptions, now?: () => number): IdentityTokens {
  const timing = now === undefined ? {} : { now };
  if (options.sharedSecret !== undefined) {
    return {
      provider: createSharedSecretProvider({ secret: options.sharedSecret, ...(options.sharedSecretId === undefined ? {} : { id: options.sharedSecretId }), ...timing }),
      verifier: createSharedSecretVerifier({ secret: options.sharedSecret, ...(options.clockSkewSec === undefined ? {} : { clockSkewSec: options.clockSkewSec }), ...timing }),
    };
  }
  const provider = options.jwtPath === undefined ? createLocalKeyProvider() : createJwtFileProvider({ path: options.jwtPath, ...timing });
  const keysFile = options.jwksPath ?? options.keyFile;
  const keyBinding: KeyBinding = { mode: options.keyBinding ?? 'claim' };
  const verifier =
    keysFile === undefined
      ? undefined
      : createJwtVerifier({
          keysFile,
          keyBinding,
          ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
          ...(options.audience === undefined ? {} : { audience: options.audience }),
          ...(options.subject === undefined ? {} : { subject: options.subject }),
          ...(options.clockSkewSec === undefined ? {} : { clockSkewSec: options.clockSkewSec }),
          ...timing,
        });
  return { provider, verifier };
}
