import type { EngineOptions, EngineQuery, LabelingEngine, RetrainResult } from '../engine/labelingEngine';
import type { Encoder, EncoderOptions } from '../encoders/encoder';
import { SettingError } from '../errors';
import { ColumnAppender, LEXICAL_FIT_ROWS, streamLexicalBlock } from '../features/lexicalPool';
import { poolFeatures } from '../features/poolFeatures';
import { settingKeys, type StartableSettings } from '../settings';
import { silentLogger, type CandidateSpan, type Logger, type Vectors } from '../types';
import { CancelledError } from './cancelledError';
import { wilsonInterval } from './accuracyInterval';
import { appendCurveLog, readCurveLog } from './curveLog';
import { isLabeled, rejectedLabel, type LabelEvent } from '../store/events';
import type { ReanchorResult } from '../store/reanchor';
import { reanchorWorkspace } from '../store/reanchorWorkspace';
import type { CurvePoint, StrategyWeightsPoint } from './learningCurve';
import type { PickReason, SpanPick } from './spanPick';
import type { AnchorReport, CurveData, DecideParams, DecideResult, ExplainItem, QueryParams, RoundInfo, RoundSummary, StartParams, StartResult } from './workerProtocol';
import { emptyRecord, toRecord } from '../record';
import { recordSpanId, spanId } from '../text/spanId';
import { SpanTable, type SpanPlace } from './spanTable';
import { appendCachedBlock, createLexicalBlockWriter, lexicalCacheFile, openLexicalBlock, type LexicalBlockWriter } from './lexicalCache';
import { CoalescedRuns } from '../util/coalescedRuns';
import { SerialQueue } from '../util/serialQueue';
import { startAutoRetrain } from './autoRetrain';

/** The corpus as the session needs it: candidate spans in a stable order, and their context. */
export interface SessionCorpus {
  readonly spans: readonly CandidateSpan[];
  readonly files: number;
  /** `file:line: reason` for files or lines that were skipped. */
  readonly problems: readonly string[];
  /** Text of the source file around the span (a few hundred characters each side). */
  context(span: CandidateSpan): Promise<{ readonly before: string; readonly after: string }> | { readonly before: string; readonly after: string };
  /**
   * Optional: the span's text as its file holds it now (the unit's text at start .. end). Given, the
   * session keeps no span texts (it reads one when the panel shows the span, and checks it against
   * the span's id); absent, it keeps them. The session calls `context` and `text` detached and keeps
   * neither this object nor `spans` past opening (its spans live in a SpanTable).
   */
  text?(span: SpanPlace): Promise<string>;
}

/**
 * A corpus whose spans are columns already (the real open, corpusManifest.ts): no span object and
 * no text is ever made for them; the session reads a text from its file when it shows the span.
 */
export interface TableCorpus extends Omit<SessionCorpus, 'spans' | 'text'> {
  readonly spans: SpanTable;
  text(span: SpanPlace): Promise<string>;
  /**
   * Optional: every span's text in row order, a run (a file's spans) at a time, read by one pass
   * over the files (for features fitted on the corpus's texts, labelwise.lexicalFeatures); absent,
   * they are read span by span.
   */
  textRuns?(): AsyncIterable<readonly string[]>;
}

/** A corpus with its vectors, as SessionDeps.openCorpus returns it. */
export interface OpenedCorpus {
  readonly corpus: SessionCorpus | TableCorpus;
  /** Row i for span i: dense, or compact as the engine keeps its pool (the real open). */
  readonly vectors: Vectors;
}

export interface EmbedProgress {
  (done: number, total: number): void;
}

/**
 * What the session is built from. The worker passes the real corpus reader, encoder, embedding
 * cache and engine (defaultDeps.ts); tests may pass small fakes for any of them.
 */
