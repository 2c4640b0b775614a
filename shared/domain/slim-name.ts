/**
 * SLIM names: `org/namespace/agent`, optionally followed by a 128-bit instance id.
 *
 * The text form is what users, config files and IPC carry; the wire form (hashed components) is built by
 * main/core/transport/slim-name-encoding.ts. The instance id is printed the way SLIM prints it: as a UUID
 * (8-4-4-4-12 hex digits). `NULL_COMPONENT` (SLIM's spelling of "any instance") parses as "no id".
 */
import { z } from 'zod';
import { KizunaError } from '../errors/kizuna-error.js';
import { hasControlCharacter } from './control-characters.js';

export interface SlimName {
  readonly org: string;
  readonly namespace: string;
  readonly agent: string;
  /**
   * A specific instance (0 ≤ id < 2^128 − 1). Absent means "any instance": SLIM encodes that as all ones,
   * so the all-ones value itself is not a valid specific id and is normalised to absent.
   */
  readonly instanceId?: bigint;
}

/** Longest component we accept, in UTF-8 bytes. SLIM has no limit; this keeps names printable and bounded. */
export const SLIM_NAME_COMPONENT_MAX_BYTES = 128;

/** SLIM's "any instance" id (u128::MAX). */
export const SLIM_ANY_INSTANCE_ID = (1n << 128n) - 1n;

const NULL_COMPONENT_TEXT = 'NULL_COMPONENT';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX32_RE = /^[0-9a-f]{32}$/i;
// Whitespace (\s includes U+2028, U+2029 and U+FEFF) and control characters would make names
// ambiguous in logs, CLIs and config files.
const WHITESPACE_RE = /\s/u;
const utf8 = new TextEncoder();

type ComponentLabel = 'org' | 'namespace' | 'agent';

function invalid(reason: string, input: unknown): KizunaError {
  // The input is a name, not a secret; keep it (shortened) so the person can see what was wrong.
  const shown = typeof input === 'string' ? (input.length > 80 ? `${input.slice(0, 80)}…` : input) : typeof input;
  return new KizunaError('INVALID_SLIM_NAME', `Invalid SLIM name: ${reason}. A SLIM name is organisation/namespace/agent.`, {
    reason,
    input: shown,
  });
}

/** Returns why a component is not acceptable, or undefined when it is fine. */
function componentProblem(label: ComponentLabel, value: unknown): string | undefined {
  if (typeof value !== 'string') return `the ${label} must be text`;
  if (value.length === 0) return `the ${label} is empty`;
  if (value.includes('/')) return `the ${label} contains a slash`;
  if (WHITESPACE_RE.test(value) || hasControlCharacter(value)) return `the ${label} contains whitespace or control characters`;
  // UTF-8 needs at most 3 bytes per UTF-16 unit, so short strings skip the (comparatively slow) encoding.
  if (value.length * 3 > SLIM_NAME_COMPONENT_MAX_BYTES && utf8.encode(value).length > SLIM_NAME_COMPONENT_MAX_BYTES) {
    return `the ${label} is longer than ${SLIM_NAME_COMPONENT_MAX_BYTES} bytes`;
  }
  return undefined;
}

function instanceIdProblem(id: unknown): string | undefined {
  if (id === undefined) return undefined;
  if (typeof id !== 'bigint') return 'the instance id must be a 128-bit integer';
  if (id < 0n || id > SLIM_ANY_INSTANCE_ID) return 'the instance id is outside 0..2^128-1';
  return undefined;
}

/** Validates the parts and returns a frozen SlimName (all-ones instance id normalised to absent). */
export function createSlimName(org: string, namespace: string, agent: string, instanceId?: bigint): SlimName {
  const problem =
    componentProblem('org', org) ??
    componentProblem('namespace', namespace) ??
    componentProblem('agent', agent) ??
    instanceIdProblem(instanceId);
  if (problem !== undefined) throw invalid(problem, [org, namespace, agent].join('/'));
  return frozenName(org, namespace, agent, instanceId);
}

/** Parts already checked: frozen, with the all-ones instance id normalised to absent. */
function frozenName(org: string, namespace: string, agent: string, instanceId: bigint | undefined): SlimName {
  return instanceId === undefined || instanceId === SLIM_ANY_INSTANCE_ID
    ? Object.freeze({ org, namespace, agent })
    : Object.freeze({ org, namespace, agent, instanceId });
}

/** Parses `org/ns/agent` or `org/ns/agent/<uuid | 32 hex digits | NULL_COMPONENT>`. No trimming: spaces are errors. */
export function parseSlimName(text: unknown): SlimName {
  if (typeof text !== 'string') throw invalid('a name must be text', text);
  if (text.length === 0) throw invalid('the name is empty', text);
  const parts = text.split('/');
  if (parts.length !== 3 && parts.length !== 4) {
    throw invalid(`expected 3 parts (or 4 with an instance id), found ${parts.length}`, text);
  }
  const [org = '', namespace = '', agent = '', idText] = parts;
  for (const [label, value] of [
    ['org', org],
    ['namespace', namespace],
    ['agent', agent],
  ] as const) {
    const problem = componentProblem(label, value);
    if (problem !== undefined) throw invalid(problem, text);
  }
  // The components are checked above and parseInstanceId only returns ids in range.
  return frozenName(org, namespace, agent, idText === undefined ? undefined : parseInstanceId(idText, text));
}

function parseInstanceId(idText: string, whole: string): bigint | undefined {
  if (idText === NULL_COMPONENT_TEXT) return undefined;
  if (UUID_RE.test(idText)) return BigInt(`0x${idText.replaceAll('-', '')}`);
  if (HEX32_RE.test(idText)) return BigInt(`0x${idText}`);
  throw invalid('the instance id must be a UUID or 32 hex digits', whole);
}

/** Formats a 128-bit id as SLIM prints it (lower-case UUID layout). */
export function formatInstanceId(id: bigint): string {
  const hex = id.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `org/ns/agent` or `org/ns/agent/<uuid>`; parseSlimName(formatSlimName(n)) equals n. */
export function formatSlimName(name: SlimName): string {
  const base = `${name.org}/${name.namespace}/${name.agent}`;
  return name.instanceId === undefined ? base : `${base}/${formatInstanceId(name.instanceId)}`;
}

export function isValidSlimName(text: unknown): boolean {
  try {
    parseSlimName(text);
    return true;
  } catch {
    return false;
  }
}

/** Two names are equal when their components and instance ids are equal. */
export function slimNamesEqual(a: SlimName, b: SlimName): boolean {
  return a.org === b.org && a.namespace === b.namespace && a.agent === b.agent && a.instanceId === b.instanceId;
}

/** Same name with a different (or no) instance id. */
export function withInstanceId(name: SlimName, instanceId: bigint | undefined): SlimName {
  return createSlimName(name.org, name.namespace, name.agent, instanceId);
}

/** Validates the text form at a boundary (IPC, config, CLI) and yields a SlimName. */
export const slimNameTextSchema = z.string().transform((text, ctx): SlimName => {
  try {
    return parseSlimName(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'invalid SLIM name' });
    return z.NEVER;
  }
});

/** Validates the structured form (e.g. inside the engine or over a structured-clone boundary). */
export const slimNameSchema = z
  .object({
    org: z.string(),
    namespace: z.string(),
    agent: z.string(),
    instanceId: z.bigint().optional(),
  })
  .transform((value, ctx): SlimName => {
    try {
      return createSlimName(value.org, value.namespace, value.agent, value.instanceId);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'invalid SLIM name' });
      return z.NEVER;
    }
  });
