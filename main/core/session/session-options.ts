import type { SlimClientOptions } from '../transport/slim-client.js';
import type { BasicAuthCredentials } from '../transport/slim-connection.js';

/**
 * How the session layer behaves. `maxRetries` and `ackTimeoutMs` are seed 000's max_retries and
 * timeout: a channel envelope is re-published when not every member acked it in time, up to
 * maxRetries times (after that, members who missed it catch up by sync). Direct envelopes
 * (invitations, joins, welcomes) are retried with backoff until their recipient acks them.
 */
export interface SessionOptions {
  /** `127.0.0.1:PORT` or `unix:///path` of the SLIM node. */
  endpoint: string;
  auth?: BasicAuthCredentials;
  maxRetries: number;
  ackTimeoutMs: number;
  /** Longest wait between two attempts of a direct envelope. */
  directRetryCapMs: number;
  heartbeatMs: number;
  /** How often to look for gaps in per-sender sequences and ask for what is missing. */
  gapCheckMs: number;
  /** Answer discovery requests (someone inviting us by SLIM name) with our contact card. */
  discoverable: boolean;
  /** Our identity token (issue 5), sent with discovery answers so askers can verify name → key; none when absent. */
  discoveryToken?: () => Promise<string>;
  /** Archive peer: store and serve these groups' ciphertext without being a member. */
  archiveGroups: string[];
  /** Per-group max_retries/timeout (by base64url group id), set by `SessionLayer.tune(..., groupId)`. */
  perGroup?: Map<string, Partial<Pick<SessionOptions, 'maxRetries' | 'ackTimeoutMs'>>>;
  /** Transport tuning (reconnect backoff, liveness probe), mostly for tests. */
  transport?: Partial<Omit<SlimClientOptions, 'endpoint' | 'localName' | 'auth'>>;
}

export const DEFAULT_SESSION_OPTIONS: Omit<SessionOptions, 'endpoint'> = {
  maxRetries: 5,
  ackTimeoutMs: 5_000,
  directRetryCapMs: 10_000,
  heartbeatMs: 15_000,
  gapCheckMs: 1_000,
  discoverable: true,
  archiveGroups: [],
};

/** The SLIM payload type of everything Kizuna publishes. */
export const KIZUNA_PAYLOAD_TYPE = 'kizuna/envelope/v1';