export interface SessionDeps {
  loadEncoder(opts: EncoderOptions): Promise<Encoder>;
  /**
   * The corpus and its vectors (row i for spans[i]) in one step, through the caches in `cacheDir`,
   * so that unchanged files are neither read nor encoded again (src/core/cache). It needs the
   * encoder's id, so the session loads the encoder first.
   */
  openCorpus(root: string, settings: StartableSettings, encoder: Encoder, cacheDir: string, progress: EmbedProgress, logger: Logger, signal?: AbortSignal): Promise<OpenedCorpus>;
  createEngine(X: Vectors, opts: EngineOptions, extra: EngineExtras): LabelingEngine;
}

/**
 * What the engine may also use: the batch size it is tuned for and a log. Deliberately no
 * workspace or folder name: a user's folder name must never choose (or refuse) a learned prior.
 */
export interface EngineExtras {
  readonly batch: number;
  readonly logger: Logger;
}

export interface SessionEvents {
  onRetrainStarted?(): void;
  onRetrained?(round: RoundInfo): void;
  onRetrainFailed?(error: unknown): void;
}

export interface OpenOptions {
  readonly logger?: Logger;
  /** Progress of the opening phases; `fraction` in 0..1 of the whole start. */
  readonly progress?: (message: string, fraction?: number) => void;
  readonly signal?: AbortSignal;
  readonly events?: SessionEvents;
}

/** The decisions re-anchoring placed (in place or moved), with their current ids. */
export function placedDecisions(r: ReanchorResult): LabelEvent[] {
  return [...r.anchored, ...r.moved.map((m) => m.rebased)];
}

/** What the host needs of a re-anchoring: counts, and the orphans to list. */
export function anchorReport(r: ReanchorResult): AnchorReport {
  const moved: AnchorReport['moved'] = {};
  for (const m of r.moved) moved[m.match] = (moved[m.match] ?? 0) + 1;
  return { anchored: r.anchored.length, moved, orphans: r.orphans };
}

function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('starting the labeling session was cancelled');
}

/**
 * One labeling session, vscode-free (it runs in the engine worker, and in plain Node in tests):
 * corpus → vectors through the cache → engine; then batches of queries with their "why",
 * decisions as they arrive, retraining (on request, and automatically every
 * `autoRetrainEvery` new labels while labeling goes on), the learning curve and contested spans.
 *
 * The session never writes the label store: the host appends each decision synchronously the
 * moment it is made and then tells the session, so a label is durable before any of this runs.
 */
export class LabelingSession {
  /** The pool's spans in columns (ids, files, offsets; texts only when the corpus cannot read them). */
  private readonly table: SpanTable;
  private readonly contextOf: SessionCorpus['context'];
  private readonly readText: SessionCorpus['text'];
  /** Labeled rows: the class index, or for a multi-label set its indices joined ("0,2"; "" for none). */
  private readonly labelOf = new Map<number, number | string>();
  /** Rows whose proposed label was rejected (row → class index): negative evidence. */
  private readonly rejectedOf = new Map<number, number>();
  /** Rows with a live decision (labeled, skipped or rejected): never queried again. */
  private readonly decided = new Set<number>();
  private readonly curvePoints: CurvePoint[] = [];
  private readonly weightPoints: StrategyWeightsPoint[] = [];
  private round = 0;
  private sinceRetrain = 0;
  /** Retrains: a request during a round gets one more round after it (see retrain()). */
  private readonly retrains = new CoalescedRuns<RoundInfo>(() => {
    this.sinceRetrain = 0;
    return this.runRound();
  });
  private disposed = false;
  /** Engine calls that await inside (retrain, query) run one at a time, never interleaved. */
  private readonly engineTurn = new SerialQueue();
  /** The newest round of the curve file, as read at start. */
  restoredLast: RoundSummary | undefined;
  /** Where rounds are appended (StartParams.curveFile), and the writes in flight, in order. */
  private curveFile: string | undefined;
  private readonly curveWrites = new SerialQueue();
  private curveNewLineFirst = false;
  /** Labels of the last round restored from the curve file, until the first round of this session. */
  private restoredLabels: number | undefined;
  /** The strategy that picked each row handed out by query(), for the per-round pick counts. */
  private readonly pickedBy = new Map<number, string>();
  /** Rows labeled since the last round that a strategy had picked, with that strategy. */
  private readonly pickedThisRound = new Map<number, string>();

