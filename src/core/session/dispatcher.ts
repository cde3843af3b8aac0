import { LabelwiseError } from '../errors';
import type { Logger } from '../types';
import { parseCorpusSettings, parseSessionSettings } from '../settingsParser';
import { isSpanSession } from '../settings';
import { CancelledError } from './cancelledError';
import { reanchorWorkspace } from '../store/reanchorWorkspace';
import { readCorpus } from '../text/corpus';
import { anchorReport, LabelingSession, type OpenOptions, type SessionDeps } from './labelingSession';
import { SpanSession, type SpanSessionDeps } from './spanSession';
import { isHostToWorker, toWireError, type RequestMessage, type WorkerMethod, type WorkerRequests, type WorkerToHost } from './workerProtocol';

type Handler<M extends WorkerMethod> = (params: WorkerRequests[M]['params'], ctx: { id: number; signal: AbortSignal }) => Promise<WorkerRequests[M]['result']> | WorkerRequests[M]['result'];

/**
 * The worker side of the host ↔ worker messages (workerProtocol.ts), apart from the transport so
 * it runs in tests: feed it the messages the host sent, it answers through `post`. One session per
 * worker.
 */
export class WorkerDispatcher {
  private session: LabelingSession | SpanSession | undefined;
  private readonly aborts = new Map<number, AbortController>();
  private readonly logger: Logger;

  constructor(
    private readonly deps: SessionDeps & Partial<Pick<SpanSessionDeps, 'openSpanCorpus' | 'createSpanEngine'>>,
    private readonly post: (m: WorkerToHost) => void,
  ) {
    this.logger = {
      info: (message) => post({ kind: 'log', level: 'info', message }),
      warn: (message) => post({ kind: 'log', level: 'warn', message }),
      error: (message) => post({ kind: 'log', level: 'error', message }),
    };
  }

  /** Handles one message from the host; resolves when its response was posted. */
  async handle(msg: unknown): Promise<void> {
    if (!isHostToWorker(msg)) {
      this.logger.error(`worker: ignored a malformed message ${JSON.stringify(msg)?.slice(0, 200)}`);
      return;
    }
    if (msg.kind === 'cancel') {
      this.aborts.get(msg.id)?.abort();
      return;
    }
    const ac = new AbortController();
    this.aborts.set(msg.id, ac);
    try {
      const result = await this.run(msg, ac.signal);
      this.post({ kind: 'response', id: msg.id, ok: true, result });
    } catch (e) {
      this.post({ kind: 'response', id: msg.id, ok: false, error: toWireError(e) });
    } finally {
      this.aborts.delete(msg.id);
    }
  }

  async dispose(): Promise<void> {
    await this.session?.dispose();
    this.session = undefined;
  }

  private run(msg: RequestMessage, signal: AbortSignal): Promise<unknown> | unknown {
    const handlers: { [M in WorkerMethod]: Handler<M> } = {
      start: async (params, ctx) => {
        await this.session?.dispose();
        this.session = undefined;
        // The settings came from another thread: parsed here, once, by the same parser as the host's.
        const settings = parseSessionSettings(params.settings);
        const opts: OpenOptions = {
          logger: this.logger,
          signal: ctx.signal,
          progress: (message, fraction) => this.post({ kind: 'progress', id: ctx.id, message, ...(fraction !== undefined ? { fraction } : {}) }),
          events: {
            onRetrainStarted: () => this.post({ kind: 'retrainStarted' }),
            onRetrained: (round) => this.post({ kind: 'retrained', round }),
            onRetrainFailed: (e) => this.post({ kind: 'retrainFailed', error: toWireError(e) }),
          },
        };
        // labelwise.task: entities in sentences (spans) or a label per span (classify).
        const { session, result } = isSpanSession(settings) ? await SpanSession.open({ ...params, settings }, this.deps, opts) : await LabelingSession.open({ ...params, settings }, this.deps, opts);
        this.session = session;
        return result;
      },
      query: (params) => this.need().query(params),
      decide: (params) => this.need().decide(params),
      retrain: async (_params, ctx) => {
        const s = this.need();
        this.post({ kind: 'progress', id: ctx.id, message: `Retraining on ${s.labeled} labels` });
        const round = await s.retrain();
        // A retrain cannot be interrupted halfway; a cancelled one still finishes in the background.
        if (ctx.signal.aborted) throw new CancelledError('retraining was cancelled (the model finished the round in the background)');
        return round;
      },
      curve: () => this.need().curveData(),
      contested: (params) => this.need().contested(params.k),
      views: (params) => this.need().views(params.ids),
      explain: (params) => this.need().explain(params.items),
      spans: () => this.need().spans(),
      anchors: async (params) => {
        if (this.session) return anchorReport(await this.session.reanchor(params.root, params.decisions));
        // The corpus settings came from another thread: parsed here by the same parser as the host's.
        const corpus = parseCorpusSettings(params);
        const r = await reanchorWorkspace(params.decisions, {
          root: params.root,
          granularity: corpus.granularity,
          maxFileSizeMB: corpus.maxFileSizeMB,
          // Read only when some decision is not in place: renamed files are looked for there.
          corpus: async () => (await readCorpus({ root: params.root, ...corpus })).spans,
        });
        return anchorReport(r);
      },
    };
    const h = handlers[msg.method] as Handler<WorkerMethod> | undefined;
    if (!h) throw new LabelwiseError(`worker: unknown request "${String(msg.method)}"`);
    return h(msg.params, { id: msg.id, signal });
  }

  private need(): LabelingSession | SpanSession {
    if (!this.session) throw new LabelwiseError('no labeling session is running: run "Labelwise: Start Labeling Session" first', 'no-session');
    return this.session;
  }
}
