/**
 * The controller's protocol descriptions (shared/proto/controlplane/**, shared/proto/grpc_api/**), loaded
 * with protobufjs and turned into grpc-js service definitions. No code generation: the .proto files are
 * the single source, read once per process (from sources or from the compiled tree, see protoPath).
 *
 * Messages cross grpc-js as plain objects with the .proto's own field names (snake_case), 64-bit
 * integers as decimal strings, enums by name, defaults filled in.
 */
import type { ServiceDefinition, MethodDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { protoPath } from '../wire/proto-root.js';

export const CONTROLPLANE_PROTO = 'controlplane/v1/controlplane.proto';
export const SOUTHBOUND_PROTO = 'controlplane/southbound/v1/controller.proto';
export const CONTROLPLANE_SERVICE = 'controlplane.v1.ControlPlaneService';
export const SOUTHBOUND_SERVICE = 'controller.proto.v1.ControllerService';

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: true, arrays: true, oneofs: true };

let root: protobuf.Root | undefined;

/** Both controller protocols in one root (imports resolved under shared/proto). */
export function controllerProtoRoot(): protobuf.Root {
  if (root !== undefined) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : protoPath(target));
  r.loadSync([CONTROLPLANE_PROTO, SOUTHBOUND_PROTO], { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

function serializer(type: protobuf.Type): (value: object) => Buffer {
  return (value) => {
    const bytes = type.encode(type.fromObject(value as Record<string, unknown>)).finish();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

function deserializer(type: protobuf.Type): (bytes: Buffer) => Record<string, unknown> {
  return (bytes) => type.toObject(type.decode(bytes), TO_OBJECT);
}

/** A grpc-js service definition for one service of the controller protocols. */
export function controllerServiceDefinition(serviceName: string): ServiceDefinition {
  const service = controllerProtoRoot().lookupService(serviceName);
  const definition: Record<string, MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType;
    const response = method.resolvedResponseType;
    if (request === null || response === null) throw new Error(`unresolved types in ${serviceName}.${method.name}`);
    definition[method.name] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: serializer(request),
      requestDeserialize: deserializer(request),
      responseSerialize: serializer(response),
      responseDeserialize: deserializer(response),
      originalName: method.name,
    };
  }
  return definition as ServiceDefinition;
}