  private constructor(
    private readonly settings: StartableSettings,
    corpus: SessionCorpus | TableCorpus,
    private readonly engine: LabelingEngine,
    private readonly encoder: Encoder,
    private readonly logger: Logger,
    private readonly events: SessionEvents,
  ) {
    this.table = corpus.spans instanceof SpanTable ? corpus.spans : new SpanTable(corpus.spans, { keepTexts: corpus.text === undefined });
    this.contextOf = corpus.context;
    this.readText = corpus.text;
  }

  private rowOf(id: string): number | undefined {
    return this.table.rowOf(id);
  }

  static async open(params: StartParams, deps: SessionDeps, opts: OpenOptions = {}): Promise<{ session: LabelingSession; result: StartResult }> {
    const t0 = Date.now();
    const logger = opts.logger ?? silentLogger;
    const progress = opts.progress ?? ((): void => undefined);
    const { settings } = params;
    const reportCorpus = (c: SessionCorpus | TableCorpus): void => {
      for (const p of c.problems) logger.warn(p);
      if (c.spans.length === 0) {
        throw new SettingError('labelwise.include', `no candidate spans found in ${params.root}: check labelwise.include / labelwise.exclude (${settings.include.join(', ')})`);
      }
      logger.info(`corpus: ${c.spans.length} ${settings.granularity} spans in ${c.files} files`);
    };
    progress('Loading the encoder', 0.05);
    const encoder = await deps.loadEncoder({ model: settings.model, device: settings.device, logger, baseDir: params.root });
    logger.info(`encoder ${encoder.id} (dim ${encoder.dim}) on ${encoder.provider.toUpperCase()}`);
    try {
      checkSignal(opts.signal);
      const embedProgress: EmbedProgress = (done, total) => progress(`Encoding spans ${done}/${total}`, 0.1 + 0.85 * (total === 0 ? 1 : done / total));
      progress('Reading the corpus', 0.08);
      const { corpus, vectors } = await deps.openCorpus(params.root, settings, encoder, params.cacheDir, embedProgress, logger, opts.signal);
      reportCorpus(corpus);
      checkSignal(opts.signal);
      // The encoder's corpus-level transform (SIF's common component), fitted on the whole corpus:
      // the same function `labelwise simulate` fits on its pool.
      // The pool is the session's own: a compact one is transformed in place (no second copy at 1 M spans).
      let X = poolFeatures(vectors, encoder.commonComponents ?? 0, [], { inPlace: true }).pool;
      if (settings.lexicalFeatures > 0) {
        progress('Lexical features', 0.955);
        X = await withLexicalBlock(X, corpus, settings.lexicalFeatures, params.cacheDir, logger, progress, opts.signal);
      }
      const engine = deps.createEngine(X, {
        classes: settings.labels,
        committeeSize: settings.committeeSize,
        strategy: settings.strategy,
        diversity: settings.diversity,
        seed: settings.seed,
        ...(settings.multiLabel ? { multiLabel: true } : {}),
        ...(settings.semiSupervised !== 'off' && !settings.multiLabel ? { semiSupervised: { method: settings.semiSupervised } } : {}),
      }, { batch: settings.batchSize, logger });
      if (settings.semiSupervised !== 'off') {
        logger.info(
          settings.multiLabel
            ? `semi-supervised learner: none with ${settingKeys.multiLabel} (${settingKeys.semiSupervised} ${settings.semiSupervised} serves single-label classification only)`
            : `semi-supervised learner: ${settings.semiSupervised} (${settingKeys.semiSupervised})`,
        );
      }
      const session = new LabelingSession(settings, corpus, engine, encoder, logger, opts.events ?? {});
      if (params.curveFile !== undefined) await session.restoreCurve(params.curveFile);
      progress('Finding the labeled spans again', 0.96);
      // A columnar corpus has no texts at hand: reanchoring reads them only if a decision is not in place.
      const anchored = await session.reanchor(params.root, params.decisions, corpus.spans instanceof SpanTable ? undefined : corpus.spans);
      let restored = 0;
      let unmatched = 0;
      for (const d of placedDecisions(anchored)) {
        const row = session.rowOf(d.id);
        if (row === undefined) {
          unmatched++;
          continue;
        }
        restored++;
        session.applyDecision(row, isLabeled(d) ? d.label : null, true, rejectedLabel(d), isLabeled(d) ? d.labels : undefined);
      }
      if (unmatched > 0) logger.info(`${unmatched} stored decisions are not candidate spans of this corpus (granularity or files changed); they stay in the store`);
      session.sinceRetrain = 0;
      let lastRound: RoundSummary | undefined = session.restoredLast;
      if (session.labeled > 0) {
        progress('Training on the stored labels', 0.97);
        const first = await session.retrain().catch((e: unknown) => logger.info(`not trained yet: ${(e as Error).message}`));
        if (first) lastRound = roundSummary(first);
      }
      progress('Ready', 1);
      return {
        session,
        result: {
          spans: corpus.spans.length,
          files: corpus.files,
          provider: encoder.provider,
          encoderId: encoder.id,
          restored,
          unmatched,
          anchors: anchorReport(anchored),
          problems: corpus.problems,
          labeled: session.labeled,
          millis: Date.now() - t0,
          ...(lastRound ? { lastRound } : {}),
        },
      };
    } catch (e) {
      await encoder.dispose().catch(() => undefined);
      throw e;
    }
  }

