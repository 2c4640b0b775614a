import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreProcess } from '../../helpers/core-process.js';
import { expectCode } from '../../helpers/expect-code.js';
import { tempDir } from '../../helpers/test-engines.js';

// No SLIM node: the core starts and serves local requests while its session keeps retrying.
const NO_NODE = 'http://127.0.0.1:9';

describe('the core-process test helper', () => {
  let dir: ReturnType<typeof tempDir>;
  let core: CoreProcess;
  beforeEach(() => {
    dir = tempDir();
    core = new CoreProcess(dir.path, 'ann', NO_NODE);
  });
  afterEach(async () => {
    await core.close();
    dir.cleanup();
  });

  it('refuses a request before start with a typed error, and queues one made while the child starts', async () => {
    await expectCode(core.invoke('identity.get', {}), 'HOST_UNAVAILABLE');
    const starting = core.start();
    // Sent before the child is ready: answered once it is, not dropped.
    const early = core.invoke('identity.create', { displayName: 'ann' });
    await starting;
    expect((await early).displayName).toBe('ann');
  }, 30_000);

  it('survives the child dying: requests in flight and after fail with a typed error, the parent stays up', async () => {
    await core.start();
    // Its outcome observed at once: it may fail while the kill is awaited (the child's exit, or a send into the
    // closed pipe), and a rejection nobody handles yet is an unhandled error that fails the whole run.
    const inFlight = core.invoke('identity.create', { displayName: 'ann' }).then(() => 'answered', (e: { code?: string }) => e.code);
    await core.kill();
    // Sent right after the death, before the helper has seen much: a closed channel, not a crash.
    const after = core.invoke('identity.get', {});
    await expect(inFlight).resolves.toMatch(/^(answered|HOST_UNAVAILABLE)$/);
    await expectCode(after, 'HOST_UNAVAILABLE');
    await expectCode(core.stats(), 'HOST_UNAVAILABLE');
  }, 30_000);

  it('sends its events (contacts.verify emits one before it answers) unless started without them', async () => {
    const quiet = new CoreProcess(dir.path, 'bob', NO_NODE, undefined, { events: false });
    try {
      await core.start();
      await quiet.start();
      const ann = await core.invoke('identity.create', { displayName: 'ann' });
      const bob = await quiet.invoke('identity.create', { displayName: 'bob' });
      const bobAtAnn = await core.invoke('contacts.add', { card: bob.card });
      const annAtBob = await quiet.invoke('contacts.add', { card: ann.card });

      // One channel, in order: the event is here by the time the answer is.
      const seen: string[] = [];
      core.on('contact', (p) => seen.push(p.userId));
      await core.invoke('contacts.verify', { userId: bobAtAnn.userId });
      expect(seen).toEqual([bobAtAnn.userId]);

      // The benchmarks' members: the same request, and nothing comes back but the answer.
      await quiet.invoke('contacts.verify', { userId: annAtBob.userId });
      expect(quiet.eventsReceived).toBe(0);
      expect(() => quiet.on('contact', () => undefined)).toThrow(/without events/);
    } finally {
      await quiet.close();
    }
  }, 30_000);
});
