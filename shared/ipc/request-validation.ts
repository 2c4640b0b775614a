import type { z } from 'zod';
import { isErrorCode } from '../errors/error-codes.js';
import { KizunaError } from '../errors/kizuna-error.js';
import { REQUESTS, isRequestName, type ParsedRequestInput, type RequestName } from './ipc-contract.js';
import { schemaKit } from './ipc-schemas.js';

/** A request that passed the contract: its name and its parsed input, correlated (a switch on `name` narrows `input`). */
export type ParsedRequest = { [N in RequestName]: { name: N; input: ParsedRequestInput<N> } }[RequestName];

/** Each input schema is built from its builder on first use, then kept. */
const schemas = new Map<RequestName, z.ZodType>();

function inputSchema(name: RequestName): z.ZodType {
  let schema = schemas.get(name);
  if (schema === undefined) {
    schema = REQUESTS[name].input(schemaKit);
    schemas.set(name, schema);
  }
  return schema;
}

/**
 * Checks an untrusted request (name and input) against the contract: an unknown name or an input
 * its schema refuses is a KizunaError INVALID_INPUT naming the request, field and problem — unless
 * the schema's check names an error code as its message (`z.string().min(8, 'PASSPHRASE_TOO_SHORT')`):
 * then that code, so a person reads what is wrong rather than "not in the expected form".
 */
export function parseRequest(name: unknown, input: unknown): ParsedRequest {
  if (!isRequestName(name)) {
    throw new KizunaError('INVALID_INPUT', 'Unknown request.', { name: typeof name === 'string' ? name.slice(0, 64) : typeof name });
  }
  const parsed = inputSchema(name).safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    if (isErrorCode(issue?.message)) throw new KizunaError(issue.message, undefined, { request: name, field });
    throw new KizunaError('INVALID_INPUT', undefined, { request: name, field: issue?.path.join('.') ?? '', problem: issue?.message ?? '' });
  }
  // The map erases which schema belongs to which name; `name` chose the schema, so the pair matches.
  return { name, input: parsed.data } as ParsedRequest;
}