  /**
   * Finds stored decisions again in the files as they are now (reanchorWorkspace), against this
   * session's corpus: only files with a decision that is not a span of the pool are read.
   */
  reanchor(root: string, decisions: readonly LabelEvent[], spans?: readonly CandidateSpan[]): Promise<ReanchorResult> {
    // At opening the corpus's spans are at hand; later they are rebuilt (texts read) only if a
    // decision is not in place.
    return reanchorWorkspace(decisions, { root, granularity: this.settings.granularity, maxFileSizeMB: this.settings.maxFileSizeMB, corpus: spans ?? (() => this.spans()) });
  }

  /** Labeled spans in the pool. */
  get labeled(): number {
    return this.labelOf.size;
  }

  get spanCount(): number {
    return this.table.length;
  }

  /** The id of the span at `row` (0 ≤ row < spanCount), in corpus order: no text read. */
  idAt(row: number): string {
    return this.table.id(row);
  }

  /** The next `n` spans worth labeling, each with its "why", never one already decided or excluded. */
  async query(params: QueryParams): Promise<SpanPick[]> {
    const exclude = new Set<number>(this.decided);
    for (const id of params.exclude) {
      const row = this.rowOf(id);
      if (row !== undefined) exclude.add(row);
    }
    const left = this.table.length - exclude.size;
    const n = Math.min(params.n, left);
    if (n <= 0) return [];
    const picks = await this.exclusive(() => this.engine.query(n, exclude));
    for (const q of picks) this.pickedBy.set(q.row, q.strategy);
    return this.picksOf(picks.filter((q) => !exclude.has(q.row)));
  }

  /** Applies a decision the host has already stored. Starts an automatic retrain when one is due. */
  decide(params: DecideParams): DecideResult {
    const row = this.rowOf(params.id);
    if (row === undefined) return { labeled: this.labeled, retrainStarted: false };
    const changed = this.applyDecision(row, params.label, params.decided, params.rejected ?? null, params.labels);
    const labeledNow = params.label !== null || params.labels !== undefined;
    if (changed && labeledNow) this.sinceRetrain++;
    const by = this.pickedBy.get(row);
    if (!labeledNow || !this.labelOf.has(row)) this.pickedThisRound.delete(row);
    else if (by !== undefined) this.pickedThisRound.set(row, by);
    const retrainStarted = startAutoRetrain(this.sinceRetrain, this.settings.autoRetrainEvery, this.retrains.busy, this.events, () => this.retrain());
    return { labeled: this.labeled, retrainStarted };
  }

  /**
   * Retrains on the labels so far. While a retrain runs, a second request waits for it and then
   * runs once more (so it sees the labels that arrived meanwhile); further requests share that one.
   */
  retrain(): Promise<RoundInfo> {
    return this.retrains.request();
  }

