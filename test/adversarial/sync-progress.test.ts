import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import { REPLY_MAX_BYTES } from '../../main/core/engine/engine-channels.js';
import { engineContextOf } from '../../main/core/engine/engine-internals.js';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import { buildEnvelope } from '../../main/core/envelopes/envelope-builder.js';
import { encodeWire } from '../../main/core/wire/wire-codec.js';
import { MAX_ENVELOPE_BYTES } from '../../main/core/wire/wire-schemas.js';
import { withPadding } from './attack-kit.js';
import { hostileWorld, joinedGroup, publishRaw, type HostileWorld } from './hostile-world.js';

/**
 * Issue 8, class 5: a sync reply always makes progress. An envelope too large to fit in any reply
 * (a member padded its content; no client builds one) used to end every reply as `more` with nothing
 * in it, so a member catching up stopped there for good. It is skipped, counted, and the asker's
 * cursor moves past it.
 */
describe('sync progress past an oversized envelope (over a real SLIM node)', () => {
  let w: HostileWorld;
  let alice: Engine, bob: Engine, carol: Engine;
  let g: string;
  let gid: Uint8Array;

  beforeAll(async () => {
    w = await hostileWorld(['alice', 'bob', 'carol']);
    const engine = (name: string): Engine => (w.people[name] as { engine: Engine }).engine;
    [alice, bob, carol] = ['alice', 'bob', 'carol'].map(engine) as [Engine, Engine, Engine];
    g = await joinedGroup(alice, [bob, carol], 'none', 'progress');
    gid = fromBase64Url(g) as Uint8Array;
  });
  afterAll(async () => w.close());

  it('skips an envelope larger than any reply (sync-envelope-too-large); the ones after it arrive and the cursor passes it', async () => {
    await w.offline('carol');
    // bob pads a message of his (his own next sequence number) past the reply budget; alice stores it.
    const ctx = engineContextOf(bob);
    const seq = ctx.store.write.log.takeOwnSeq(gid);
    const body = withPadding(encodeWire('Content', { kind: 'text', text: { text: 'padded past any reply' } }), REPLY_MAX_BYTES + 16 * 1024);
    const big = buildEnvelope(ctx.self(), { groupId: gid, epoch: bob.getGroup(g).epoch, type: 'MESSAGE', seq, sentAt: Date.now(), body });
    expect(big.bytes.byteLength).toBeGreaterThan(REPLY_MAX_BYTES);
    expect(big.bytes.byteLength).toBeLessThanOrEqual(MAX_ENVELOPE_BYTES);
    const relay = await w.raw('kizuna/attackers/relay');
    const stored = alice.events.waitFor('message', (m) => m.text === 'padded past any reply', 30_000);
    publishRaw(relay, { group: g }, big.bytes, 'MESSAGE', g);
    await stored;
    const after = alice.events.waitFor('message', (m) => m.text === 'after two', 30_000);
    await bob.sendText(g, 'after one');
    await bob.sendText(g, 'after two');
    await after;
    // Only alice (the admin, who serves everyone's envelopes) is left to answer carol.
    await w.offline('bob');

    const skipped = alice.events.waitFor('dropped', (d) => d.reason === 'sync-envelope-too-large' && d.groupId === g, 30_000);
    const first = carol.events.waitFor('message', (m) => m.text === 'after one', 30_000);
    const second = carol.events.waitFor('message', (m) => m.text === 'after two', 30_000);
    await w.online('carol');
    await Promise.all([skipped, first, second]);
    await carol.inbox.idle();
    expect(carol.channels.missing(gid)).toBe(0);
    expect(carol.latestMessages(g, 50).messages.map((m) => m.text)).not.toContain('padded past any reply');
  });
});
