/**
 * The shell's typed view of the core worker: requests with the contract's types, events as the
 * contract's PushedEvent union, so the shell's modules need no casts. The worker's events are already
 * typed (core-worker-protocol.ts); the one cast left turns its (name, payload) tuple into the object
 * union, which TypeScript cannot correlate by itself.
 */
import type {
  IpcResult,
  PushedEvent,
  RequestInput,
  RequestName,
  RequestOutput,
} from '../../shared/ipc/ipc-contract.js';
import type { CoreWorker } from '../host/worker/core-worker.js';
import type { WorkerEventArgs } from '../host/worker/core-worker-protocol.js';

export interface ShellCore {
  invoke<N extends RequestName>(name: N, input: RequestInput<N>): Promise<IpcResult<RequestOutput<N>>>;
  /** Every event the core pushes. */
  onEvent(listener: (event: PushedEvent) => void): () => void;
}

export function shellCore(worker: Pick<CoreWorker, 'invoke' | 'onEvent'>): ShellCore {
  return {
    invoke: <N extends RequestName>(name: N, input: RequestInput<N>) => worker.invoke(name, input) as Promise<IpcResult<RequestOutput<N>>>,
    onEvent: (listener) =>
      worker.onEvent((...[event, payload]: WorkerEventArgs) => {
        listener({ event, payload } as PushedEvent);
      }),
  };
}