  get retraining(): boolean {
    return this.retrains.busy;
  }

  curveData(): CurveData {
    return { curve: [...this.curvePoints], weights: [...this.weightPoints] };
  }

  /**
   * The unlabeled spans where the committee disagrees most, with their votes (`reason.votes`).
   * Empty before the first retrain.
   */
  async contested(k: number): Promise<SpanPick[]> {
    if (!this.engine.trained) return [];
    return this.picksOf(this.engine.contested(k).filter((q) => !this.labelOf.has(q.row)));
  }

  /**
   * The spans the host already shows, with their "why" as the current model sees them (after a
   * retrain the old one says "not trained" or is stale). Spans not in the pool are left out; an
   * engine without `explain` gives an empty list, and the host keeps what it had.
   */
  async explain(items: readonly ExplainItem[]): Promise<SpanPick[]> {
    const explain = this.engine.explain?.bind(this.engine);
    if (!explain) return [];
    const picks: { row: number; strategy: string; score: number }[] = [];
    for (const it of items) {
      const row = this.rowOf(it.id);
      if (row !== undefined) picks.push({ row, strategy: it.strategy, score: it.score });
    }
    if (picks.length === 0) return [];
    const qs = await this.exclusive(async () => explain(picks));
    return this.picksOf(qs);
  }

  /** Spans by id, with their context (those not in the pool are left out). */
  async views(ids: readonly string[]): Promise<SpanPick[]> {
    const out: SpanPick[] = [];
    for (const id of ids) {
      const row = this.rowOf(id);
      const pick = row === undefined ? undefined : await this.pickOf(row, undefined);
      if (pick) out.push(pick);
    }
    return out;
  }

  /**
   * The candidate spans of the pool, in corpus order, texts included (read from the files when the
   * session keeps none, file after file; a span whose file has changed since opening is left out).
   */
  async spans(): Promise<CandidateSpan[]> {
    const out: CandidateSpan[] = [];
    for (let row = 0; row < this.table.length; row++) {
      const span = await this.spanAt(row);
      if (span) out.push(span);
    }
    return out;
  }

  /**
   * Row `row` as a span, its text included: kept, or read from its file and checked against the
   * span's id (which hashes the text). A file edited since the session opened gives another text:
   * then undefined, and the span is left out of what the panel is sent — never shown (and labeled)
   * with a text that is not the one its id names. Re-opening the session reads the files again.
   */
  private async spanAt(row: number): Promise<CandidateSpan | undefined> {
    const place = this.table.place(row);
    const kept = this.table.text(row);
    if (kept !== undefined || !this.readText) return { ...place, text: kept ?? '' };
    try {
      const text = await this.readText(place);
      if (spanId(place.file, place.start, place.end, text) === place.id || recordSpanId(place.file, place.line, place.start, place.end, text) === place.id) return { ...place, text };
      this.logger.warn(`${place.file}:${place.line + 1}: the file changed since the session opened; the span is left out until the session is restarted`);
    } catch (e) {
      this.logger.warn(`${place.file}:${place.line + 1}: cannot read the span's text (${(e as Error).message})`);
    }
    return undefined;
  }

  /** Picks for engine rows, in order, leaving out spans whose text could not be read as it was. */
  private async picksOf(qs: readonly EngineQuery[]): Promise<SpanPick[]> {
    const picks = await Promise.all(qs.map((q) => this.pickOf(q.row, q)));
    return picks.filter((p): p is SpanPick => p !== undefined);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.retrains.inFlight?.catch(() => undefined);
    await this.curveWrites.idle();
    await this.encoder.dispose();
  }

