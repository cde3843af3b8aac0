import { parentPort, workerData } from 'node:worker_threads';
import type { Encoder } from '../encoders/encoder';
import { loadEncoder } from '../encoders/loadEncoder';
import { readCorpus } from '../text/corpus';
import type { OpenWorkerData, OpenWorkerReply, OpenWorkerRequest } from './openPool';

/**
 * Entry of the first open's worker threads (bundled to dist/openWorker.js; openPool.ts starts
 * them). Each reads and segments the groups of files it is sent (readCorpus, as the serial open
 * does), and encodes the texts it is sent with its own encoder: the same model on the CPU with one
 * intra-op thread, so that N workers keep N cores busy, tokenizer included.
 */
function main(): void {
  const port = parentPort;
  if (!port) {
    process.stderr.write('labelwise open worker: start me as a worker thread (openPool.ts)\n');
    process.exitCode = 2;
    return;
  }
  const data = workerData as OpenWorkerData;
  const encoder: Promise<Encoder> | undefined = data.encoder ? loadEncoder({ ...data.encoder, threads: 1 }) : undefined;
  // A failed load is reported when the pool asks for the encoder, not as an unhandled rejection.
  encoder?.catch(() => undefined);
  const post = (m: OpenWorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  port.on('message', (m: OpenWorkerRequest) => {
    void (async (): Promise<void> => {
      try {
        if (m.kind === 'close') {
          if (encoder) await (await encoder.catch(() => undefined))?.dispose();
          port.close();
          return;
        }
        if (m.kind === 'read') {
          post({ seq: m.seq, ok: true, kind: 'read', corpus: await readCorpus(m.opts) });
          return;
        }
        if (!encoder) throw new Error('this worker was started without an encoder');
        const e = await encoder;
        if (m.kind === 'encoder') {
          post({ seq: m.seq, ok: true, kind: 'encoder', id: e.id, dim: e.dim, provider: e.provider });
          return;
        }
        const v = await e.encode(m.texts);
        // Transfer, not copy: the vectors' buffer must be theirs alone (a view into a larger one is copied out first).
        const own = v.data.byteOffset === 0 && v.data.byteLength === v.data.buffer.byteLength ? v.data : v.data.slice();
        post({ seq: m.seq, ok: true, kind: 'encode', rows: v.rows, cols: v.cols, data: own }, [own.buffer as ArrayBuffer]);
      } catch (e) {
        post({ seq: 'seq' in m ? m.seq : -1, ok: false, message: e instanceof Error ? e.message : String(e) });
      }
    })();
  });
}

main();
