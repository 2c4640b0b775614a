import type { EventName, EventPayloads, KizunaApi, RequestInput, RequestName, RequestOutput } from '../../shared/ipc/ipc-contract';
import { CallError, toCallError } from './call-error';

/**
 * The renderer's typed door to the core. Everything goes through `call` and `subscribe`, so a
 * rejection always surfaces as a CallError with a code and the UI never touches the bridge itself.
 */
export function kizunaApi(): KizunaApi {
  const api = window.kizuna;
  if (api === undefined) throw new CallError('INTERNAL', 'window.kizuna is not available');
  return api;
}

export function hasKizunaApi(): boolean {
  return typeof window.kizuna === 'object' && window.kizuna !== null;
}

/**
 * Waits for the host to define window.kizuna. The preload defines it before any page script, but
 * a host may inject its bridge as a module that runs after ours; this keeps start-up order free.
 */
export function whenKizunaReady(timeoutMs = 10_000): Promise<boolean> {
  if (hasKizunaApi()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const started = performance.now();
    const check = (): void => {
      if (hasKizunaApi()) resolve(true);
      else if (performance.now() - started > timeoutMs) resolve(false);
      else setTimeout(check, 25);
    };
    check();
  });
}

export async function call<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>> {
  try {
    return await kizunaApi().invoke(name, input);
  } catch (error) {
    throw toCallError(error);
  }
}

export function subscribe<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
  return kizunaApi().on(event, listener);
}

/**
 * Whether the process holding the profile answers the bridge's heartbeat: `listener` gets the state
 * now and on every change. A host without a heartbeat (an old bridge, a test's fake) counts as up.
 */
export function watchHostLink(listener: (up: boolean) => void): () => void {
  const api = kizunaApi();
  if (typeof api.watchLink !== 'function') {
    queueMicrotask(() => listener(true));
    return () => undefined;
  }
  return api.watchLink(listener);
}