  /**
   * Returns true when the row's label changed. `rejected`: the label a reject turned down.
   * `labels`: a multi-label set (in a multi-label session a single `label` counts as a set of one).
   */
  private applyDecision(row: number, label: string | null, decided: boolean, rejected: string | null = null, labels?: readonly string[]): boolean {
    if (this.settings.multiLabel) return this.applyLabelSet(row, labels ?? (label !== null ? [label] : null), decided, rejected);
    let cls: number | null = null;
    if (label !== null) {
      const i = this.settings.labels.indexOf(label);
      if (i < 0) this.logger.warn(`label "${label}" is not in labelwise.labels; the span counts as decided but is not used for training`);
      else cls = i;
    }
    if (decided) this.decided.add(row);
    else this.decided.delete(row);
    // A rejected label outside the label set says nothing the model can use: no evidence.
    const rej = cls === null && rejected !== null && this.settings.labels.includes(rejected) ? this.settings.labels.indexOf(rejected) : null;
    if ((this.rejectedOf.get(row) ?? null) !== rej) {
      if (rej === null) this.rejectedOf.delete(row);
      else this.rejectedOf.set(row, rej);
      this.engine.setRejected?.(row, rej);
    }
    const before = this.labelOf.get(row);
    if (cls === null) this.labelOf.delete(row);
    else this.labelOf.set(row, cls);
    if (before === (cls ?? undefined)) return false;
    this.engine.setLabel(row, cls);
    return true;
  }

  private applyLabelSet(row: number, labels: readonly string[] | null, decided: boolean, rejected: string | null): boolean {
    const names = this.settings.labels;
    let set: number[] | null = null;
    if (labels !== null) {
      const unknown = labels.filter((l) => !names.includes(l));
      if (unknown.length > 0) this.logger.warn(`labels ${unknown.map((l) => `"${l}"`).join(', ')} are not in labelwise.labels; the rest of the set is used for training`);
      set = labels.filter((l) => names.includes(l)).map((l) => names.indexOf(l)).sort((a, b) => a - b);
    }
    if (decided) this.decided.add(row);
    else this.decided.delete(row);
    const rej = set === null && rejected !== null && names.includes(rejected) ? names.indexOf(rejected) : null;
    if ((this.rejectedOf.get(row) ?? null) !== rej) {
      if (rej === null) this.rejectedOf.delete(row);
      else this.rejectedOf.set(row, rej);
      this.engine.setRejected?.(row, rej);
    }
    const key = set === null ? undefined : set.join(',');
    const before = this.labelOf.get(row);
    if (key === undefined) this.labelOf.delete(row);
    else this.labelOf.set(row, key);
    if (before === key) return false;
    if (!this.engine.setLabels) throw new SettingError('labelwise.multiLabel', 'labelwise.multiLabel: this engine cannot learn label sets');
    this.engine.setLabels(row, set);
    return true;
  }

  /** Takes the rounds of earlier sessions from the curve file; new rounds are appended to it. */
  async restoreCurve(file: string): Promise<void> {
    const h = await readCurveLog(file, this.logger);
    this.curveFile = file;
    this.curveNewLineFirst = !h.endsClean;
    this.curvePoints.push(...h.curve);
    this.weightPoints.push(...h.weights);
    this.round = h.lastRound;
    this.restoredLast = h.last;
    this.restoredLabels = h.weights.at(-1)?.labels;
    if (h.weights.length > 0) this.logger.info(`learning curve: ${h.weights.length} earlier rounds restored from ${file}`);
  }

