/**
 * SLIM's shared-secret token and header signature, checked against bytes an official SLIM app produced
 * (test/fixtures/slim-discovery-request.json): our header digest must be byte for byte the one SLIM signs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frameAad, readSessionFrame, SlimMsg } from '../../../../main/core/slim-session/session-frame.js';
import { createSlimMemberIdentity } from '../../../../main/core/slim-session/slim-member-identity.js';
import { generateSlimSigningKey, verifyP256 } from '../../../../main/core/slim-session/slim-signing-key.js';
import { createSlimTokenMinter, createSlimTokenVerifier, newSlimTokenId } from '../../../../main/core/slim-session/slim-token.js';
import { xxh3Id } from '../../../../main/core/slim-session/slim-ids.js';
import { getSlimProtoCodec } from '../../../../main/core/transport/slim-proto-codec.js';
import { instanceIdFromWire } from '../../../../main/core/transport/slim-name-encoding.js';
import { expectCode } from '../../../helpers/expect-code.js';

const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/slim-discovery-request.json', import.meta.url), 'utf8')) as {
  secret: string;
  capturedAtMs: number;
  frame: string;
};
const SECRET = 'unit-test-shared-secret-of-32-bytes-plus';

function captured() {
  const frame = readSessionFrame(getSlimProtoCodec().decode(Buffer.from(fixture.frame, 'base64')));
  if (frame === undefined) throw new Error('fixture frame unreadable');
  return frame;
}

describe('a DISCOVERY_REQUEST from an official SLIM app', () => {
  const at = (): number => fixture.capturedAtMs;

  it('carries a token our verifier accepts, and a header signature over exactly our digest', async () => {
    const frame = captured();
    expect(frame.messageType).toBe(SlimMsg.DISCOVERY_REQUEST);
    const token = createSlimTokenVerifier({ secret: fixture.secret, now: at }).verify(frame.identity);
    expect(token.subject).toMatch(/^org\/ns\/capture_[A-Za-z0-9]{8}$/);
    expect(token.publicKey.byteLength).toBe(65);
    expect(frame.signature).toBeDefined();
    expect(verifyP256(frameAad(frame), frame.signature ?? new Uint8Array(0), token.publicKey)).toBe(true);
    // The app's name id is XXH3-128 of its token id.
    expect(instanceIdFromWire(frame.source.name?.name_id)).toBe(await xxh3Id(token.subject));
  });

  it('fails verification once any covered header field changes', () => {
    const frame = captured();
    const token = createSlimTokenVerifier({ secret: fixture.secret, now: at }).verify(frame.identity);
    for (const changed of [{ ...frame, messageId: frame.messageId + 1 }, { ...frame, sessionId: frame.sessionId ^ 1 }, { ...frame, messageType: SlimMsg.JOIN_REQUEST }]) {
      expect(verifyP256(frameAad(changed), frame.signature ?? new Uint8Array(0), token.publicKey)).toBe(false);
    }
  });

  it('is refused with another secret, and after the hour a token lives', async () => {
    const frame = captured();
    await expectCode(() => createSlimTokenVerifier({ secret: SECRET, now: at }).verify(frame.identity), 'TOKEN_BAD_SIGNATURE');
    await expectCode(() => createSlimTokenVerifier({ secret: fixture.secret, now: () => at() + 3601_000 }).verify(frame.identity), 'TOKEN_EXPIRED');
    await expectCode(() => createSlimTokenVerifier({ secret: fixture.secret, now: () => at() - 60_000 }).verify(frame.identity), 'TOKEN_NOT_YET_VALID');
  });
});

describe('our tokens and signatures', () => {
  it('mints tokens in SLIM\'s format that bind our P-256 key', () => {
    const key = generateSlimSigningKey();
    const id = newSlimTokenId('org/ns/me');
    const token = createSlimTokenMinter({ id, secret: SECRET, publicKey: key.publicKey }).token();
    const parts = token.split(':');
    expect(parts).toHaveLength(5);
    expect(parts[4]).toHaveLength(43);
    expect(JSON.parse(Buffer.from(parts[3] ?? '', 'base64url').toString('utf8'))).toEqual({ pubkey: Buffer.from(key.publicKey).toString('base64') });
    const verified = createSlimTokenVerifier({ secret: SECRET }).verify(token);
    expect(verified.subject).toBe(id);
    expect(Buffer.from(verified.publicKey).equals(Buffer.from(key.publicKey))).toBe(true);
  });

  it('refuses a token whose claims were swapped for another key (the MAC covers them)', async () => {
    const mine = createSlimTokenMinter({ id: 'org/ns/a_AAAAAAAA', secret: SECRET, publicKey: generateSlimSigningKey().publicKey }).token();
    const other = Buffer.from(JSON.stringify({ pubkey: Buffer.from(generateSlimSigningKey().publicKey).toString('base64') })).toString('base64url');
    const parts = mine.split(':');
    parts[3] = other;
    await expectCode(() => createSlimTokenVerifier({ secret: SECRET }).verify(parts.join(':')), 'TOKEN_BAD_SIGNATURE');
    await expectCode(() => createSlimTokenVerifier({ secret: SECRET }).verify('a:b:c'), 'TOKEN_MALFORMED');
    await expectCode(() => createSlimTokenMinter({ id: 'x', secret: 'short', publicKey: new Uint8Array(65) }), 'SHARED_SECRET_TOO_SHORT');
  });

  it('refuses a control message signed by a key other than the one its token binds', async () => {
    const alice = createSlimMemberIdentity({ base: 'org/ns/alice', secret: SECRET });
    const mallory = createSlimMemberIdentity({ base: 'org/ns/mallory', secret: SECRET });
    const name = { name: { component_0: 1, component_1: 2, component_2: 3 }, str_name: { str_component_0: 'org', str_component_1: 'ns', str_component_2: 'alice' } };
    const frameFields = { source: name, destination: name, fanout: 1, messageType: SlimMsg.GROUP_ACK, sessionId: 9, messageId: 5, content: { command: { group_ack: {} } } };
    const honest = readSessionFrame(alice.seal(frameFields));
    if (honest === undefined) throw new Error('unreadable');
    expect(mallory.verify(honest).subject).toBe(alice.tokenId);
    // Mallory re-signs Alice's header with her own key but keeps Alice's token.
    const forged = readSessionFrame(mallory.seal(frameFields, alice.token()));
    if (forged === undefined) throw new Error('unreadable');
    await expectCode(() => alice.verify(forged), 'TOKEN_BAD_SIGNATURE');
  });
});
