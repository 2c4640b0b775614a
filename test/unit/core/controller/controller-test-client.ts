/** A grpc-js client for the controller's northbound API, built from the same .proto, for tests. */
import { credentials, makeGenericClientConstructor, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { CONTROLPLANE_SERVICE, controllerServiceDefinition } from '../../../../main/core/controller/controller-proto.js';
import { KIZUNA_ERROR_CODE_KEY } from '../../../../main/core/controller/grpc-status.js';

type Unary = (request: object, metadata: Metadata, callback: (error: ServiceError | null, response: Record<string, unknown>) => void) => void;

export interface ControlPlaneTestClient {
  call<T = Record<string, unknown>>(method: string, request: object): Promise<T>;
  close(): void;
}

/** `token`: sent as `authorization: Bearer …`; `ca`: dial over TLS trusting this CA (PEM). */
export function controlPlaneClient(address: string, options: { token?: string; ca?: Buffer; serverName?: string } = {}): ControlPlaneTestClient {
  const Ctor = makeGenericClientConstructor(controllerServiceDefinition(CONTROLPLANE_SERVICE), 'ControlPlaneService');
  const channelCredentials = options.ca === undefined ? credentials.createInsecure() : credentials.createSsl(options.ca);
  const client = new Ctor(address, channelCredentials, options.serverName === undefined ? {} : { 'grpc.ssl_target_name_override': options.serverName }) as Client & Record<string, Unary>;
  const metadata = (): Metadata => {
    const m = new Metadata();
    if (options.token !== undefined) m.set('authorization', `Bearer ${options.token}`);
    return m;
  };
  return {
    call<T>(method: string, request: object): Promise<T> {
      const fn = client[method];
      if (typeof fn !== 'function') throw new Error(`no method ${method}`);
      return new Promise<T>((resolve, reject) => fn.call(client, request, metadata(), (error, response) => (error === null ? resolve(response as T) : reject(error))));
    },
    close: () => client.close(),
  };
}

export interface GrpcFailure {
  code: number;
  details: string;
  kizunaCode: string | undefined;
}

/** The status a call failed with (throws if it succeeded). */
export async function failure(p: Promise<unknown>): Promise<GrpcFailure> {
  try {
    await p;
  } catch (error) {
    const e = error as ServiceError & { metadata?: Metadata };
    return { code: e.code, details: e.details, kizunaCode: e.metadata?.get(KIZUNA_ERROR_CODE_KEY)[0]?.toString() };
  }
  throw new Error('expected the call to fail');
}