  private async runRound(): Promise<RoundInfo> {
    const labels = this.labeled;
    // What this round trains on that strategies picked; labels arriving meanwhile count for the next.
    const picks = emptyRecord<number>();
    for (const strategy of this.pickedThisRound.values()) picks[strategy] = (picks[strategy] ?? 0) + 1;
    const picked = new Map(this.pickedThisRound);
    this.pickedThisRound.clear();
    let r: Awaited<ReturnType<LabelingEngine['retrain']>>;
    try {
      r = await this.exclusive(() => this.engine.retrain());
    } catch (e) {
      // A failed round trained on nothing: its picks count for the next one.
      for (const [row, strategy] of picked) if (!this.pickedThisRound.has(row) && this.labelOf.has(row)) this.pickedThisRound.set(row, strategy);
      throw e;
    }
    const restored = this.restoredLabels;
    this.restoredLabels = undefined;
    // Retraining on the stored labels at start repeats the last recorded round: not a new point.
    const repeat = restored !== undefined && restored === (r.labeled ?? labels);
    if (!repeat) this.round++;
    const info: RoundInfo = {
      round: Math.max(1, this.round),
      labels: r.labeled ?? labels,
      ...(r.estimatedAccuracy !== undefined ? { estimatedAccuracy: r.estimatedAccuracy } : {}),
      ...accuracyIntervalOf(r),
      weights: r.weights,
      ...(picked.size > 0 ? { picks: toRecord(picks) } : {}),
      millis: r.millis,
    };
    if (!repeat) {
      if (info.estimatedAccuracy !== undefined) this.curvePoints.push({ labels: info.labels, accuracy: info.estimatedAccuracy });
      this.weightPoints.push({ round: info.round, labels: info.labels, weights: info.weights, ...(info.picks ? { picks: info.picks } : {}) });
      const file = this.curveFile;
      if (file !== undefined) {
        const newLineFirst = this.curveNewLineFirst;
        this.curveNewLineFirst = false;
        // One short append: the round is reported only once its line is on disk (it never throws).
        await this.curveWrites.run(() => appendCurveLog(file, info, this.logger, { newLineFirst }));
      }
    }
    this.logger.info(
      `retrained on ${info.labels} labels in ${Math.round(info.millis)} ms` + (info.estimatedAccuracy !== undefined ? `; estimated accuracy ${(info.estimatedAccuracy * 100).toFixed(1)}%` : ''),
    );
    return info;
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    return this.engineTurn.run(run);
  }

  private async pickOf(row: number, q: EngineQuery | undefined): Promise<SpanPick | undefined> {
    const span = await this.spanAt(row);
    if (!span) return undefined;
    const ctx = await this.contextOf(span);
    return {
      id: span.id,
      file: span.file,
      line: span.line,
      start: span.start,
      end: span.end,
      text: span.text,
      before: ctx.before,
      after: ctx.after,
      ...(q ? { reason: this.reasonOf(q) } : {}),
    };
  }

  private reasonOf(q: EngineQuery): PickReason {
    const labels = this.settings.labels;
    const votes = emptyRecord<number>();
    labels.forEach((l, i) => {
      votes[l] = q.votes[i] ?? 0;
    });
    // Probabilities only from a trained model, and only when they cover the label set.
    const probabilities = this.engine.trained && q.probs.length === labels.length ? labels.map((label, i) => ({ label, probability: q.probs[i] })) : undefined;
    const ranked = q.rank !== undefined && q.poolSize !== undefined ? { rank: q.rank, poolSize: q.poolSize } : {};
    return {
      strategy: q.strategy,
      score: q.score,
      votes: toRecord(votes),
      ...(probabilities ? { probabilities } : {}),
      ...ranked,
      ...(q.regime !== undefined ? { regime: q.regime } : {}),
      ...(q.armReason !== undefined ? { armReason: q.armReason } : {}),
    };
  }
}

/** The 95 % Wilson interval of a round's cross-validated estimate, from its held-out predictions. */
function accuracyIntervalOf(r: RetrainResult): Pick<RoundInfo, 'accuracyInterval'> {
  if (r.estimatedAccuracy === undefined || !r.heldOut) return {};
  const interval = wilsonInterval(r.heldOut.correct, r.heldOut.total);
  return interval ? { accuracyInterval: interval } : {};
}

function roundSummary(r: RoundInfo): RoundSummary {
  return {
    round: r.round,
    labels: r.labels,
    ...(r.estimatedAccuracy !== undefined ? { estimatedAccuracy: r.estimatedAccuracy } : {}),
    ...(r.accuracyInterval ? { accuracyInterval: r.accuracyInterval } : {}),
  };
}

/** Every span's id, row i for span i. */
function* spanIds(corpus: SessionCorpus | TableCorpus): Generator<string> {
  if (!(corpus.spans instanceof SpanTable)) {
    for (const s of corpus.spans) yield s.id;
    return;
  }
  for (let r = 0; r < corpus.spans.length; r++) yield corpus.spans.id(r);
}

/** Spans a run of texts or block rows holds at most when the corpus has no runs of its own. */
const TEXT_RUN = 4096;

