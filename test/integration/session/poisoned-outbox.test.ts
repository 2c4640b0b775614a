import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/core/engine/engine.js';
import { SessionLayer } from '../../../main/core/session/session-layer.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { MAX_ENVELOPE_BYTES } from '../../../main/core/wire/wire-schemas.js';
import { FAST_CLIENT_OPTIONS, createSlimTestKit, type SlimTestKit } from '../../helpers/slim-test-kit.js';
import { introduce, newUser, tempDir, userId } from '../../helpers/test-engines.js';

/** Generous: the waits end on events; this only bounds a failure on a machine shared with many others. */
const WAIT_MS = 30_000;
const FAST = { ackTimeoutMs: 500, heartbeatMs: 500, gapCheckMs: 200, directRetryCapMs: 500, transport: FAST_CLIENT_OPTIONS };
const bytesOf = (id: string): Uint8Array => new Uint8Array(Buffer.from(id, 'base64url'));

describe('a poisoned outbox job over a real SLIM node', () => {
  let kit: SlimTestKit;
  let node: SlimNodeHandle;
  let dir: ReturnType<typeof tempDir>;
  let users: { engine: Engine; session: SessionLayer }[];

  beforeEach(async () => {
    kit = createSlimTestKit();
    node = await kit.startNode();
    dir = tempDir();
    users = [];
    for (const name of ['alice', 'bob', 'carol']) {
      const { engine } = await newUser(dir.path, name);
      const session = new SessionLayer(engine, { endpoint: node.endpoint, ...FAST });
      session.start();
      users.push({ engine, session });
    }
    introduce(...users.map((u) => u.engine));
    await Promise.all(users.map((u) => u.session.waitOnline(WAIT_MS)));
  });

  afterEach(async () => {
    for (const u of users) {
      await u.session.close();
      await u.engine.close();
    }
    await kit.dispose();
    dir.cleanup();
  });

  it('fails visibly, with its reason, while the outbox keeps draining the jobs after it', { timeout: 120_000 }, async () => {
    const [alice, bob, carol] = users.map((u) => u.engine) as [Engine, Engine, Engine];
    const g = await alice.createGroup({ name: 'Poison', members: [userId(bob), userId(carol)], mode: 'none' });
    await Promise.all(
      [bob, carol].map(async (e) => {
        await e.events.waitFor('invitation', (i) => i.groupId === g.groupId && i.state === 'pending', WAIT_MS);
        const joined = e.events.waitFor('group', (x) => x.groupId === g.groupId && x.myState === 'joined', WAIT_MS);
        await e.acceptInvitation(g.groupId);
        await joined;
      }),
    );

    // Three jobs that can never go out, queued ahead of a real message: a stored row that does not
    // parse (an envelope type that does not exist), a name SLIM cannot route, and bytes larger than
    // any envelope. A direct job is retried until acked, so a stuck one would be retried for ever.
    const now = Date.now();
    const poison = (type: string, slimName: string, bytes: Uint8Array): Uint8Array => {
      const envelopeId = new Uint8Array(randomBytes(32));
      const job = { envelopeId, groupId: bytesOf(g.groupId), type, seq: 0, destination: 'user' as const, recipient: bytesOf(userId(bob)) };
      alice.store.write.queue.addOutbox({ ...job, slimName, bytes, messageId: null, nextAttemptAt: now, createdAt: now });
      return envelopeId;
    };
    const bob0 = bob.getIdentity()?.slimName ?? '';
    const unreadable = poison('NOT_A_TYPE', bob0, new Uint8Array([1, 2, 3]));
    const badName = poison('INVITE', 'not a slim name', new Uint8Array([1, 2, 3]));
    const tooLarge = poison('INVITE', bob0, new Uint8Array(MAX_ENVELOPE_BYTES + 1));

    const atBob = bob.events.waitFor('message', (m) => m.text === 'after the poison', WAIT_MS);
    const delivered = alice.events.waitFor('send-state', (s) => s.groupId === g.groupId && s.state === 'delivered', WAIT_MS);
    const sent = await alice.sendText(g.groupId, 'after the poison');
    await atBob;
    expect((await delivered).messageId).toBe(sent.id);

    const job = (id: Uint8Array) => alice.store.read.queue.outboxByEnvelope(id)[0];
    // The message went out through the outbox itself (catch-up alone would have brought it to bob too).
    expect(job(bytesOf(sent.id))?.attempts).toBeGreaterThan(0);
    expect(job(unreadable)?.state).toBe('failed');
    expect(job(unreadable)?.lastError).toMatch(/^stored job unreadable: type/);
    expect(job(badName)?.state).toBe('failed');
    expect(job(badName)?.lastError).toMatch(/^INVALID_SLIM_NAME: /);
    expect(job(tooLarge)?.state).toBe('failed');
    expect(job(tooLarge)?.lastError).toMatch(/^ENVELOPE_TOO_LARGE: /);
    // Failed once, not retried: nothing of them is due any more.
    expect(alice.outbox.due(10_000).some((j) => [unreadable, badName, tooLarge].some((id) => Buffer.from(id).equals(Buffer.from(j.envelopeId))))).toBe(false);
    expect(alice.stats().outbox.failed).toBe(3);
  });
});
