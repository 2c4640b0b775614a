import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import { fromBase64Url } from '../../../main/core/encoding/base64url.js';
import type { Engine } from '../../../main/core/engine/engine.js';
import { engineContextOf } from '../../../main/core/engine/engine-internals.js';
import { buildEnvelope } from '../../../main/core/envelopes/envelope-builder.js';
import { generateBoxKeyPair } from '../../../main/core/crypto/box.js';
import { generateSigningKeyPair } from '../../../main/core/crypto/signing.js';
import { SessionLayer } from '../../../main/core/session/session-layer.js';
import { KIZUNA_PAYLOAD_TYPE } from '../../../main/core/session/session-options.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { FANOUT_ALL } from '../../../main/core/transport/slim-wire-enums.js';
import { encodeWire } from '../../../main/core/wire/wire-codec.js';
import type { SlimTestKit } from '../../helpers/slim-test-kit.js';
import { userId } from '../../helpers/test-engines.js';
import { IN_PROCESS_TIMINGS, sessionWorld, type SessionWorld } from './session-world.js';
import { waitUntil } from '../../helpers/wait-for.js';


/**
 * An ack lost for good (the member stored the envelopes, then died before its ack batch went out) is
 * made good by the member's next heartbeat; an outsider's heartbeat, or one forged in a member's
 * name, marks nothing delivered.
 */
describe('cumulative acks in heartbeats, over a real SLIM node', () => {
  let kit: SlimTestKit;
  let node: SlimNodeHandle;
  let world: SessionWorld;
  let engines: Engine[];
  let sessions: SessionLayer[];

  beforeEach(async () => {
    // Alice publishes each message once (seed 000's max_retries = 0): no re-publish can stand in for the lost ack.
    world = await sessionWorld(['alice', 'bob', 'carol'], (name) => (name === 'alice' ? { maxRetries: 0 } : {}));
    ({ kit, node, engines, sessions } = world);
  });

  afterEach(async () => {
    await world.close();
  });

  it('turns a lost ack into "delivered" by the next heartbeat, and ignores forged ones', async () => {
    const [alice, bob, carol] = engines as [Engine, Engine, Engine];
    const bobInvited = bob.events.waitFor('invitation', (i) => i.state === 'pending');
    const carolInvited = carol.events.waitFor('invitation', (i) => i.state === 'pending');
    const g = await alice.createGroup({ name: 'Acks', members: [userId(bob), userId(carol)], mode: 'sealed' });
    await bobInvited;
    await carolInvited;
    await bob.acceptInvitation(g.groupId);
    await carol.acceptInvitation(g.groupId);
    await waitUntil(alice.events, 'group', () => alice.getGroup(g.groupId).members.every((m) => m.status === 'joined'), 15_000);

    const aliceCtx = engineContextOf(alice);
    // Bob goes away; Alice writes; Carol acks, Bob cannot.
    await sessions[1]!.close();
    const texts = ['one', 'two', 'three'];
    const sent: { id: string }[] = [];
    for (const t of texts) sent.push(await alice.sendText(g.groupId, t));
    await waitUntil(alice.events, 'send-state', () => sent.every((m) => alice.getMessage(m.id).sendState === 'sent'), 10_000);
    // Alice has given up re-publishing (polled by condition: the pump emits nothing when it gives up).
    const jobsOpen = (): boolean =>
      sent.some((m) => aliceCtx.store.read.queue.outboxByEnvelope(fromBase64Url(m.id)!).some((j) => j.state === 'sent' || j.state === 'pending'));
    await vi.waitFor(() => expect(jobsOpen()).toBe(false), { timeout: 10_000, interval: 100 });

    // Bob stores them (say, from a sync reply) but dies before acking: the ack is lost for good.
    const groupBytes = fromBase64Url(g.groupId)!;
    const held = aliceCtx.store.read.log.range(groupBytes, aliceCtx.self().userId, 0, 1000, 1000);
    for (const entry of held) void bob.receive(entry.bytes);
    await bob.inbox.idle();
    expect(bob.latestMessages(g.groupId, 10).messages.map((m) => m.text)).toEqual(expect.arrayContaining(texts));

    // Mallory, on the same node, claims in heartbeats that everyone holds everything of Alice's.
    const mallory = await kit.client(node.endpoint, 'evil/ns/mallory');
    const keys = { ...generateSigningKeyPair(), box: generateBoxKeyPair() };
    const outsider = { userId: keys.publicKey, signPublic: keys.publicKey, signSecret: keys.secretKey, boxPublic: keys.box.publicKey, boxSecret: keys.box.secretKey, displayName: 'm', slimName: 'evil/ns/mallory', createdAt: 0 };
    const claim = encodeWire('Heartbeat', { ownSeq: 0, have: [{ sender: aliceCtx.self().userId, seq: 1000 }] });
    const channel = parseSlimName(`kizuna/groups/${g.groupId}`);
    const publish = (bytes: Uint8Array): void => void mallory.publish(channel, bytes, { payloadType: KIZUNA_PAYLOAD_TYPE, fanout: FANOUT_ALL });
    const fields = { groupId: groupBytes, epoch: g.epoch, type: 'HEARTBEAT' as const, seq: 0, sentAt: Date.now(), body: claim };
    // Her own heartbeat (she is not a member) ...
    publish(buildEnvelope(outsider, fields).bytes);
    // ... and one in Bob's name, signed with her key.
    const asBob = { ...outsider, userId: fromBase64Url(userId(bob))!, signPublic: fromBase64Url(userId(bob))! };
    publish(buildEnvelope(asBob, fields).bytes);
    // Then garbage, which Alice counts when it arrives: everything before it from Mallory was handled.
    const malformed = alice.events.waitFor('dropped', (d) => d.reason === 'envelope-malformed', 10_000);
    publish(new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    await malformed;
    for (const m of sent) expect(alice.getMessage(m.id).sendState).toBe('sent');

    // Bob comes back: nothing is left to sync, no ack is owed by the batcher, only his heartbeat says what he holds.
    sessions[1] = new SessionLayer(bob, { endpoint: node.endpoint, ...IN_PROCESS_TIMINGS });
    sessions[1].start();
    await waitUntil(alice.events, 'send-state', () => sent.every((m) => alice.getMessage(m.id).sendState === 'delivered'), 15_000);
  }, 60_000);
});
