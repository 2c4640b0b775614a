/**
 * Which authenticated identity owns which node id. The first node principal to register a node id owns it
 * from then on (kept across restarts in node-identities.json, owner-only): a registration under that id
 * from any other identity is refused with NODE_ID_TAKEN, so a second token cannot take a node's place and
 * receive its links and routes. Only used when the controller authenticates its callers.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';

/** Authenticated nodes only, but still a bound on what the file can grow to. */
export const MAX_BOUND_NODE_IDS = 10_000;

const fileSchema = z.record(z.string(), z.object({ identity: z.string(), boundAt: z.number() }));

export interface NodeIdentities {
  /** Binds `nodeId` to `identity` on first use; NODE_ID_TAKEN if another identity holds it. */
  claim(nodeId: string, identity: string, now: number): void;
  owner(nodeId: string): string | undefined;
}

export function openNodeIdentities(path: string): NodeIdentities {
  let bound: Record<string, { identity: string; boundAt: number }> = {};
  try {
    bound = fileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new KizunaError('INVALID_CONFIG', `The controller's node identity file ${path} is damaged; fix or remove it.`, { path }, { cause: error });
    }
  }
  const save = (): void => {
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, JSON.stringify(bound), { mode: 0o600 });
    renameSync(tmp, path);
  };
  return {
    claim(nodeId, identity, now) {
      const held = bound[nodeId];
      if (held !== undefined) {
        if (held.identity === identity) return;
        throw new KizunaError('NODE_ID_TAKEN', `The node id ${nodeId} belongs to another identity; "${identity}" may not register under it.`, { node: nodeId, identity });
      }
      if (Object.keys(bound).length >= MAX_BOUND_NODE_IDS) throw new KizunaError('INVALID_INPUT', 'The controller knows too many node ids.', { node: nodeId });
      bound = { ...bound, [nodeId]: { identity, boundAt: now } };
      save();
    },
    owner: (nodeId) => bound[nodeId]?.identity,
  };
}
