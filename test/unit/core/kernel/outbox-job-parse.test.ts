import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { commonOutboxJob, outboxJobSchema, parseOutboxJob } from '../../../../main/core/kernel/outbox-job.js';
import { envelopeTypeSchema } from '../../../../main/core/wire/wire-schemas.js';
import { introduce, newUser, tempDir, userId } from '../../../helpers/test-engines.js';

/**
 * Outbox rows are checked by hand before zod (zod was ~5% of a round trip's CPU, issue 13). The hand
 * check may only take a shortcut: every row it accepts, zod accepts with the same job; every row zod
 * rejects, parseOutboxJob rejects with zod's reason. And the rows the outbox really stores take it.
 */
const id32 = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);
const KEYS = ['id', 'envelopeId', 'groupId', 'type', 'seq', 'destination', 'recipient', 'slimName', 'bytes', 'messageId', 'state', 'attempts', 'nextAttemptAt', 'createdAt', 'lastError'] as const;

/** Mostly a value the schema takes, sometimes one at or past an edge of it. */
const field = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>): fc.Arbitrary<T | U> => fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });
const oddNumbers = fc.constantFrom<unknown>(Number.NaN, Infinity, -Infinity, 1.5, -0.5, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER, -0, '1', 1n, null, undefined, true);
const oddBytes = fc.constantFrom<unknown>(new Uint8Array(31), new Uint8Array(33), new Uint8Array(0), Buffer.alloc(32, 7), Array.from(id32(1)), new Uint16Array(16), new DataView(new ArrayBuffer(32)), 'AAAA', null, undefined, 0);
const bytesArb = fc.uint8Array({ minLength: 32, maxLength: 32 });

const rowArb = fc
  .record({
    id: field(fc.integer({ min: 1, max: 2 ** 40 }), fc.oneof(oddNumbers, fc.integer({ min: -3, max: 0 }))),
    envelopeId: field(bytesArb, oddBytes),
    groupId: field(bytesArb, oddBytes),
    type: field(fc.constantFrom(...envelopeTypeSchema.options), fc.constantFrom<unknown>('message', 'NOPE', '', 1, null, undefined)),
    seq: field(fc.nat(), fc.oneof(oddNumbers, fc.integer({ min: -3, max: -1 }))),
    destination: field(fc.constantFrom('group', 'user'), fc.constantFrom<unknown>('Group', 'users', '', null, undefined, 0)),
    recipient: field(fc.option(bytesArb, { freq: 2 }), oddBytes),
    slimName: field(
      fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('x'.repeat(1024), '😀'.repeat(512), 'é')),
      fc.constantFrom<unknown>('', 'x'.repeat(1025), '😀'.repeat(513), 7, null, undefined, new String('a')),
    ),
    bytes: field(fc.uint8Array({ minLength: 1, maxLength: 64 }), oddBytes),
    messageId: field(fc.option(bytesArb), oddBytes),
    state: field(fc.constantFrom('pending', 'sent', 'acked', 'failed', 'cancelled'), fc.constantFrom<unknown>('done', 'Pending', '', null, undefined, 1)),
    attempts: field(fc.nat({ max: 1000 }), fc.oneof(oddNumbers, fc.constant(-1))),
    nextAttemptAt: field(fc.integer({ min: -(2 ** 45), max: 2 ** 45 }), oddNumbers),
    createdAt: field(fc.integer({ min: -(2 ** 45), max: 2 ** 45 }), oddNumbers),
    lastError: field(fc.option(fc.string({ maxLength: 20 })), fc.constantFrom<unknown>(undefined, 0, false, {})),
  })
  .chain((row) =>
    fc.record({
      row: fc.constant(row),
      missing: fc.oneof({ weight: 8, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fc.subarray<string>([...KEYS], { minLength: 1, maxLength: 2 }) }),
      extra: fc.boolean(),
      prototype: fc.constantFrom('plain', 'plain', 'plain', 'null'),
    }),
  )
  .map(({ row, missing, extra, prototype }): unknown => {
    const out: Record<string, unknown> = prototype === 'null' ? Object.create(null) : {};
    for (const [k, v] of Object.entries(row)) if (!missing.includes(k)) out[k] = v;
    if (extra) out['rowid'] = 99; // a column the schema does not name: left out of the job
    return out;
  });

