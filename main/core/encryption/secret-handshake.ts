import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { announceOutbox, queueToChannel } from '../kernel/outbox-writer.js';
import { buildEnvelope } from '../envelopes/envelope-builder.js';
import { encodeWire } from '../wire/wire-codec.js';

/**
 * Seed 004's handshake_secret for the asynchronous case: a member who holds messages of an epoch
 * without its secret asks the group; any member holding it answers (checked against the admin's
 * commitment on arrival). Requests for the same epoch are spaced out so a backlog asks once.
 */
const REQUEST_SPACING_MS = 15_000;
const lastAsked = new WeakMap<EngineContext, Map<string, number>>();

export function requestMissingSecret(ctx: EngineContext, groupId: Uint8Array, epoch: number): void {
  requestSecrets(ctx, groupId, [epoch]);
}

export function requestSecrets(ctx: EngineContext, groupId: Uint8Array, epochs: number[]): void {
  const now = ctx.now();
  let asked = lastAsked.get(ctx);
  if (asked === undefined) {
    asked = new Map();
    lastAsked.set(ctx, asked);
  }
  const due = epochs.filter((e) => (asked.get(`${toBase64Url(groupId)}:${e}`) ?? -Infinity) + REQUEST_SPACING_MS <= now);
  if (due.length === 0) return;
  for (const e of due) asked.set(`${toBase64Url(groupId)}:${e}`, now);
  const body = encodeWire('SecretRequest', { epochs: due });
  // The envelope's epoch is one the asker is a member of, so receivers can check it like any other.
  const built = buildEnvelope(ctx.self(), { groupId, epoch: Math.max(...due), type: 'SECRET_REQUEST', seq: 0, sentAt: now, body });
  ctx.store.transaction(() => queueToChannel(ctx, built));
  announceOutbox(ctx, groupId);
}

/** get_needed_group_members_hashes: every sealed-mode epoch we belong to but hold no secret for. */
export function missingSecretEpochs(ctx: EngineContext, groupId: Uint8Array): number[] {
  const self = ctx.self();
  const have = new Set(ctx.store.read.keys.secretEpochs(groupId));
  return ctx.store.read.groups
    .epochs(groupId)
    .map((e) => e.epoch)
    .filter((epoch) => !have.has(epoch) && (ctx.store.read.groups.roster(groupId, epoch) ?? []).some((m) => bytesEqual(m, self.userId)));
}

/** On start and on reconnect: ask for every missing secret of every sealed group we are in. */
export function requestAllMissingSecrets(ctx: EngineContext): void {
  for (const g of ctx.store.read.groups.list()) {
    if (g.mode !== 'sealed' || (g.myState !== 'joined' && g.myState !== 'left' && g.myState !== 'removed')) continue;
    const missing = missingSecretEpochs(ctx, g.groupId);
    if (missing.length > 0) requestSecrets(ctx, g.groupId, missing);
  }
}
