import { parentPort } from 'node:worker_threads';
import type { Encoder } from '../encoders/encoder';
import { loadEncoder } from '../encoders/loadEncoder';
import { quantise } from '../features/compactVectors';
import { readCorpus } from '../text/corpus';
import { packCorpus, type OpenWorkerReply, type OpenWorkerRequest } from './openPool';

/**
 * Entry of the first open's worker threads (bundled to dist/openWorker.js; openPool.ts starts
 * them). Each reads and segments the groups of files it is sent (readCorpus, as the serial open
 * does), and encodes the texts it is sent with its own encoder, loaded on the pool's first
 * `encoder` request: the same model on the CPU with one intra-op thread, so that the workers and
 * the session's thread keep every core busy, tokenizer included.
 */
function main(): void {
  const port = parentPort;
  if (!port) {
    process.stderr.write('labelwise open worker: start me as a worker thread (openPool.ts)\n');
    process.exitCode = 2;
    return;
  }
  let encoder: Promise<Encoder> | undefined;
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
          const c = packCorpus(await readCorpus(m.opts));
          post({ seq: m.seq, ok: true, kind: 'read', corpus: c }, [c.numbers.buffer as ArrayBuffer, c.runCounts.buffer as ArrayBuffer]);
          return;
        }
        if (m.kind === 'encoder') {
          encoder ??= loadEncoder({ ...m.spec, threads: 1 });
          const e = await encoder;
          post({ seq: m.seq, ok: true, kind: 'encoder', id: e.id, dim: e.dim, provider: e.provider });
          return;
        }
        if (!encoder) throw new Error('encode before the encoder was loaded');
        const e = await encoder;
        // Quantised here, as the engine does (compactVectors.ts): a quarter of the bytes to send,
        // and this thread's CPU rather than the session's. The arrays are new, so they transfer whole.
        const q = quantise(await e.encode(m.texts));
        post({ seq: m.seq, ok: true, kind: 'encode', rows: q.rows, cols: q.cols, codes: q.codes, scales: q.scales }, [q.codes.buffer as ArrayBuffer, q.scales.buffer as ArrayBuffer]);
      } catch (e) {
        post({ seq: 'seq' in m ? m.seq : -1, ok: false, message: e instanceof Error ? e.message : String(e) });
      }
    })();
  });
}

main();
