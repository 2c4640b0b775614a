/**
 * Who may talk to the controller. SLIM's control plane has no access control of its own: whoever reaches
 * the controller's port could rewire every node (northbound) or register as any node and receive its links
 * and routes (southbound). With an auth file every call must carry `authorization: Bearer <token>` for a
 * principal listed there; operators may use the northbound API only, nodes the southbound stream only.
 *
 * The controller's auth file (JSON, owner-only):
 *   { "principals": [ { "identity": "ops", "role": "operator", "token": "…" },
 *                     { "identity": "edge-a", "role": "node", "token": "…" } ],
 *     "tls": { "certFile": "cert.pem", "keyFile": "key.pem" } }
 * Tokens are compared as SHA-256 digests in constant time, so neither their length nor a prefix leaks.
 *
 * Instead of a shared token a principal may be named by the `subject` of a JWT (a SPIFFE JWT-SVID, or any
 * issuer's token) verified with jose against the `jwt` section's keys (PEM, JWK, JWKS or SPIRE bundle, as
 * for identity tokens), issuer and audience: `{ "identity": "edge-a", "role": "node", "subject": "spiffe://…" }`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Metadata } from '@grpc/grpc-js';
import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { JWT_ALGORITHMS, keyResolverFromFile } from '../identity/tokens/jwt-keys.js';

export type ControllerRole = 'operator' | 'node';

/** Long enough that guessing is hopeless (32 characters of a random base64/hex token ≥ 128 bits). */
export const MIN_TOKEN_LENGTH = 32;
const MAX_TOKEN_LENGTH = 4096;
/** An unauthenticated caller cannot make us hash megabytes: longer headers are refused unread. */
const MAX_AUTHORIZATION_LENGTH = MAX_TOKEN_LENGTH + 16;

const tokenSchema = z.string().min(MIN_TOKEN_LENGTH).max(MAX_TOKEN_LENGTH).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

const principalSchema = z
  .object({ identity: z.string().min(1).max(128), role: z.enum(['operator', 'node']), token: tokenSchema.optional(), subject: z.string().min(1).max(1024).optional() })
  .strict()
  .refine((p) => (p.token === undefined) !== (p.subject === undefined), 'give a principal either a token or a JWT subject');

const controllerAuthFileSchema = z
  .object({
    principals: z.array(principalSchema).min(1).max(1000),
    tls: z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) }).strict().optional(),
    jwt: z.object({ keysFile: z.string().min(1), issuer: z.string().min(1), audience: z.string().min(1) }).strict().optional(),
  })
  .strict()
  .refine((f) => f.jwt !== undefined || f.principals.every((p) => p.subject === undefined), 'principals with a subject need the "jwt" section');

export interface ControllerPrincipal {
  readonly identity: string;
  readonly role: ControllerRole;
}

export interface ControllerTls {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** The controller's side: the principals it accepts and, optionally, its TLS certificate. */
export interface ControllerAuth {
  readonly tls: ControllerTls | undefined;
  /** The principal whose token the call carries; rejects CONTROLLER_UNAUTHENTICATED otherwise. */
  authenticate(metadata: Metadata): Promise<ControllerPrincipal>;
}

/** JWT principals: tokens verified with jose against these keys, issuer and audience; `sub` names the principal. */
export interface ControllerJwt {
  readonly keys: JWTVerifyGetKey;
  readonly issuer: string;
  readonly audience: string;
  readonly clockSkewSec?: number;
}

export type ControllerPrincipalEntry = ControllerPrincipal & ({ readonly token: string; readonly subject?: undefined } | { readonly subject: string; readonly token?: undefined });

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export function createControllerAuth(principals: readonly ControllerPrincipalEntry[], tls?: ControllerTls, jwt?: ControllerJwt): ControllerAuth {
  const known = principals.flatMap((p) => (p.token === undefined ? [] : [{ identity: p.identity, role: p.role, digest: digest(tokenSchema.parse(p.token)) }]));
  const bySubject = new Map(principals.flatMap((p) => (p.subject === undefined ? [] : [[p.subject, { identity: p.identity, role: p.role }] as const])));
  if (bySubject.size > 0 && jwt === undefined) throw new KizunaError('INVALID_CONFIG', 'Principals named by a JWT subject need JWT keys, an issuer and an audience.');

  const byJwt = async (token: string): Promise<ControllerPrincipal | undefined> => {
    if (jwt === undefined || !JWT_SHAPE.test(token)) return undefined;
    let subject: unknown;
    try {
      ({ payload: { sub: subject } } = await jwtVerify(token, jwt.keys, {
        algorithms: [...JWT_ALGORITHMS],
        issuer: jwt.issuer,
        audience: jwt.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: jwt.clockSkewSec ?? 30,
      }));
    } catch (error) {
      throw new KizunaError('CONTROLLER_UNAUTHENTICATED', `The controller refused the JWT: ${error instanceof Error ? error.message : String(error)}.`, undefined, { cause: error });
    }
    const principal = typeof subject === 'string' ? bySubject.get(subject) : undefined;
    if (principal === undefined) throw new KizunaError('CONTROLLER_UNAUTHENTICATED', `The JWT's subject is not a principal of this controller.`, { subject });
    return principal;
  };

  return {
    tls,
    async authenticate(metadata) {
      const header = metadata.get('authorization')[0];
      const value = typeof header === 'string' ? header : header?.toString('utf8');
      if (value === undefined || value.length > MAX_AUTHORIZATION_LENGTH || !/^Bearer /i.test(value)) {
        throw new KizunaError('CONTROLLER_UNAUTHENTICATED', 'The controller needs "authorization: Bearer <token>" on every call.');
      }
      const token = value.slice('Bearer '.length).trim();
      const presented = digest(token);
      // Compare with every principal (no early exit) so timing says nothing about which one matched.
      let match: ControllerPrincipal | undefined;
      for (const p of known) if (timingSafeEqual(p.digest, presented) && match === undefined) match = { identity: p.identity, role: p.role };
      match ??= await byJwt(token);
      if (match === undefined) throw new KizunaError('CONTROLLER_UNAUTHENTICATED', 'The controller does not know this token.');
      return match;
    },
  };
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new KizunaError('INVALID_CONFIG', `The ${what} ${path} cannot be read.`, { path }, { cause: error });
  }
}

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readText(path, what)) as unknown;
  } catch (error) {
    if (error instanceof KizunaError) throw error;
    throw new KizunaError('INVALID_CONFIG', `The ${what} ${path} is not JSON.`, { path }, { cause: error });
  }
}

