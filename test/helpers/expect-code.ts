import { expect } from 'vitest';

/** Asserts that a call (sync or async) fails with a KizunaError of this code. */
export async function expectCode(p: (() => unknown) | Promise<unknown>, code: string): Promise<void> {
  let thrown: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `expected ${code}`).toBeDefined();
  expect((thrown as { code?: string }).code).toBe(code);
}
