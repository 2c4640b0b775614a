import { describe, expect, it } from 'vitest';
import {
  createSlimName,
  formatInstanceId,
  formatSlimName,
  isValidSlimName,
  parseSlimName,
  SLIM_ANY_INSTANCE_ID,
  slimNameSchema,
  slimNameTextSchema,
  slimNamesEqual,
  withInstanceId,
} from '../../../../shared/domain/slim-name.js';
import { isKizunaError } from '../../../../shared/errors/kizuna-error.js';

function expectInvalid(input: unknown, reason: RegExp): void {
  try {
    parseSlimName(input);
  } catch (error) {
    expect(isKizunaError(error, 'INVALID_SLIM_NAME')).toBe(true);
    expect((error as Error).message).toMatch(reason);
    return;
  }
  throw new Error(`accepted ${String(input)}`);
}

describe('SLIM names', () => {
  it('parses and formats org/namespace/agent', () => {
    const name = parseSlimName('agntcy/ns/alice');
    expect(name).toEqual({ org: 'agntcy', namespace: 'ns', agent: 'alice' });
    expect(formatSlimName(name)).toBe('agntcy/ns/alice');
  });

  it('round-trips an instance id in UUID form, and accepts 32 hex digits', () => {
    const id = 0x0123456789abcdef_fedcba9876543210n;
    const text = `o/n/a/${formatInstanceId(id)}`;
    expect(text).toBe('o/n/a/01234567-89ab-cdef-fedc-ba9876543210');
    expect(parseSlimName(text).instanceId).toBe(id);
    expect(parseSlimName('o/n/a/0123456789ABCDEFFEDCBA9876543210').instanceId).toBe(id);
    expect(formatSlimName(parseSlimName(text))).toBe(text);
  });

  it('treats NULL_COMPONENT and the all-ones id as "any instance"', () => {
    expect(parseSlimName('o/n/a/NULL_COMPONENT').instanceId).toBeUndefined();
    expect(createSlimName('o', 'n', 'a', SLIM_ANY_INSTANCE_ID).instanceId).toBeUndefined();
    expect(createSlimName('o', 'n', 'a', 0n).instanceId).toBe(0n);
  });

  it('accepts non-ASCII components', () => {
    expect(parseSlimName('絆/チーム/さくら').agent).toBe('さくら');
  });

  it.each([
    ['', /empty/],
    ['org/ns', /3 parts/],
    ['org/ns/agent/x/y', /3 parts/],
    ['org//agent', /namespace is empty/],
    ['/ns/agent', /org is empty/],
    ['org/ns/', /agent is empty/],
    ['org/ns/al ice', /whitespace/],
    [' org/ns/alice', /whitespace/],
    ['org/ns/alice\n', /whitespace/],
    ['org/n\u0000s/alice', /control/],
    ['org/ns/alice/not-a-uuid', /instance id/],
  ])('refuses %j', (input, reason) => expectInvalid(input, reason));

  it('refuses non-strings and over-long components', () => {
    expectInvalid(42, /text/);
    expectInvalid(`org/ns/${'a'.repeat(129)}`, /longer than 128 bytes/);
    expectInvalid(`org/ns/${'é'.repeat(65)}`, /longer than 128 bytes/); // 130 bytes in UTF-8
    expect(isValidSlimName(`org/ns/${'a'.repeat(128)}`)).toBe(true);
  });

  it('refuses slashes and out-of-range ids when built from parts', () => {
    expect(() => createSlimName('a/b', 'n', 'x')).toThrow(/slash/);
    expect(() => createSlimName('o', 'n', 'x', -1n)).toThrow(/instance id/);
    expect(() => createSlimName('o', 'n', 'x', SLIM_ANY_INSTANCE_ID + 1n)).toThrow(/instance id/);
  });

  it('compares names and swaps instance ids', () => {
    const a = parseSlimName('o/n/a');
    const a7 = withInstanceId(a, 7n);
    expect(slimNamesEqual(a, parseSlimName('o/n/a'))).toBe(true);
    expect(slimNamesEqual(a, a7)).toBe(false);
    expect(withInstanceId(a7, undefined)).toEqual(a);
  });

  it('has zod schemas for the text and structured forms', () => {
    expect(slimNameTextSchema.parse('o/n/a')).toEqual({ org: 'o', namespace: 'n', agent: 'a' });
    const bad = slimNameTextSchema.safeParse('o/n');
    expect(bad.success).toBe(false);
    expect(slimNameSchema.parse({ org: 'o', namespace: 'n', agent: 'a', instanceId: 5n }).instanceId).toBe(5n);
    expect(slimNameSchema.safeParse({ org: 'o', namespace: '', agent: 'a' }).success).toBe(false);
  });
});
