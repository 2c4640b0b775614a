import { beforeAll, describe, expect, it } from 'vitest';
import { parseSlimName } from '../../../../shared/domain/slim-name.js';
import { getSlimProtoCodec, OPEN_CHANNEL_METHOD } from '../../../../main/core/transport/slim-proto-codec.js';
import { resolveProtoFile } from '../../../../main/core/transport/slim-proto-path.js';
import { LinkConnectionType, SessionMessageType, SessionType } from '../../../../main/core/transport/slim-wire-enums.js';
import { buildPublish, buildSubscribe, buildUnsubscribe } from '../../../../main/core/transport/slim-message-builder.js';
import { readInboundFrame } from '../../../../main/core/transport/slim-message-reader.js';
import { buildLinkNegotiation, newLinkNegotiationRequest, readLinkNegotiationReply } from '../../../../main/core/transport/slim-link-negotiation.js';
import { encodeSlimName, loadNameHasher, type NameHasher } from '../../../../main/core/transport/slim-name-encoding.js';
import { wireToU64 } from '../../../../main/core/transport/wire-u64.js';
import type { WireMessage } from '../../../../main/core/transport/slim-wire-types.js';

const codec = getSlimProtoCodec();
let hasher: NameHasher;
beforeAll(async () => {
  hasher = await loadNameHasher();
});

function roundTrip(frame: WireMessage): WireMessage {
  return codec.decode(codec.encode(frame));
}