/** What zod alone says, as parseOutboxJob words it. */
function byZod(row: unknown): { job: unknown } | { problem: string } {
  const parsed = outboxJobSchema.safeParse(row);
  if (parsed.success) return { job: parsed.data };
  const issue = parsed.error.issues[0];
  return { problem: `stored job unreadable: ${issue?.path.join('.') || 'row'}: ${issue?.message ?? 'invalid'}` };
}

describe('outbox job parsing: the hand check agrees with the schema', () => {
  it('accepts only what zod accepts, as the same job; rejects what zod rejects, with its reason', () => {
    let fast = 0;
    let rejected = 0;
    fc.assert(
      fc.property(rowArb, (row) => {
        const zod = byZod(row);
        const hand = commonOutboxJob(row);
        if (hand !== undefined) {
          fast++;
          expect(zod).toStrictEqual({ job: hand });
        }
        if ('problem' in zod) rejected++;
        expect(parseOutboxJob(row)).toStrictEqual(zod);
      }),
      { numRuns: 3000 },
    );
    // Both sides were exercised, not one by luck of the generator.
    expect(fast).toBeGreaterThan(300);
    expect(rejected).toBeGreaterThan(300);
  });

  it('agrees on rows that are not objects, and on the destination/recipient pairing', () => {
    const good = {
      id: 1, envelopeId: id32(1), groupId: id32(2), type: 'MESSAGE', seq: 1, destination: 'group', recipient: null, slimName: 'a/b/c',
      bytes: new Uint8Array([1]), messageId: id32(3), state: 'pending', attempts: 0, nextAttemptAt: 0, createdAt: 0, lastError: null,
    };
    const rows: unknown[] = [
      null, undefined, 0, 'row', [], [good], new Map(Object.entries(good)),
      Object.assign([], good), // every field, on an array: zod wants an object
      good,
      { ...good, destination: 'user', recipient: id32(4) },
      { ...good, destination: 'user', recipient: null },
      { ...good, destination: 'group', recipient: id32(4) },
      Object.assign(Object.create({ lastError: null }) as object, { ...good, lastError: undefined }),
    ];
    for (const row of rows) {
      const zod = byZod(row);
      const hand = commonOutboxJob(row);
      if (hand !== undefined) expect(zod).toStrictEqual({ job: hand });
      expect(parseOutboxJob(row)).toStrictEqual(zod);
    }
    expect(commonOutboxJob(good)).toBeDefined();
    expect(commonOutboxJob({ ...good, destination: 'user', recipient: id32(4) })).toBeDefined();
  });
});

describe('outbox job parsing: rows the outbox really stores', () => {
  const dir = tempDir('kizuna-outbox-parse-');
  const engines: Engine[] = [];
  afterAll(async () => {
    for (const e of engines) await e.close();
    dir.cleanup();
  });

  it('take the hand-checked path, channel and direct jobs alike', async () => {
    const [alice, bob, carol] = (await Promise.all(['alice', 'bob', 'carol'].map(async (n) => (await newUser(dir.path, n)).engine))) as [Engine, Engine, Engine];
    engines.push(alice, bob, carol);
    introduce(alice, bob, carol);
    // No network: the invitations (direct jobs) and the message (a channel job) stay in alice's outbox.
    const { groupId } = await alice.createGroup({ name: 'parse', members: [userId(bob), userId(carol)], mode: 'none' });
    await alice.sendText(groupId, 'hi');
    const rows = alice.store.read.queue.dueOutbox(Date.now() + 3_600_000, 100);
    expect(new Set(rows.map((r) => r.destination))).toEqual(new Set(['group', 'user']));
    for (const row of rows) {
      const hand = commonOutboxJob(row);
      expect(hand).toBeDefined();
      expect(byZod(row)).toStrictEqual({ job: hand });
    }
  });
});
