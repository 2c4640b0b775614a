/**
 * The gate in front of every controller call: a grpc-js server interceptor that checks the caller's token
 * (controller-auth.ts) when the call's headers arrive, before any request message is read or decoded and
 * before a handler runs. Operators may call controlplane.v1 only; nodes may open the southbound stream only.
 * A refused call ends with UNAUTHENTICATED or PERMISSION_DENIED and the Kizuna code in its trailers.
 */
import { ServerInterceptingCall, type Metadata, type ServerInterceptor } from '@grpc/grpc-js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { Logger } from '../log/logger.js';
import type { ControllerAuth, ControllerRole } from './controller-auth.js';
import { SOUTHBOUND_SERVICE } from './controller-proto.js';
import { toGrpcError } from './grpc-status.js';

/** Set by the interceptor on a call it let through: the authenticated principal's identity. */
export const PRINCIPAL_HEADER = 'x-kizuna-controller-principal';

/** The identity the interceptor authenticated for this call (undefined without auth). */
export function principalOf(metadata: Metadata): string | undefined {
  const v = metadata.get(PRINCIPAL_HEADER)[0];
  return typeof v === 'string' ? v : v?.toString('utf8');
}

function roleFor(path: string): ControllerRole {
  return path.startsWith(`/${SOUTHBOUND_SERVICE}/`) ? 'node' : 'operator';
}

/** Refused calls logged per minute; beyond that they are only counted, so a flood cannot fill the log. */
const LOGGED_REFUSALS_PER_MINUTE = 20;

export function controllerAuthInterceptor(auth: ControllerAuth, log: Logger, now: () => number = Date.now): ServerInterceptor {
  let windowStart = 0;
  let inWindow = 0;
  const logRefusal = (fields: Record<string, unknown>): void => {
    const t = now();
    if (t - windowStart >= 60_000) {
      if (inWindow > LOGGED_REFUSALS_PER_MINUTE) log.warn('controller calls refused without a log line', { count: inWindow - LOGGED_REFUSALS_PER_MINUTE });
      windowStart = t;
      inWindow = 0;
    }
    inWindow += 1;
    if (inWindow <= LOGGED_REFUSALS_PER_MINUTE) log.warn('controller call refused', fields);
  };
  return (method, call) => {
    let refused = false;
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            // Whatever a client put under our principal header is dropped; only a checked principal is set.
            metadata.remove(PRINCIPAL_HEADER);
            auth
              .authenticate(metadata)
              .then((principal) => {
                const needed = roleFor(method.path);
                if (principal.role !== needed) {
                  throw new KizunaError('CONTROLLER_FORBIDDEN', `The ${principal.role} "${principal.identity}" may not call ${method.path}.`, { identity: principal.identity, role: principal.role });
                }
                metadata.set(PRINCIPAL_HEADER, principal.identity);
                pass(metadata);
              })
              .catch((error: unknown) => {
                refused = true;
                const e = toGrpcError(error);
                logRefusal({ path: method.path, peer: call.getPeer(), reason: e.details });
                call.sendStatus({ code: e.code ?? 16, details: e.details ?? 'refused', metadata: e.metadata ?? null });
              });
          },
          // A refused call's messages are dropped unread (the handler was never started).
          onReceiveMessage: (message, pass) => {
            if (!refused) pass(message);
          },
          onReceiveHalfClose: (pass) => {
            if (!refused) pass();
          },
        }),
    });
  };
}
