/** SLIM names as session code uses them: a map key from the routed (encoded) form, and the text shown to people. */
import { createSlimName, type SlimName } from '../../../shared/domain/slim-name.js';
import { instanceIdFromWire } from '../transport/slim-name-encoding.js';
import { u64ToWire, wireToU64 } from '../transport/wire-u64.js';
import type { WireName } from '../transport/slim-wire-types.js';

/** Same key for the same encoded components and id; `ignoreId` compares names only (SLIM's discovery matching). */
export function nameKey(name: WireName | null | undefined, ignoreId = false): string {
  const e = name?.name;
  const parts = [wireToU64(e?.component_0), wireToU64(e?.component_1), wireToU64(e?.component_2)].map((v) => String(v ?? '?'));
  if (!ignoreId) parts.push(String(instanceIdFromWire(e?.name_id) ?? 'any'));
  return parts.join(':');
}

/** `org/ns/app` from the string form (ids are not shown). */
export function nameText(name: WireName | null | undefined): string {
  const s = name?.str_name;
  return [s?.str_component_0 ?? '?', s?.str_component_1 ?? '?', s?.str_component_2 ?? '?'].join('/');
}

/** The SlimName to subscribe to for a received channel name; undefined when it is not one we can name. */
export function subscribableName(name: WireName | null | undefined): SlimName | undefined {
  const s = name?.str_name;
  const id = instanceIdFromWire(name?.name?.name_id);
  if (!s || id === null) return undefined;
  try {
    return createSlimName(s.str_component_0 ?? '', s.str_component_1 ?? '', s.str_component_2 ?? '', id);
  } catch {
    return undefined;
  }
}

/** A plain copy of a (possibly decoded) name, with u64s as {low, high}: what JSON may store and read back. */
export function plainName(name: WireName): WireName {
  const e = name.name;
  const u = (v: unknown) => u64ToWire(wireToU64(v) ?? 0n);
  const id = e?.name_id;
  const s = name.str_name;
  return {
    name: {
      component_0: u(e?.component_0),
      component_1: u(e?.component_1),
      component_2: u(e?.component_2),
      ...(id === undefined || id === null ? {} : { name_id: { id_0: u(id.id_0), id_1: u(id.id_1) } }),
    },
    ...(s === undefined || s === null
      ? {}
      : { str_name: { str_component_0: s.str_component_0 ?? '', str_component_1: s.str_component_1 ?? '', str_component_2: s.str_component_2 ?? '' } }),
  };
}
