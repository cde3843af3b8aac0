import { parentPort } from 'node:worker_threads';
import { defaultDeps } from './defaultDeps';
import { WorkerDispatcher } from './dispatcher';
import type { WorkerToHost } from './workerProtocol';

/**
 * Entry of the engine worker (bundled to dist/worker.js). It runs as a worker thread of the
 * extension host, or as a forked child process when a native module cannot load in a thread;
 * the messages are the same either way (workerProtocol.ts).
 */
function main(): void {
  const port = parentPort;
  if (port) {
    const post = (m: WorkerToHost): void => port.postMessage(m);
    const dispatcher = new WorkerDispatcher(defaultDeps(), post);
    port.on('message', (m: unknown) => void dispatcher.handle(m));
    return;
  }
  if (typeof process.send === 'function') {
    const send = process.send.bind(process);
    const post = (m: WorkerToHost): void => {
      send(m);
    };
    const dispatcher = new WorkerDispatcher(defaultDeps(), post);
    process.on('message', (m: unknown) => void dispatcher.handle(m));
    process.on('disconnect', () => {
      void dispatcher.dispose().finally(() => process.exit(0));
    });
    return;
  }
  process.stderr.write('labelwise worker: start me as a worker thread or a forked child process\n');
  process.exitCode = 2;
}

main();
