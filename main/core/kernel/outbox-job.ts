import { z } from 'zod';
import { envelopeTypeSchema } from '../wire/wire-schemas.js';

/**
 * A stored outbox job, as the outbox hands it out: every row read back from SQLite is parsed by this
 * schema first (a database edited by hand, damaged, or written by another version is input like any
 * other), and a row that does not parse is marked failed with the reason instead of being published.
 */
const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes');
const id32 = bytes.refine((b) => b.byteLength === 32, 'expected 32 bytes');

const jobStateSchema = z.enum(['pending', 'sent', 'acked', 'failed', 'cancelled']);

/** Exported for the test that holds the hand check (commonOutboxJob) to it; callers use parseOutboxJob. */
export const outboxJobSchema = z
  .object({
    id: z.number().int().positive(),
    envelopeId: id32,
    groupId: id32,
    type: envelopeTypeSchema,
    seq: z.number().int().nonnegative(),
    destination: z.enum(['group', 'user']),
    recipient: id32.nullable(),
    slimName: z.string().min(1).max(1024),
    // Size is the transport's question (a job too large to publish fails there, with that reason).
    bytes: bytes.refine((b) => b.byteLength > 0, 'no envelope bytes'),
    messageId: id32.nullable(),
    state: jobStateSchema,
    attempts: z.number().int().nonnegative(),
    nextAttemptAt: z.number().int(),
    createdAt: z.number().int(),
    lastError: z.string().nullable(),
  })
  .refine((j) => (j.destination === 'user') === (j.recipient !== null), { message: 'a direct job names its recipient, a channel job none', path: ['recipient'] });

export type OutboxJob = z.infer<typeof outboxJobSchema>;

const TYPES: ReadonlySet<unknown> = new Set(envelopeTypeSchema.options);
const STATES: ReadonlySet<unknown> = new Set(jobStateSchema.options);

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const isId = (v: unknown): v is Uint8Array => v instanceof Uint8Array && v.byteLength === 32;
/** Safe integers only (zod's .int() is no wider), finite and not NaN. */
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);

/**
 * The common row, checked by hand: what the outbox writes itself, field by field as the schema asks.
 * A row this accepts, the schema accepts the same (test/unit/core/kernel/outbox-job-parse.test.ts);
 * anything else goes to the schema, which accepts or explains. zod was ~5% of a round trip's CPU (issue 13).
 */
export function commonOutboxJob(r: unknown): OutboxJob | undefined {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return undefined;
  const o = r as Record<string, unknown>;
  const { id, envelopeId, groupId, type, seq, destination, recipient, slimName, bytes: body, messageId, state, attempts, nextAttemptAt, createdAt, lastError } = o;
  if (!(isInt(id) && id > 0 && isId(envelopeId) && isId(groupId) && TYPES.has(type) && isInt(seq) && seq >= 0)) return undefined;
  const channel = destination === 'group' && recipient === null;
  if (!channel && !(destination === 'user' && isId(recipient))) return undefined;
  if (!(typeof slimName === 'string' && slimName.length >= 1 && slimName.length <= 1024 && isBytes(body) && body.byteLength > 0)) return undefined;
  if (!((messageId === null || isId(messageId)) && STATES.has(state) && isInt(attempts) && attempts >= 0)) return undefined;
  if (!(isInt(nextAttemptAt) && isInt(createdAt) && (lastError === null || typeof lastError === 'string'))) return undefined;
  // A new object with the schema's keys only, as zod's parse returns (extra columns left behind).
  return {
    id, envelopeId, groupId, type: type as OutboxJob['type'], seq, destination: channel ? 'group' : 'user', recipient: channel ? null : (recipient as Uint8Array), slimName, bytes: body, messageId,
    state: state as OutboxJob['state'], attempts, nextAttemptAt, createdAt, lastError,
  };
}

/** The job, or why the stored row is not one (a sentence for its last_error). */
export function parseOutboxJob(row: unknown): { job: OutboxJob } | { problem: string } {
  const fast = commonOutboxJob(row);
  if (fast !== undefined) return { job: fast };
  const parsed = outboxJobSchema.safeParse(row);
  if (parsed.success) return { job: parsed.data };
  const issue = parsed.error.issues[0];
  return { problem: `stored job unreadable: ${issue?.path.join('.') || 'row'}: ${issue?.message ?? 'invalid'}` };
}
