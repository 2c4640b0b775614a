/**
 * SLIM names on the wire.
 *
 * The node routes on hashes: each component is XxHash64 (seed 0) of its UTF-8 bytes followed by one 0xFF
 * byte — that trailing byte is how Rust's `Hash for str` feeds a string to a hasher, and SLIM hashes with
 * it. The 128-bit instance id travels as two u64 halves (id_0 high, id_1 low); "any instance" is all ones.
 * Subscribe frames must also carry the string form (the node's connection task panics without it), so
 * every name we encode carries both.
 */
import xxhash from 'xxhash-wasm';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { createSlimName, formatSlimName, SLIM_ANY_INSTANCE_ID, type SlimName } from '../../../shared/domain/slim-name.js';
import { u64ToWire, wireToU64 } from './wire-u64.js';
import type { WireName, WireNameId } from './slim-wire-types.js';

export interface NameHasher {
  /** XxHash64(seed 0) of UTF-8(text) ‖ 0xFF, as SLIM computes a name component's hash. */
  hashComponent(text: string): bigint;
}

let hasherPromise: Promise<NameHasher> | undefined;

/** Loads xxhash-wasm once per process (it instantiates a small WebAssembly module asynchronously). */
export function loadNameHasher(): Promise<NameHasher> {
  hasherPromise ??= xxhash().then(({ h64Raw }) => createHasher(h64Raw));
  return hasherPromise;
}

// Names repeat constantly (every publish names its source and destination), so hashes are cached. The
// cache is bounded because incoming frames can carry arbitrary strings.
const COMPONENT_CACHE_LIMIT = 4096;

function createHasher(h64Raw: (input: Uint8Array, seed?: bigint) => bigint): NameHasher {
  const encoder = new TextEncoder();
  const cache = new Map<string, bigint>();
  return {
    hashComponent(text) {
      const hit = cache.get(text);
      if (hit !== undefined) return hit;
      const utf8 = encoder.encode(text);
      const bytes = new Uint8Array(utf8.length + 1);
      bytes.set(utf8);
      bytes[utf8.length] = 0xff;
      const hash = h64Raw(bytes, 0n);
      if (cache.size >= COMPONENT_CACHE_LIMIT) cache.clear();
      cache.set(text, hash);
      return hash;
    },
  };
}

/** Splits a 128-bit id into the wire's NameId (id_0 = high 64 bits, id_1 = low 64 bits). */
export function instanceIdToWire(id: bigint | undefined): WireNameId {
  const value = id ?? SLIM_ANY_INSTANCE_ID;
  return { id_0: u64ToWire(value >> 64n), id_1: u64ToWire(value & ((1n << 64n) - 1n)) };
}

/**
 * Joins a wire NameId back into a 128-bit id. Absent NameId and all ones both mean "any instance" and
 * give undefined. Returns null when the halves are not valid u64 values.
 */
export function instanceIdFromWire(nameId: WireNameId | null | undefined): bigint | undefined | null {
  if (nameId === undefined || nameId === null) return undefined;
  const high = wireToU64(nameId.id_0);
  const low = wireToU64(nameId.id_1);
  if (high === undefined || low === undefined) return null;
  const id = (high << 64n) | low;
  return id === SLIM_ANY_INSTANCE_ID ? undefined : id;
}

/** The encoded components of a name (what the node routes on). */
export type NameHashes = readonly [bigint, bigint, bigint];

export function hashSlimName(hasher: NameHasher, name: SlimName): NameHashes {
  return [hasher.hashComponent(name.org), hasher.hashComponent(name.namespace), hasher.hashComponent(name.agent)];
}

const WIRE_NAME_CACHE_LIMIT = 1024;
const wireNameCache = new WeakMap<NameHasher, Map<string, WireName>>();
// Names made by createSlimName/parseSlimName are frozen, hence valid for good: the hot publish path finds
// their wire form by identity without validating or formatting again.
const frozenNameCache = new WeakMap<NameHasher, WeakMap<SlimName, WireName>>();

