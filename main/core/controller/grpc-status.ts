/**
 * KizunaError → gRPC status for the controller API: the code a client library understands, the
 * sentence as details, and Kizuna's own code in the trailing metadata `kizuna-error-code`.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { toKizunaError } from '../../../shared/errors/kizuna-error.js';
import type { ErrorCode } from '../../../shared/errors/error-codes.js';

const STATUS_OF: Partial<Record<ErrorCode, status>> = {
  CHANNEL_NOT_FOUND: status.NOT_FOUND,
  NODE_NOT_FOUND: status.NOT_FOUND,
  PARTICIPANT_NOT_FOUND: status.NOT_FOUND,
  CONNECTION_NOT_FOUND: status.NOT_FOUND,
  SUBSCRIPTION_NOT_FOUND: status.NOT_FOUND,
  NOT_FOUND: status.NOT_FOUND,
  GROUP_NOT_MEMBER: status.NOT_FOUND,
  GROUP_NOT_FOUND: status.NOT_FOUND,
  CHANNEL_EXISTS: status.ALREADY_EXISTS,
  PARTICIPANT_EXISTS: status.ALREADY_EXISTS,
  CONNECTION_EXISTS: status.ALREADY_EXISTS,
  SUBSCRIPTION_EXISTS: status.ALREADY_EXISTS,
  INVALID_INPUT: status.INVALID_ARGUMENT,
  INVALID_SLIM_NAME: status.INVALID_ARGUMENT,
  INVALID_CONFIG: status.INVALID_ARGUMENT,
  CONNECTION_CONFIG_INVALID: status.INVALID_ARGUMENT,
  MODERATOR_UNAVAILABLE: status.UNAVAILABLE,
  NODE_UNREACHABLE: status.UNAVAILABLE,
  TRANSPORT_CLOSED: status.UNAVAILABLE,
  NODE_COMMAND_FAILED: status.FAILED_PRECONDITION,
  TIMEOUT: status.DEADLINE_EXCEEDED,
  CANCELLED: status.CANCELLED,
  NOT_GROUP_ADMIN: status.PERMISSION_DENIED,
  CONTACT_BLOCKED: status.PERMISSION_DENIED,
  CONTROLLER_UNAUTHENTICATED: status.UNAUTHENTICATED,
  CONTROLLER_FORBIDDEN: status.PERMISSION_DENIED,
  NODE_ID_TAKEN: status.PERMISSION_DENIED,
  DISCOVERY_UNVERIFIED: status.FAILED_PRECONDITION,
};

export const KIZUNA_ERROR_CODE_KEY = 'kizuna-error-code';

export function toGrpcError(error: unknown): Partial<ServiceError> {
  const e = toKizunaError(error);
  const metadata = new Metadata();
  metadata.set(KIZUNA_ERROR_CODE_KEY, e.code);
  return { code: STATUS_OF[e.code] ?? status.INTERNAL, details: e.message, metadata };
}