/** Every span's text in row order, a run at a time: the corpus's own reader if it has one, else span by span. */
async function* textRuns(corpus: SessionCorpus | TableCorpus): AsyncGenerator<readonly string[]> {
  if (!(corpus.spans instanceof SpanTable)) {
    for (let s = 0; s < corpus.spans.length; s += TEXT_RUN) yield corpus.spans.slice(s, s + TEXT_RUN).map((x) => x.text);
    return;
  }
  const table = corpus.spans;
  const c = corpus as TableCorpus;
  if (c.textRuns) {
    yield* c.textRuns();
    return;
  }
  for (let s = 0; s < table.length; s += TEXT_RUN) {
    const run: string[] = [];
    for (let r = s; r < Math.min(table.length, s + TEXT_RUN); r++) run.push(await c.text(table.place(r)));
    yield run;
  }
}

/**
 * The pool with the lexical block (labelwise.lexicalFeatures) after the encoder's columns: read
 * from the cache folder when these spans' block is there, else fitted on the corpus's texts (the
 * same fit `labelwise simulate` makes on its pool: streamLexicalBlock) and kept there for the next
 * open. Either way a run of rows at a time: beyond 200,000 spans (LEXICAL_KEEP_TEXTS) the open keeps
 * no more than the 10,000 texts of the fit and one run's block rows besides the pool, reading the
 * texts twice; a cancel takes effect between runs.
 */
async function withLexicalBlock(
  X: Vectors,
  corpus: SessionCorpus | TableCorpus,
  dims: number,
  cacheDir: string,
  logger: Logger,
  progress: (message: string, fraction: number) => void,
  signal: AbortSignal | undefined,
): Promise<Vectors> {
  const t1 = Date.now();
  const n = X.rows;
  const file = lexicalCacheFile(cacheDir, dims, spanIds(corpus));
  const done = (pool: Vectors, how: string): Vectors => {
    logger.info(`lexical features: ${pool.cols - X.cols} columns ${how} in ${((Date.now() - t1) / 1000).toFixed(1)} s (${settingKeys.lexicalFeatures})`);
    return pool;
  };
  const cached = openLexicalBlock(file, n, dims, logger);
  if (cached) {
    try {
      return done(appendCachedBlock(X, cached, () => checkSignal(signal)), 'from the cache');
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      logger.warn(`the cached lexical features cannot be read (${(e as Error).message}); fitting them again`);
    } finally {
      cached.close();
    }
  }
  let joined: ColumnAppender | undefined;
  let writer: LexicalBlockWriter | undefined;
  // A span whose text could not be read again (its file changed since the open: '') gets a block
  // row of no words; such a block is used but not cached, so that the next open fits it again.
  let unread = false;
  let reported = 0;
  const runs = async function* (): AsyncGenerator<readonly string[]> {
    for await (const run of textRuns(corpus)) {
      if (!unread && run.includes('')) unread = true;
      yield run;
    }
  };
  try {
    await streamLexicalBlock(
      n,
      runs,
      dims,
      (start, block) => {
        joined ??= new ColumnAppender(X, block.cols);
        writer ??= createLexicalBlockWriter(file, n, block.cols, logger);
        joined.add(block);
        writer.add(block);
      },
      {
        between: (at, pass) => {
          checkSignal(signal);
          // A run is a file's spans: at most a hundred progress messages a pass, not one a file.
          if (Math.floor((100 * at) / n) === Math.floor((100 * reported) / n) && at < n) return;
          reported = at === n ? 0 : at;
          progress(pass === 'fit' ? `Lexical features: reading ${at}/${n}` : `Lexical features: projecting ${at}/${n}`, 0.955);
        },
      },
    );
  } catch (e) {
    writer?.abort();
    throw e;
  }
  if (unread) {
    writer!.abort();
    logger.info('lexical features not cached: some span texts could not be read again; the next open fits them again');
  } else writer!.finish();
  return done(joined!.result(), n <= LEXICAL_FIT_ROWS ? `fitted on ${n} span texts` : `fitted on ${LEXICAL_FIT_ROWS} of the ${n} span texts, every span projected`);
}
