import { beforeAll, describe, expect, it } from 'vitest';
import { createSlimName, parseSlimName, SLIM_ANY_INSTANCE_ID } from '../../../../shared/domain/slim-name.js';
import { isKizunaError } from '../../../../shared/errors/kizuna-error.js';
import {
  decodeWireName,
  encodeSlimName,
  instanceIdFromWire,
  instanceIdToWire,
  loadNameHasher,
  type NameHasher,
} from '../../../../main/core/transport/slim-name-encoding.js';
import { u64ToWire, wireToU64, U64_MAX } from '../../../../main/core/transport/wire-u64.js';

let hasher: NameHasher;
beforeAll(async () => {
  hasher = await loadNameHasher();
});

describe('SLIM name encoding', () => {
  it('hashes components exactly as the SLIM node does (values measured against a real node)', () => {
    expect(hasher.hashComponent('org')).toBe(9745323415579563579n);
    expect(hasher.hashComponent('ns')).toBe(17219925055306830033n);
    expect(hasher.hashComponent('alice')).toBe(8903823788458029442n);
    expect(hasher.hashComponent('bob')).toBe(5309210987355009988n);
  });

  it('encodes both the hashed and the string form, with "any instance" as all ones', () => {
    const wire = encodeSlimName(hasher, parseSlimName('org/ns/alice'));
    expect(wireToU64(wire.name?.component_0)).toBe(9745323415579563579n);
    expect(wireToU64(wire.name?.component_1)).toBe(17219925055306830033n);
    expect(wireToU64(wire.name?.component_2)).toBe(8903823788458029442n);
    expect(instanceIdFromWire(wire.name?.name_id)).toBeUndefined();
    expect(wireToU64(wire.name?.name_id?.id_0)).toBe(U64_MAX);
    expect(wireToU64(wire.name?.name_id?.id_1)).toBe(U64_MAX);
    expect(wire.str_name).toEqual({ str_component_0: 'org', str_component_1: 'ns', str_component_2: 'alice' });
  });

  it('splits a 128-bit instance id into high (id_0) and low (id_1) halves', () => {
    const id = (0xdeadbeefn << 64n) | 0x1234n;
    const wire = instanceIdToWire(id);
    expect(wireToU64(wire.id_0)).toBe(0xdeadbeefn);
    expect(wireToU64(wire.id_1)).toBe(0x1234n);
    expect(instanceIdFromWire(wire)).toBe(id);
    expect(instanceIdFromWire(instanceIdToWire(undefined))).toBeUndefined();
    expect(instanceIdFromWire(instanceIdToWire(SLIM_ANY_INSTANCE_ID))).toBeUndefined();
    expect(instanceIdFromWire(null)).toBeUndefined();
    expect(instanceIdFromWire({ id_0: 0, id_1: 0 })).toBe(0n);
  });

  it('converts u64 values without losing precision', () => {
    for (const v of [0n, 1n, 0xffff_ffffn, 0x1_0000_0000n, U64_MAX - 1n, U64_MAX]) {
      expect(wireToU64(u64ToWire(v))).toBe(v);
    }
    expect(() => u64ToWire(-1n)).toThrow(RangeError);
    expect(() => u64ToWire(U64_MAX + 1n)).toThrow(RangeError);
    expect(wireToU64(12)).toBe(12n);
    expect(wireToU64(undefined)).toBe(0n);
    expect(wireToU64(-1)).toBeUndefined();
    expect(wireToU64('12')).toBeUndefined();
  });

  it('decodes a wire name back, and rejects text that does not match the hashes', () => {
    const alice7 = createSlimName('org', 'ns', 'alice', 7n);
    const decoded = decodeWireName(hasher, encodeSlimName(hasher, alice7), 'source');
    expect(decoded.name).toEqual(alice7);
    expect(decoded.instanceId).toBe(7n);

    const forged = { ...encodeSlimName(hasher, alice7), str_name: { str_component_0: 'org', str_component_1: 'ns', str_component_2: 'mallory' } };
    expect(() => decodeWireName(hasher, forged, 'source')).toThrow(/does not match/);

    const hashOnly = { name: encodeSlimName(hasher, alice7).name };
    expect(decodeWireName(hasher, hashOnly, 'source').name).toBeNull();

    try {
      decodeWireName(hasher, {}, 'destination');
      throw new Error('accepted a name without encoded form');
    } catch (error) {
      expect(isKizunaError(error, 'ENVELOPE_MALFORMED')).toBe(true);
    }
  });

  it('refuses to encode an invalid name even if it is structurally typed', () => {
    expect(() => encodeSlimName(hasher, { org: 'o', namespace: 'n s', agent: 'a' })).toThrow(/whitespace/);
  });
});
