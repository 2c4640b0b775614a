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
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Metadata } from '@grpc/grpc-js';
import { z } from 'zod';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';

export type ControllerRole = 'operator' | 'node';

/** Long enough that guessing is hopeless (32 characters of a random base64/hex token ≥ 128 bits). */
export const MIN_TOKEN_LENGTH = 32;
const MAX_TOKEN_LENGTH = 4096;
/** An unauthenticated caller cannot make us hash megabytes: longer headers are refused unread. */
const MAX_AUTHORIZATION_LENGTH = MAX_TOKEN_LENGTH + 16;

const tokenSchema = z.string().min(MIN_TOKEN_LENGTH).max(MAX_TOKEN_LENGTH).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

const controllerAuthFileSchema = z
  .object({
    principals: z
      .array(z.object({ identity: z.string().min(1).max(128), role: z.enum(['operator', 'node']), token: tokenSchema }).strict())
      .min(1)
      .max(1000),
    tls: z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) }).strict().optional(),
  })
  .strict();

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
  /** The principal whose token the call carries; CONTROLLER_UNAUTHENTICATED otherwise. */
  authenticate(metadata: Metadata): ControllerPrincipal;
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function createControllerAuth(principals: readonly (ControllerPrincipal & { readonly token: string })[], tls?: ControllerTls): ControllerAuth {
  const known = principals.map((p) => ({ identity: p.identity, role: p.role, digest: digest(tokenSchema.parse(p.token)) }));
  return {
    tls,
    authenticate(metadata) {
      const header = metadata.get('authorization')[0];
      const value = typeof header === 'string' ? header : header?.toString('utf8');
      if (value === undefined || value.length > MAX_AUTHORIZATION_LENGTH || !/^Bearer /i.test(value)) {
        throw new KizunaError('CONTROLLER_UNAUTHENTICATED', 'The controller needs "authorization: Bearer <token>" on every call.');
      }
      const presented = digest(value.slice('Bearer '.length).trim());
      // Compare with every principal (no early exit) so timing says nothing about which one matched.
      let match: ControllerPrincipal | undefined;
      for (const p of known) if (timingSafeEqual(p.digest, presented) && match === undefined) match = { identity: p.identity, role: p.role };
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
  const { principals, tls } = parsed.data;
  const seen = new Set<string>();
  for (const p of principals) {
    if (seen.has(p.token)) throw new KizunaError('INVALID_CONFIG', `Two principals in ${path} share a token; each identity needs its own.`, { path });
    seen.add(p.token);
  }
  const tlsFiles = tls === undefined ? undefined : { cert: Buffer.from(readText(relativeTo(path, tls.certFile), 'TLS certificate')), key: Buffer.from(readText(relativeTo(path, tls.keyFile), 'TLS key')) };
  return createControllerAuth(principals, tlsFiles);
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
