import grpc from '@grpc/grpc-js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';

/** Maps a grpc-js stream error to our error codes. */
export function errorFromGrpc(error: grpc.ServiceError | Error, negotiated: boolean): KizunaError {
  const code = 'code' in error && typeof error.code === 'number' ? error.code : undefined;
  const details = 'details' in error && typeof error.details === 'string' ? error.details : error.message;
  // The node answers a refused Basic credential with UNAVAILABLE and an HTTP 401 in the details.
  const refused =
    code === grpc.status.UNAUTHENTICATED ||
    code === grpc.status.PERMISSION_DENIED ||
    /\b401\b|unauthori[sz]ed|unauthenticated/i.test(details);
  const info = { grpcCode: code, grpcDetails: details };
  if (refused) return new KizunaError('AUTH_FAILED', undefined, info);
  if (!negotiated) return new KizunaError('NODE_UNREACHABLE', undefined, info);
  return new KizunaError('TRANSPORT_CLOSED', 'The connection to the SLIM node was lost.', info);
}
