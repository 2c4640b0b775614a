/**
 * Promises that something (an ack, the 'online' state) happens before a deadline. Each pending wait is kept
 * in a set owned by whoever can settle it, so that close() can reject them all and no timer outlives it.
 */
import type { KizunaError } from '../../../shared/errors/kizuna-error.js';

export interface Waiter {
  resolve(): void;
  reject(error: KizunaError): void;
}

/** Registers a waiter in `set`; it removes itself and clears its timer when settled either way. */
export function waitWithDeadline(set: Set<Waiter>, timeoutMs: number, onTimeout: () => KizunaError): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const waiter: Waiter = {
      resolve: () => {
        clearTimeout(timer);
        set.delete(waiter);
        resolve();
      },
      reject: (error) => {
        clearTimeout(timer);
        set.delete(waiter);
        reject(error);
      },
    };
    const timer = setTimeout(() => waiter.reject(onTimeout()), timeoutMs);
    set.add(waiter);
  });
}

/** Settles every waiter of `set` (copying first: settling removes them). */
export function resolveAll(set: Set<Waiter>): void {
  for (const waiter of [...set]) waiter.resolve();
}

export function rejectAll(set: Set<Waiter>, error: KizunaError): void {
  for (const waiter of [...set]) waiter.reject(error);
}
