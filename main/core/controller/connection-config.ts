/**
 * A connection's `config_data`: the JSON of the SLIM client configuration the node uses to open the link
 * (seed 000: `{"endpoint": "http://127.0.0.1:46357"}`). The controller checks it, fills in what SLIM's
 * client config needs (plain text for http:// endpoints without "tls"; the link id both ends will know
 * the link by) and hands the result to the node.
 */
import { KizunaError } from '../../../shared/errors/kizuna-error.js';

export interface ParsedConnectionConfig {
  /** The caller's object, as given. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The endpoint with a scheme (http:// added when missing). */
  readonly endpoint: string;
}

function invalid(reason: string): KizunaError {
  return new KizunaError('CONNECTION_CONFIG_INVALID', `The connection config_data is not valid: ${reason}.`, { reason });
}

export function parseConnectionConfig(configData: string): ParsedConnectionConfig {
  if (configData.trim().length === 0) throw invalid('it is empty');
  if (configData.length > 64 * 1024) throw invalid('it is longer than 64 KiB');
  let value: unknown;
  try {
    value = JSON.parse(configData);
  } catch (error) {
    throw invalid(`it is not JSON (${error instanceof Error ? error.message : 'parse error'})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('it is not a JSON object');
  const config = value as Record<string, unknown>;
  const raw = config['endpoint'];
  if (typeof raw !== 'string' || raw.trim().length === 0) throw invalid('"endpoint" is missing');
  const endpoint = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw.trim() : `http://${raw.trim()}`;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid(`"endpoint" ${JSON.stringify(raw)} is not an address`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.hostname === '' || url.port === '') {
    throw invalid(`"endpoint" must be http(s)://host:port, not ${JSON.stringify(raw)}`);
  }
  return { config, endpoint };
}

/** The JSON the node's controller client gets: the caller's config, its endpoint, tls and our link id. */
export function nodeClientConfig(parsed: ParsedConnectionConfig, linkId: string): string {
  const tls = parsed.config['tls'] ?? (parsed.endpoint.startsWith('http://') ? { insecure: true } : undefined);
  return JSON.stringify({ ...parsed.config, endpoint: parsed.endpoint, ...(tls === undefined ? {} : { tls }), link_id: linkId });
}

/** host:port of an endpoint with or without a scheme ("http://127.0.0.1:46357" → "127.0.0.1:46357"). */
export function hostPort(endpoint: string): { host: string; port: number } | undefined {
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`);
    const port = Number(url.port);
    return url.hostname === '' || !Number.isInteger(port) || port <= 0 ? undefined : { host: url.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return undefined;
  }
}

const ANY_HOST = new Set(['0.0.0.0', '::', '']);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Whether `target` (where a link goes) is one of a node's listening endpoints. */
export function endpointReaches(target: string, nodeEndpoints: readonly string[]): boolean {
  const t = hostPort(target);
  if (t === undefined) return false;
  return nodeEndpoints.some((e) => {
    const n = hostPort(e);
    if (n === undefined || n.port !== t.port) return false;
    return ANY_HOST.has(n.host) || n.host === t.host || (LOOPBACK.has(n.host) && LOOPBACK.has(t.host));
  });
}
