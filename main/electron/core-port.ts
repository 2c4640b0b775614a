/**
 * The shell's typed view of the core worker: requests with the contract's types, events as the
 * contract's PushedEvent union, so the shell's modules need no casts. The worker's thread channel
 * carries `unknown` (its messages are parsed by core-worker-protocol.ts, their payloads are not),
 * and what crosses it was produced by our own core against the contract: this is the one place
 * that says so.
 */
import {
  isEventName,
  type IpcResult,
  type PushedEvent,
  type RequestInput,
  type RequestName,
  type RequestOutput,
} from '../../shared/ipc/ipc-contract.js';
import type { CoreWorker } from '../host/worker/core-worker.js';

export interface ShellCore {
  invoke<N extends RequestName>(name: N, input: RequestInput<N>): Promise<IpcResult<RequestOutput<N>>>;
  /** Every event the core pushes (names outside the contract are dropped). */
  onEvent(listener: (event: PushedEvent) => void): () => void;
}

export function shellCore(worker: Pick<CoreWorker, 'invoke' | 'onEvent'>): ShellCore {
  return {
    invoke: <N extends RequestName>(name: N, input: RequestInput<N>) => worker.invoke(name, input) as Promise<IpcResult<RequestOutput<N>>>,
    onEvent: (listener) =>
      worker.onEvent((event, payload) => {
        if (isEventName(event)) listener({ event, payload } as PushedEvent);
      }),
  };
}
