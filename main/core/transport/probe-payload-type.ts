/**
 * Payload type of the liveness probes (liveness-link.ts); they never reach the client's 'message' listeners.
 * On its own so the connection can let probes past its queue without importing the liveness link.
 */
export const PROBE_PAYLOAD_TYPE = 'kizuna/transport-probe';
