import { z } from 'zod';
import { envelopeTypeSchema } from '../wire/wire-schemas.js';

/**
 * A stored outbox job, as the outbox hands it out: every row read back from SQLite is parsed by this
 * schema first (a database edited by hand, damaged, or written by another version is input like any
 * other), and a row that does not parse is marked failed with the reason instead of being published.
 */
const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes');
const id32 = bytes.refine((b) => b.byteLength === 32, 'expected 32 bytes');

const outboxJobSchema = z
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
    state: z.enum(['pending', 'sent', 'acked', 'failed', 'cancelled']),
    attempts: z.number().int().nonnegative(),
    nextAttemptAt: z.number().int(),
    createdAt: z.number().int(),
    lastError: z.string().nullable(),
  })
  .refine((j) => (j.destination === 'user') === (j.recipient !== null), { message: 'a direct job names its recipient, a channel job none', path: ['recipient'] });

export type OutboxJob = z.infer<typeof outboxJobSchema>;

/** The job, or why the stored row is not one (a sentence for its last_error). */
export function parseOutboxJob(row: unknown): { job: OutboxJob } | { problem: string } {
  const parsed = outboxJobSchema.safeParse(row);
  if (parsed.success) return { job: parsed.data };
  const issue = parsed.error.issues[0];
  return { problem: `stored job unreadable: ${issue?.path.join('.') || 'row'}: ${issue?.message ?? 'invalid'}` };
}