const relativeTo = (file: string, path: string): string => (isAbsolute(path) ? path : resolve(dirname(file), path));

/** Reads `kizuna controller --auth FILE`; INVALID_CONFIG with the reason if it is not valid. */
export function loadControllerAuthFile(path: string): ControllerAuth {
  const parsed = controllerAuthFileSchema.safeParse(readJson(path, 'controller auth file'));
  if (!parsed.success) throw new KizunaError('INVALID_CONFIG', `The controller auth file ${path} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`, { path });
  const { principals, tls, jwt } = parsed.data;
  const seen = new Set<string>();
  const entries: ControllerPrincipalEntry[] = [];
  for (const p of principals) {
    const credential = p.token ?? `sub:${p.subject ?? ''}`;
    if (seen.has(credential)) throw new KizunaError('INVALID_CONFIG', `Two principals in ${path} share a token or subject; each identity needs its own.`, { path });
    seen.add(credential);
    entries.push(p.token !== undefined ? { identity: p.identity, role: p.role, token: p.token } : { identity: p.identity, role: p.role, subject: p.subject ?? '' });
  }
  const tlsFiles = tls === undefined ? undefined : { cert: Buffer.from(readText(relativeTo(path, tls.certFile), 'TLS certificate')), key: Buffer.from(readText(relativeTo(path, tls.keyFile), 'TLS key')) };
  const jwtKeys = jwt === undefined ? undefined : { keys: keyResolverFromFile(relativeTo(path, jwt.keysFile)), issuer: jwt.issuer, audience: jwt.audience };
  return createControllerAuth(entries, tlsFiles, jwtKeys);
}

/** A client's side (`kizuna node --controller-auth FILE`): its token and, for a TLS controller, the CA to trust. */
export interface ControllerClientAuth {
  readonly token: string;
  /** PEM of the CA that signed the controller's certificate (TLS); absent for a plaintext loopback controller. */
  readonly caFile?: string;
}

const clientAuthFileSchema = z.object({ token: tokenSchema, caFile: z.string().min(1).optional() }).strict();

/** Reads a client auth file: JSON `{ "token": "…", "caFile": "ca.pem" }`, or a file holding just the token. */
export function loadControllerClientAuthFile(path: string): ControllerClientAuth {
  const raw = readText(path, 'controller auth file').trim();
  const value: unknown = raw.startsWith('{') ? readJson(path, 'controller auth file') : { token: raw };
  const parsed = clientAuthFileSchema.safeParse(value);
  if (!parsed.success) throw new KizunaError('INVALID_CONFIG', `The controller auth file ${path} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'token'}: ${i.message}`).join('; ')}.`, { path });
  return parsed.data.caFile === undefined ? { token: parsed.data.token } : { token: parsed.data.token, caFile: relativeTo(path, parsed.data.caFile) };
}

/** 127.0.0.0/8, ::1 and localhost: the only binds allowed without authentication. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