/**
 * A name as the wire carries it: encoded (hashes + instance id) and string form. The result is frozen and
 * cached per name, because protobufjs only reads it and publishers reuse the same few names.
 */
export function encodeSlimName(hasher: NameHasher, name: SlimName): WireName {
  let byIdentity = frozenNameCache.get(hasher);
  if (byIdentity === undefined) {
    byIdentity = new WeakMap();
    frozenNameCache.set(hasher, byIdentity);
  }
  const known = byIdentity.get(name);
  if (known !== undefined) return known;
  const wire = encodeByValue(hasher, name);
  if (Object.isFrozen(name)) byIdentity.set(name, wire);
  return wire;
}

function encodeByValue(hasher: NameHasher, name: SlimName): WireName {
  let cache = wireNameCache.get(hasher);
  if (cache === undefined) {
    cache = new Map();
    wireNameCache.set(hasher, cache);
  }
  // Validate every time (cheap next to a network write): names may be structurally typed objects that never
  // went through the parser, and an invalid one must not reach the wire or hit a valid name's cache slot.
  const valid = createSlimName(name.org, name.namespace, name.agent, name.instanceId);
  const key = formatSlimName(valid);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const [c0, c1, c2] = hashSlimName(hasher, valid);
  const wire: WireName = Object.freeze({
    name: Object.freeze({
      component_0: u64ToWire(c0),
      component_1: u64ToWire(c1),
      component_2: u64ToWire(c2),
      name_id: Object.freeze(instanceIdToWire(valid.instanceId)),
    }),
    str_name: Object.freeze({ str_component_0: valid.org, str_component_1: valid.namespace, str_component_2: valid.agent }),
  });
  if (cache.size >= WIRE_NAME_CACHE_LIMIT) cache.clear();
  cache.set(key, wire);
  return wire;
}

/** A name read from a received frame. */
export interface ReceivedName {
  /** The string form, when the sender included one that matches the hashes; null otherwise. */
  readonly name: SlimName | null;
  /** The hashed components the node routed on. */
  readonly hashes: NameHashes;
  /** The specific instance, or undefined for "any instance". */
  readonly instanceId: bigint | undefined;
}

/**
 * Reads a wire Name from untrusted input. Throws KizunaError('ENVELOPE_MALFORMED') when the encoded part
 * is missing or broken, or when a string form is present but does not hash to the encoded components
 * (a sender claiming one name while routing as another).
 */
export function decodeWireName(hasher: NameHasher, wire: WireName | null | undefined, role: string): ReceivedName {
  const encoded = wire?.name;
  if (encoded === undefined || encoded === null) {
    throw new KizunaError('ENVELOPE_MALFORMED', `The ${role} name has no encoded form.`, { role });
  }
  const c0 = wireToU64(encoded.component_0);
  const c1 = wireToU64(encoded.component_1);
  const c2 = wireToU64(encoded.component_2);
  const instanceId = instanceIdFromWire(encoded.name_id);
  if (c0 === undefined || c1 === undefined || c2 === undefined || instanceId === null) {
    throw new KizunaError('ENVELOPE_MALFORMED', `The ${role} name is not well formed.`, { role });
  }
  const hashes: NameHashes = [c0, c1, c2];
  const str = wire?.str_name;
  if (str === undefined || str === null) return { name: null, hashes, instanceId };
  const s0 = str.str_component_0 ?? '';
  const s1 = str.str_component_1 ?? '';
  const s2 = str.str_component_2 ?? '';
  if (hasher.hashComponent(s0) !== c0 || hasher.hashComponent(s1) !== c1 || hasher.hashComponent(s2) !== c2) {
    throw new KizunaError('ENVELOPE_MALFORMED', `The ${role} name text does not match its encoded form.`, { role });
  }
  let name: SlimName | null;
  try {
    name = createSlimName(s0, s1, s2, instanceId);
  } catch {
    // Consistent but outside Kizuna's naming rules (e.g. a foreign SLIM app): routable, just not nameable.
    name = null;
  }
  return { name, hashes, instanceId };
}
