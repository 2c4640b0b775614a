import sodiumModule from 'libsodium-wrappers';

/**
 * libsodium is WebAssembly and must be initialised once (asynchronously) before any call.
 * `loadSodium()` does that; afterwards `sodium()` gives the ready instance synchronously, so the
 * hot paths (verify, decrypt) stay synchronous.
 */
type Sodium = typeof sodiumModule;

let ready: Sodium | undefined;

export async function loadSodium(): Promise<Sodium> {
  if (ready === undefined) {
    await sodiumModule.ready;
    ready = sodiumModule;
  }
  return ready;
}

export function sodium(): Sodium {
  if (ready === undefined) throw new Error('libsodium used before loadSodium() resolved');
  return ready;
}
