import { KizunaError } from '../../shared/errors/kizuna-error.js';

/**
 * The flags `kizuna` accepts, and how their values are checked. Kept free of heavy imports: the
 * entry reads it before knowing which command (and which modules) it needs.
 */

/** Flags every command accepts (the identity-token ones are seed 000's JWT/SPIFFE options). */
export const GLOBAL_FLAGS = {
  'jwt-path': { type: 'string' },
  'jwks-path': { type: 'string' },
  'jwt-key-file': { type: 'string' },
  'jwt-issuer': { type: 'string' },
  'jwt-subject': { type: 'string' },
  'jwt-audience': { type: 'string' },
  'shared-secret': { type: 'string' },
  'shared-secret-id': { type: 'string' },
  'token-key-binding': { type: 'string' },
  'token-clock-skew': { type: 'string' },
  'data-dir': { type: 'string' },
  node: { type: 'string' },
  'node-auth': { type: 'string' },
  'key-file': { type: 'string' },
  'log-level': { type: 'string' },
  'accept-unverified': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Every command's own flags (parseArgs is strict: anything else is refused). */
export const COMMAND_FLAGS = {
  ...GLOBAL_FLAGS,
  name: { type: 'string' },
  'slim-name': { type: 'string' },
  local: { type: 'string' },
  members: { type: 'string' },
  mode: { type: 'string' },
  invites: { type: 'string' },
  channel: { type: 'string' },
  'enable-mls': { type: 'boolean' },
  protocol: { type: 'string' },
  message: { type: 'string' },
  'stop-after': { type: 'string' },
  'max-retries': { type: 'string' },
  timeout: { type: 'string' },
  limit: { type: 'string' },
  accept: { type: 'boolean' },
  direct: { type: 'boolean' },
  match: { type: 'string' },
  endpoint: { type: 'string' },
  auth: { type: 'string' },
  archive: { type: 'boolean' },
  controller: { type: 'string' },
  'node-id': { type: 'string' },
  'controller-auth': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
} as const;

export type Flags = Record<string, string | boolean | undefined>;

/** A string flag's value, or undefined when absent. */
export function stringFlag(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * A whole-number flag within [min, max], or undefined when absent. `--max-retries=abc`,
 * `--limit 1.5` or `--port -1` are refused with the flag's name and what it takes.
 */
export function intFlag(flags: Flags, name: string, range: { min: number; max: number }): number | undefined {
  const text = stringFlag(flags, name);
  if (text === undefined) return undefined;
  const value = /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new KizunaError('INVALID_INPUT', `--${name} takes a whole number from ${range.min} to ${range.max} (got "${text}").`);
  }
  return value;
}

/** A flag whose value is one of `choices`, or undefined when absent. */
export function choiceFlag<T extends string>(flags: Flags, name: string, choices: readonly T[]): T | undefined {
  const text = stringFlag(flags, name);
  if (text === undefined) return undefined;
  if (!(choices as readonly string[]).includes(text)) {
    throw new KizunaError('INVALID_INPUT', `--${name} is one of ${choices.join(', ')} (got "${text}").`);
  }
  return text as T;
}

/** A comma-separated list flag (blank items dropped), or [] when absent. */
export function listFlag(flags: Flags, name: string): string[] {
  const text = stringFlag(flags, name);
  return text === undefined ? [] : text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}
