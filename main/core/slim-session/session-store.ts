/**
 * What a SLIM endpoint keeps across restarts, so that a restarted member comes back as the same member
 * (same token id, hence the same name id and MLS identity) and rejoins its sessions: SLIM's moderator
 * re-adds a member that asks (REJOIN_REQUEST) under the same identity. One JSON file, owner-only,
 * replaced atomically; read back through a schema (the file is ours, but a damaged one must not crash us).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { WireName } from '../transport/slim-wire-types.js';

const u64 = z.union([z.number(), z.object({ low: z.number(), high: z.number(), unsigned: z.boolean().optional() })]);
const wireName = z.object({
  name: z.object({
    component_0: u64.optional(),
    component_1: u64.optional(),
    component_2: u64.optional(),
    name_id: z.object({ id_0: u64.optional(), id_1: u64.optional() }).optional(),
  }),
  str_name: z.object({ str_component_0: z.string().optional(), str_component_1: z.string().optional(), str_component_2: z.string().optional() }).optional(),
});

const storedSession = z.object({
  sessionId: z.number().int().min(0).max(0xffff_ffff),
  moderator: wireName,
  channel: wireName,
  control: wireName,
  timer: z.object({ timeoutMs: z.number().int().positive(), maxRetries: z.number().int().min(0) }).optional(),
  mls: z.boolean(),
  nextDataId: z.number().int().min(0),
  roster: z.array(wireName).max(10_000).default([]),
});

const storeSchema = z.object({
  version: z.literal(1),
  tokenId: z.string().min(1).max(512),
  privateScalar: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{87}$/),
  sessions: z.array(storedSession).max(256),
});

export interface StoredSession {
  readonly sessionId: number;
  readonly moderator: WireName;
  readonly channel: WireName;
  readonly control: WireName;
  readonly timer?: { readonly timeoutMs: number; readonly maxRetries: number };
  readonly mls: boolean;
  readonly nextDataId: number;
  /** Members' full names when last seen. */
  readonly roster?: readonly WireName[];
}

export interface StoredEndpoint {
  readonly tokenId: string;
  readonly privateScalar: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly sessions: readonly StoredSession[];
}

export interface SlimSessionStore {
  load(): StoredEndpoint | undefined;
  save(state: StoredEndpoint): void;
}

export function fileSessionStore(path: string): SlimSessionStore {
  return {
    load() {
      if (!existsSync(path)) return undefined;
      let parsed: z.infer<typeof storeSchema>;
      try {
        parsed = storeSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
      } catch (error) {
        throw new KizunaError('STORE_CORRUPT', 'The SLIM session state file is damaged.', { reason: error instanceof Error ? error.message : String(error) });
      }
      return {
        tokenId: parsed.tokenId,
        privateScalar: new Uint8Array(Buffer.from(parsed.privateScalar, 'base64url')),
        publicKey: new Uint8Array(Buffer.from(parsed.publicKey, 'base64url')),
        sessions: parsed.sessions as StoredSession[],
      };
    },
    save(state) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const body = {
        version: 1,
        tokenId: state.tokenId,
        privateScalar: Buffer.from(state.privateScalar).toString('base64url'),
        publicKey: Buffer.from(state.publicKey).toString('base64url'),
        sessions: state.sessions,
      };
      const temp = `${path}.tmp`;
      writeFileSync(temp, JSON.stringify(body), { mode: 0o600 });
      chmodSync(temp, 0o600);
      renameSync(temp, path);
    },
  };
}