describe('data-plane codec', () => {
  it('finds the .proto and names the RPC as SLIM does', () => {
    expect(resolveProtoFile()).toMatch(/shared[\\/]proto[\\/]slim-data-plane\.proto$/);
    expect(OPEN_CHANNEL_METHOD).toBe('/dataplane.proto.v1.DataPlaneService/OpenChannel');
  });

  it('keeps our enum constants equal to the .proto values', () => {
    const prefixed = (values: Record<string, number>, prefix: string) =>
      Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}${k}`, v]));
    expect(codec.enumValues('SessionType')).toEqual(prefixed(SessionType, 'SESSION_TYPE_'));
    expect(codec.enumValues('SessionMessageType')).toEqual(prefixed(SessionMessageType, 'SESSION_MESSAGE_TYPE_'));
    expect(codec.enumValues('LinkConnectionType')).toEqual(prefixed(LinkConnectionType, 'LINK_CONNECTION_TYPE_'));
    expect(SessionMessageType.REJOIN_REPLY).toBe(20);
  });

  it('encodes the documented field numbers (publish = 3, metadata = 4, link = 5)', () => {
    // Field 3, wire type 2 → tag byte 0x1a; field 5 → 0x2a; map entry field 4 → 0x22.
    const src = encodeSlimName(hasher, parseSlimName('org/ns/alice'));
    const dst = encodeSlimName(hasher, parseSlimName('org/ns/bob'));
    expect(codec.encode(buildPublish({ source: src, destination: dst, payloadType: 't', blob: new Uint8Array([1]) }))[0]).toBe(0x1a);
    expect(codec.encode(buildLinkNegotiation(newLinkNegotiationRequest('n')))[0]).toBe(0x2a);
    const withMeta = codec.encode({ metadata: { k: 'v' } });
    expect(withMeta[0]).toBe(0x22);
  });

  it('round-trips a publish with session header, metadata and 64-bit names', () => {
    const src = encodeSlimName(hasher, parseSlimName('org/ns/alice/ffffffff-ffff-ffff-0000-000000000001'));
    const dst = encodeSlimName(hasher, parseSlimName('org/ns/bob'));
    const frame = buildPublish({
      source: src,
      destination: dst,
      payloadType: 'kizuna/envelope',
      blob: new Uint8Array([1, 2, 3]),
      fanout: 256,
      session: { sessionType: SessionType.MULTICAST, messageType: SessionMessageType.MSG, sessionId: 0xffff_ffff, messageId: 42 },
      metadata: { trace: 'x' },
    });
    const inbound = readInboundFrame(roundTrip(frame), hasher);
    expect(inbound.kind).toBe('publish');
    if (inbound.kind !== 'publish') return;
    const p = inbound.publish;
    expect(p.source.name).toEqual(parseSlimName('org/ns/alice/ffffffff-ffff-ffff-0000-000000000001'));
    expect(p.destination.name).toEqual(parseSlimName('org/ns/bob'));
    expect(p.payloadType).toBe('kizuna/envelope');
    expect([...p.blob]).toEqual([1, 2, 3]);
    expect(p.fanout).toBe(256);
    expect(p.session).toEqual({ sessionType: 2, messageType: 1, sessionId: 0xffff_ffff, messageId: 42 });
    expect(p.metadata).toEqual({ trace: 'x' });
  });

  it('always sends a session header and refuses a ttl the node would drop', () => {
    const src = encodeSlimName(hasher, parseSlimName('o/n/a'));
    const frame = buildPublish({ source: src, destination: src, payloadType: '', blob: new Uint8Array() });
    expect(frame.publish?.session).toBeDefined();
    expect(frame.publish?.header?.ttl).toBeGreaterThanOrEqual(2);
    expect(roundTrip(frame).publish?.session).toBeDefined();
    expect(() => buildPublish({ source: src, destination: src, payloadType: '', blob: new Uint8Array(), ttl: 1 })).toThrow(/ttl/);
    expect(() => buildPublish({ source: src, destination: src, payloadType: '', blob: new Uint8Array(), session: { sessionId: -1 } })).toThrow(
      /sessionId/,
    );
  });

  it('puts string and encoded names in subscribe/unsubscribe, with the given id', () => {
    const src = encodeSlimName(hasher, parseSlimName('o/n/a'));
    const name = encodeSlimName(hasher, parseSlimName('o/n/b'));
    const sub = roundTrip(buildSubscribe(src, name, 77n)).subscribe;
    expect(wireToU64(sub?.subscription_id)).toBe(77n);
    expect(sub?.header?.destination?.str_name?.str_component_2).toBe('b');
    expect(wireToU64(sub?.header?.destination?.name?.component_2)).toBe(hasher.hashComponent('b'));
    expect(wireToU64(roundTrip(buildUnsubscribe(src, name, 2n ** 64n - 1n)).unsubscribe?.subscription_id)).toBe(2n ** 64n - 1n);
  });

  it('negotiates as an EDGE link with a fresh UUID and checks the reply', () => {
    const request = newLinkNegotiationRequest('node-1', '2.0.0-alpha.8');
    expect(request.linkId).toMatch(/^[0-9a-f-]{36}$/);
    expect(newLinkNegotiationRequest('node-1').linkId).not.toBe(request.linkId);
    const sent = roundTrip(buildLinkNegotiation(request)).link?.link_negotiation;
    expect(sent).toMatchObject({ link_id: request.linkId, slim_version: '2.0.0-alpha.8', is_reply: false, connection_type: 2, node_id: 'node-1' });
    const reply: WireMessage = { link: { link_negotiation: { link_id: request.linkId, is_reply: true, slim_version: '2.0.0-alpha.8' } } };
    expect(readLinkNegotiationReply(reply, request)).toEqual({ ok: true, remoteVersion: '2.0.0-alpha.8', remoteNodeId: '' });
    expect(readLinkNegotiationReply({ link: { link_negotiation: { link_id: 'other', is_reply: true } } }, request).ok).toBe(false);
    expect(readLinkNegotiationReply({ link: { link_negotiation: { link_id: request.linkId, is_reply: false } } }, request).ok).toBe(false);
    expect(readLinkNegotiationReply({ publish: {} }, request).ok).toBe(false);
  });
});

describe('reading untrusted frames', () => {
  const src = () => encodeSlimName(hasher, parseSlimName('o/n/a'));

  it('throws on bytes that are not a Message (the connection counts them as undecodable)', () => {
    expect(() => codec.decode(Buffer.from([0x1a, 0xff, 0xff, 0xff, 0xff, 0x0f]))).toThrow();
    expect(() => codec.decode(Buffer.from([0x0f]))).toThrow();
  });

  it.each<[string, WireMessage, string]>([
    ['an empty frame', {}, 'unexpected'],
    ['a subscribe', { subscribe: {} }, 'unexpected'],
    ['a publish without header', { publish: {} }, 'malformed'],
    ['a publish without payload', { publish: { header: { source: {}, destination: {} } } }, 'malformed'],
    ['a publish without encoded source', { publish: { header: { destination: {} }, msg: { app_payload: { blob: new Uint8Array() } } } }, 'malformed'],
    ['a SLIM command payload', { publish: { header: {}, msg: { command_payload: {} } } }, 'command-payload'],
    ['an error notification', { publish: { header: { error: true } } }, 'error-notification'],
  ])('drops %s', (_label, frame, reason) => {
    const inbound = readInboundFrame(roundTrip(frame), hasher);
    expect(inbound).toMatchObject({ kind: 'drop', reason });
  });

  it('drops a publish whose source text was forged', () => {
    const forged = { ...src(), str_name: { str_component_0: 'o', str_component_1: 'n', str_component_2: 'z' } };
    const frame = buildPublish({ source: forged, destination: src(), payloadType: '', blob: new Uint8Array() });
    expect(readInboundFrame(roundTrip(frame), hasher)).toMatchObject({ kind: 'drop', reason: 'malformed' });
  });

  it('reads subscription acks', () => {
    expect(readInboundFrame(roundTrip({ subscription_ack: { subscription_id: { low: 5, high: 0 }, success: true } }), hasher)).toEqual({
      kind: 'subscription-ack',
      subscriptionId: 5n,
      success: true,
      error: '',
    });
  });
});
