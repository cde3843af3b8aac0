import { WorkerDispatcher } from '../../../src/core/session/dispatcher';
import type { SessionDeps } from '../../../src/core/session/labelingSession';
import type { HostToWorker, WorkerToHost } from '../../../src/core/session/workerProtocol';
import type { WorkerChannel } from '../../../src/extension/workerClient';

/**
 * A WorkerChannel that runs the real dispatcher in this process, with structured cloning and an
 * asynchronous hop each way, like postMessage between threads.
 */
export function memoryChannel(deps: SessionDeps, seen?: HostToWorker[]): WorkerChannel & { dispatcher: WorkerDispatcher } {
  let toHost: (m: unknown) => void = () => undefined;
  const dispatcher = new WorkerDispatcher(deps, (m: WorkerToHost) => {
    const copy = structuredClone(m);
    setImmediate(() => toHost(copy));
  });
  return {
    kind: 'thread',
    dispatcher,
    post: (m) => {
      seen?.push(m);
      const copy = structuredClone(m);
      setImmediate(() => void dispatcher.handle(copy));
    },
    onMessage: (h) => {
      toHost = h;
    },
    onExit: () => undefined,
    terminate: async () => {
      await dispatcher.dispose();
    },
  };
}
