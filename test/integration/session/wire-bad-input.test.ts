import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import { fromBase64Url } from '../../../main/core/encoding/base64url.js';
import { buildEnvelope } from '../../../main/core/envelopes/envelope-builder.js';
import { loadSodium } from '../../../main/core/crypto/sodium.js';
import { generateBoxKeyPair } from '../../../main/core/crypto/box.js';
import { generateSigningKeyPair } from '../../../main/core/crypto/signing.js';
import { encodeWire, decodeWire } from '../../../main/core/wire/wire-codec.js';
import { envelopeSchema, signedEnvelopeSchema } from '../../../main/core/wire/wire-schemas.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { KIZUNA_PAYLOAD_TYPE } from '../../../main/core/session/session-options.js';
import { FANOUT_ALL } from '../../../main/core/transport/slim-wire-enums.js';
import type { SlimClient } from '../../../main/core/transport/slim-client.js';
import type { CoreProcess } from '../../helpers/core-process.js';
import { createSlimTestKit, type SlimTestKit } from '../../helpers/slim-test-kit.js';
import { tempDir } from '../../helpers/test-engines.js';
import { allTexts, joinedGroup, startPeople } from './group-fixture.js';

/** An outsider on the same node throws everything it can at a group; the engines keep going. */
describe('bad input on the wire, through a real node', () => {
  let kit: SlimTestKit;
  let node: SlimNodeHandle;
  let dir: ReturnType<typeof tempDir>;
  let people: Record<string, CoreProcess>;
  let groupId: string;
  let channel: string;
  let mallory: SlimClient;
  const captured: Uint8Array[] = [];

  beforeAll(async () => {
    await loadSodium();
    kit = createSlimTestKit();
    node = await kit.startNode();
    dir = tempDir();
    people = await startPeople(dir.path, node.endpoint, ['alice', 'bob', 'carol']);
    groupId = await joinedGroup(people['alice']!, [people['bob']!, people['carol']!], 'mls');
    channel = `kizuna/groups/${groupId}`;
    mallory = await kit.client(node.endpoint, 'evil/ns/mallory');
    // Mallory listens to the channel too (SLIM has no access control): she sees ciphertext only.
    await mallory.subscribe(parseSlimName(channel));
    mallory.on('message', (p) => captured.push(p.blob));
    await people['bob']!.invoke('messages.sendText', { groupId, text: 'genuine' });
    await people['carol']!.until(() => allTexts(people['carol']!, groupId), (t) => t.length === 1, 15_000, 'genuine');
  }, 120_000);

  afterAll(async () => {
    await Promise.all(Object.values(people).map((p) => p.close()));
    await kit.dispose();
    dir.cleanup();
  });

  const throwAt = (bytes: Uint8Array): void => {
    mallory.publish(parseSlimName(channel), bytes, { payloadType: KIZUNA_PAYLOAD_TYPE, fanout: FANOUT_ALL });
  };

  it('drops garbage, truncated, oversized, forged, replayed and non-member envelopes, counted, and keeps running', async () => {
    const carol = people['carol']!;
    const isMessage = (b: Uint8Array): boolean => {
      try {
        return decodeWire('Envelope', envelopeSchema, decodeWire('SignedEnvelope', signedEnvelopeSchema, b).envelope).type === 'MESSAGE';
      } catch {
        return false;
      }
    };
    await carol.until(async () => captured.some(isMessage), (heard) => heard, 10_000, 'mallory hears the channel');
    const genuine = captured.find(isMessage);
    const signed = decodeWire('SignedEnvelope', signedEnvelopeSchema, genuine!);
    const env = decodeWire('Envelope', envelopeSchema, signed.envelope);
    const outsider = { ...generateSigningKeyPair(), box: generateBoxKeyPair() };
    const self = { userId: outsider.publicKey, signPublic: outsider.publicKey, signSecret: outsider.secretKey, boxPublic: outsider.box.publicKey, boxSecret: outsider.box.secretKey, displayName: 'm', slimName: 'evil/ns/mallory', createdAt: 0 };

    throwAt(new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    throwAt(genuine!.subarray(0, genuine!.length - 7));
    throwAt(new Uint8Array(1024 * 1024 + 100));
    throwAt(encodeWire('SignedEnvelope', { envelope: encodeWire('Envelope', { ...env, seq: env.seq + 50 }), signature: signed.signature }));
    throwAt(genuine!);
    throwAt(buildEnvelope(self, { groupId: fromBase64Url(groupId)!, epoch: env.epoch, type: 'MESSAGE', seq: 1, sentAt: Date.now(), body: env.body }).bytes);
    // A "commit" from someone who is not the admin.
    throwAt(buildEnvelope(self, { groupId: fromBase64Url(groupId)!, epoch: env.epoch, type: 'GROUP_UPDATE', seq: 2, sentAt: Date.now(), body: new Uint8Array([1, 2, 3]) }).bytes);

    // The outer signature is checked in every mode, MLS included (issue 8, class 4): a message whose
    // signature no longer fits its bytes is refused before MLS sees it.
    // The outsider's message and "commit" are refused before they are stored: it is in none of the group's records.
    const reasons = ['envelope-malformed', 'envelope-too-large', 'envelope-bad-signature', 'replay', 'unknown-sender'];
    await carol.until(() => carol.stats(), (s) => reasons.every((r) => (s.dropped[r] ?? 0) >= 1), 15_000, 'every drop counted');
    const stats = await carol.stats();
    expect(stats.dropped['envelope-malformed']).toBeGreaterThanOrEqual(2);
    expect(stats.dropped['unknown-sender']).toBeGreaterThanOrEqual(2);

    // Still alive and well.
    await people['alice']!.invoke('messages.sendText', { groupId, text: 'after the storm' });
    await carol.until(() => allTexts(carol, groupId), (t) => t.some((x) => x.text === 'after the storm'), 15_000, 'still receiving');
    expect((await allTexts(carol, groupId)).map((t) => t.text)).toEqual(['genuine', 'after the storm']);
  });
});
