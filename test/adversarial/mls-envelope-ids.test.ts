import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import { encodeWire } from '../../main/core/wire/wire-codec.js';
import type { EncryptionMode } from '../../shared/domain/views.js';
import { createWorld, joinedGroup, type TestWorld } from '../helpers/test-world.js';
import { openSigned, queued, verdictOf, withUnknownField, wrap } from './attack-kit.js';

/**
 * Class 4 of issue 8: an outsider who records a genuine message re-encodes it (same content, other
 * bytes) and gets it to a member first. The member must refuse the copy, store the genuine message
 * under its genuine id, and not drop the genuine one as an equivocation.
 */
describe.each<EncryptionMode>(['mls', 'sealed', 'none'])('re-encoded envelopes (%s)', (mode) => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine;
  let groupId: string;

  beforeAll(async () => {
    world = await createWorld('alice', 'bob', 'carol');
    [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
    groupId = await joinedGroup(world, alice, [bob, carol], mode);
  });
  afterAll(() => world.close());

  async function genuine(text: string): Promise<{ id: string; bytes: Uint8Array }> {
    const sent = await bob.sendText(groupId, text);
    return { id: sent.id, bytes: queued(bob, 'MESSAGE') };
  }

  it('an unknown field added to the signed envelope is refused; the genuine copy keeps its id', async () => {
    const g = await genuine('one');
    const { envelopeBytes, signature } = openSigned(g.bytes);
    const copy = wrap(withUnknownField(envelopeBytes), signature);
    expect(await verdictOf(carol, copy)).not.toBe('accepted');
    expect(await verdictOf(carol, g.bytes)).toBe('accepted');
    const shown = carol.latestMessages(groupId, 10).messages.filter((m) => m.text === 'one');
    expect(shown.map((m) => m.id)).toEqual([g.id]);
  });

  it('a recipient set on a channel message (re-encoded canonically) is refused', async () => {
    const g = await genuine('two');
    const { envelope, signature } = openSigned(g.bytes);
    const copy = wrap(encodeWire('Envelope', { ...envelope, recipient: fromBase64Url(carol.getIdentity()!.userId) }), signature);
    expect(await verdictOf(carol, copy)).not.toBe('accepted');
    expect(await verdictOf(carol, g.bytes)).toBe('accepted');
    expect(carol.latestMessages(groupId, 10).messages.filter((m) => m.text === 'two').map((m) => m.id)).toEqual([g.id]);
  });

  it('a re-wrapped signed envelope (unknown field outside the signature) is refused', async () => {
    const g = await genuine('three');
    expect(await verdictOf(carol, withUnknownField(g.bytes))).not.toBe('accepted');
    expect(await verdictOf(carol, g.bytes)).toBe('accepted');
    expect(carol.latestMessages(groupId, 10).messages.filter((m) => m.text === 'three').map((m) => m.id)).toEqual([g.id]);
  });

  it('a garbage outer signature on a genuine MLS body is refused', async () => {
    const g = await genuine('four');
    const { envelopeBytes } = openSigned(g.bytes);
    expect(await verdictOf(carol, wrap(envelopeBytes, new Uint8Array(64)))).toBe('envelope-bad-signature');
    expect(await verdictOf(carol, g.bytes)).toBe('accepted');
  });
});
