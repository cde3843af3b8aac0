import type { SpanEngineOptions, SpanEngineQuery, SpanLabelingEngine, SpanRecord } from '../engine/spanEngine';
import type { Encoder, TokenVectors } from '../encoders/encoder';
import { LabelwiseError, SettingError } from '../errors';
import { settingKeys, type SpanSessionSettings } from '../settings';
import { entitiesOf, type LabelEvent } from '../store/events';
import type { ReanchorResult } from '../store/reanchor';
import { reanchorWorkspace } from '../store/reanchorWorkspace';
import { silentLogger, type CandidateSpan, type Logger } from '../types';
import { CoalescedRuns } from '../util/coalescedRuns';
import { SerialQueue } from '../util/serialQueue';
import { CancelledError } from './cancelledError';
import type { EngineExtras, OpenOptions, SessionCorpus, SessionDeps, SessionEvents } from './labelingSession';
import { anchorReport, placedDecisions } from './labelingSession';
import type { CurvePoint, StrategyWeightsPoint } from './learningCurve';
import { appendCurveLog, readCurveLog } from './curveLog';
import { PrequentialSpans, spanScore } from './spanPrequential';
import type { EntityInText, PickReason, SpanPick, SuggestedEntity } from './spanPick';
import { alignTokenVectors } from './tokenAlignment';
import type { CurveData, DecideParams, DecideResult, ExplainItem, QueryParams, RoundInfo, StartParams, StartResult } from './workerProtocol';
import { startAutoRetrain } from './autoRetrain';

/** Texts per encodeTokens call: progress is reported, and cancellation checked, between chunks. */
const TOKEN_CHUNK = 128;

/** What a spans session is built from, beside SessionDeps' encoder loader. */
export interface SpanSessionDeps {
  loadEncoder: SessionDeps['loadEncoder'];
  /** The corpus (sentences or lines) without sentence vectors: a spans session encodes tokens. */
  openSpanCorpus?(root: string, settings: SpanSessionSettings, logger: Logger, signal?: AbortSignal): Promise<SessionCorpus>;
  createSpanEngine?(records: readonly SpanRecord[], opts: SpanEngineOptions, extra: EngineExtras): SpanLabelingEngine;
}

function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('starting the labeling session was cancelled');
}

/**
 * A labeling session of the spans task (labelwise.task = spans), vscode-free, in the engine
 * worker: the corpus's sentences (or lines) → per-token vectors (Encoder.encodeTokens, moved onto
 * the span token splitter's tokens, tokenAlignment.ts) → the span engine (SpanLabelingEngine:
 * setLabel → retrain → query). It answers the worker's requests as LabelingSession does, so the
 * dispatcher and the host treat both alike; a pick carries its tokens (what a selection snaps
 * to), the model's suggested entities and, in its reason, the entities the model is least sure of.
 *
 * A decision is a span decision (store/events.ts entitiesOf: an accept with entities, possibly
 * none) or anything else the host stored (skip, reject: the sentence is decided, not labeled). Like
 * LabelingSession, it never writes the label store.
 */
export class SpanSession {
  private readonly rowById = new Map<string, number>();
  /** Rows with a live decision: never queried again. */
  private readonly decided = new Set<number>();
  /** Rows labeled with their entities (possibly none). */
  private readonly labeledRows = new Set<number>();
  private readonly weightPoints: StrategyWeightsPoint[] = [];
  /** Span F1 per round on the answers since the previous one, before the tagger saw them. */
  private readonly curvePoints: CurvePoint[] = [];
  /** The suggestions shown per unanswered sentence, compared with its answer (test, then train). */
  private readonly prequential = new PrequentialSpans();
  /** The rows the current model was trained on: an answer undone since is still known to it. */
  private trainedOn: ReadonlySet<number> = new Set();
  private round = 0;
  private sinceRetrain = 0;
  private readonly retrains = new CoalescedRuns<RoundInfo>(() => {
    this.sinceRetrain = 0;
    return this.runRound();
  });
  private readonly engineTurn = new SerialQueue();
  private readonly pickedBy = new Map<number, string>();
  private readonly pickedThisRound = new Map<number, string>();
  private disposed = false;
  /** Where rounds are appended (StartParams.curveFile), and the writes in flight, in order. */
  private curveFile: string | undefined;
  private readonly curveWrites = new SerialQueue();
  private curveNewLineFirst = false;
  /** The last round read from the curve file at start: reported until this session's first round. */
  private restoredLast: RoundInfo | undefined;

  private constructor(
    private readonly settings: SpanSessionSettings,
    private readonly corpus: SessionCorpus,
    private readonly engine: SpanLabelingEngine,
    private readonly encoder: Encoder,
    private readonly logger: Logger,
    private readonly events: SessionEvents,
  ) {
    corpus.spans.forEach((s, i) => this.rowById.set(s.id, i));
  }

  static async open(params: StartParams<SpanSessionSettings>, deps: SpanSessionDeps, opts: OpenOptions = {}): Promise<{ session: SpanSession; result: StartResult }> {
    const t0 = Date.now();
    const logger = opts.logger ?? silentLogger;
    const progress = opts.progress ?? ((): void => undefined);
    const { settings } = params;
    if (!deps.openSpanCorpus || !deps.createSpanEngine) throw new LabelwiseError('this build of Labelwise has no entity-span engine: set labelwise.task to "classify"');
    // Precomputed shards hold one vector per span; the tagger needs one per token.
    if (settings.vectors !== '') logger.warn(`${settingKeys.vectors} is not used by labelwise.task "spans": token vectors come from ${settingKeys.model}`);
    progress('Loading the encoder', 0.05);
    const encoder = await deps.loadEncoder({ model: settings.model, device: settings.device, logger, baseDir: params.root });
    try {
      const encodeTokens = encoder.encodeTokens?.bind(encoder);
      if (!encodeTokens) throw new SettingError(settingKeys.model, `${settingKeys.model}: the encoder ${encoder.id} gives no per-token vectors, which labelwise.task "spans" needs; use "default" or a Hugging Face encoder`);
      progress('Reading the corpus', 0.08);
      const corpus = await deps.openSpanCorpus(params.root, settings, logger, opts.signal);
      for (const p of corpus.problems) logger.warn(p);
      if (corpus.spans.length === 0) {
        throw new SettingError(settingKeys.include, `no candidate ${settings.granularity}s found in ${params.root}: check labelwise.include / labelwise.exclude (${settings.include.join(', ')})`);
      }
      logger.info(`corpus: ${corpus.spans.length} ${settings.granularity}s in ${corpus.files} files (entity spans)`);
      const records: SpanRecord[] = [];
      const texts = corpus.spans.map((s) => s.text);
      for (let i = 0; i < texts.length; i += TOKEN_CHUNK) {
        checkSignal(opts.signal);
        progress(`Encoding tokens ${i}/${texts.length}`, 0.1 + (0.85 * i) / texts.length);
        const chunk = texts.slice(i, i + TOKEN_CHUNK);
        const encoded: TokenVectors[] = await encodeTokens(chunk);
        if (encoded.length !== chunk.length) throw new LabelwiseError(`the encoder ${encoder.id} returned per-token vectors for ${encoded.length} of ${chunk.length} texts`);
        chunk.forEach((text, k) => records.push({ text, tokens: alignTokenVectors(text, encoded[k]) }));
      }
      checkSignal(opts.signal);
      const engine = deps.createSpanEngine(
        records,
        { labels: settings.spanLabels, strategy: settings.strategy, committeeSize: settings.committeeSize, seed: settings.seed, allowOverlap: settings.allowOverlap },
        { batch: settings.batchSize, logger },
      );
      const session = new SpanSession(settings, corpus, engine, encoder, logger, opts.events ?? {});
      if (params.curveFile !== undefined) await session.restoreCurve(params.curveFile);
      progress('Finding the labeled sentences again', 0.96);
      const anchored = await session.reanchor(params.root, params.decisions);
      let restored = 0;
      let unmatched = 0;
      for (const d of placedDecisions(anchored)) {
        const row = session.rowById.get(d.id);
        if (row === undefined) {
          unmatched++;
          continue;
        }
        restored++;
        session.apply(row, d.undo ? null : entitiesOf(d) ?? null, true);
      }
      if (unmatched > 0) logger.info(`${unmatched} stored decisions are not candidate ${settings.granularity}s of this corpus (granularity or files changed); they stay in the store`);
      session.sinceRetrain = 0;
      let lastRound: RoundInfo | undefined = session.restoredLast;
      if (session.labeled > 0) {
        progress('Training on the stored entities', 0.97);
        lastRound = (await session.retrain().catch((e: unknown) => {
          logger.info(`not trained yet: ${(e as Error).message}`);
          return undefined;
        })) ?? lastRound;
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
          ...(lastRound ? { lastRound: { round: lastRound.round, labels: lastRound.labels } } : {}),
        },
      };
    } catch (e) {
      await encoder.dispose().catch(() => undefined);
      throw e;
    }
  }

  /** Finds stored decisions again in the files as they are now; entity offsets ride along (they are relative to the text). */
  reanchor(root: string, decisions: readonly LabelEvent[]): Promise<ReanchorResult> {
    return reanchorWorkspace(decisions, { root, granularity: this.settings.granularity, maxFileSizeMB: this.settings.maxFileSizeMB, corpus: this.corpus.spans });
  }

  /** Sentences labeled with their entities (an answer "no entities" included). */
  get labeled(): number {
    return this.labeledRows.size;
  }

  get spanCount(): number {
    return this.corpus.spans.length;
  }

  get retraining(): boolean {
    return this.retrains.busy;
  }

  async query(params: QueryParams): Promise<SpanPick[]> {
    const exclude = new Set<number>(this.decided);
    for (const id of params.exclude) {
      const row = this.rowById.get(id);
      if (row !== undefined) exclude.add(row);
    }
    const n = Math.min(params.n, this.corpus.spans.length - exclude.size);
    if (n <= 0) return [];
    const picks = await this.exclusive(() => this.engine.query(n, exclude));
    for (const q of picks) this.pickedBy.set(q.index, q.strategy);
    return Promise.all(picks.filter((q) => !exclude.has(q.index)).map((q) => this.pickOf(q.index, reasonOf(q))));
  }

  /** Applies a decision the host has already stored; starts an automatic retrain when one is due. */
  decide(params: DecideParams): DecideResult {
    const row = this.rowById.get(params.id);
    if (row === undefined) return { labeled: this.labeled, retrainStarted: false };
    const changed = this.apply(row, params.entities ?? null, params.decided);
    const labeledNow = params.entities !== undefined;
    // Compared with the labels the tagger learns from (apply leaves out unknown ones); an undo or a skip leaves the comparison.
    if (labeledNow && this.labeledRows.has(row)) this.prequential.answered(row, this.knownEntities(params.entities ?? []));
    else this.prequential.undone(row);
    if (changed && labeledNow) this.sinceRetrain++;
    const by = this.pickedBy.get(row);
    if (!labeledNow) this.pickedThisRound.delete(row);
    else if (by !== undefined) this.pickedThisRound.set(row, by);
    const retrainStarted = startAutoRetrain(this.sinceRetrain, this.settings.autoRetrainEvery, this.retrains.busy, this.events, () => this.retrain());
    return { labeled: this.labeled, retrainStarted };
  }

  retrain(): Promise<RoundInfo> {
    return this.retrains.request();
  }

  /** Rounds of this session: span F1 before the tagger saw the answers, and strategy weights, per round. */
  curveData(): CurveData {
    return { curve: [...this.curvePoints], weights: [...this.weightPoints] };
  }

  /** The spans task has no committee vote per label to dispute: the review list holds annotator disagreements and orphans only. */
  contested(_k: number): Promise<SpanPick[]> {
    return Promise.resolve([]);
  }

  /**
   * The sentences the host shows, with the current model's suggestions (a retrain changes them)
   * and, as the entities it is least sure of, its least certain suggestions.
   */
  async explain(items: readonly ExplainItem[]): Promise<SpanPick[]> {
    const out: SpanPick[] = [];
    for (const it of items) {
      const row = this.rowById.get(it.id);
      if (row === undefined) continue;
      // As the engine ranks them for a query: closest to a coin flip first, at most five, 0.1–0.9.
      const unsure = this.engine
        .suggest(row)
        .filter((e) => e.confidence >= 0.1 && e.confidence <= 0.9)
        .sort((a, b) => Math.abs(a.confidence - 0.5) - Math.abs(b.confidence - 0.5))
        .slice(0, 5);
      out.push(await this.pickOf(row, { strategy: it.strategy, score: it.score, votes: {}, uncertainEntities: unsure }));
    }
    return out;
  }

  async views(ids: readonly string[]): Promise<SpanPick[]> {
    const out: SpanPick[] = [];
    for (const id of ids) {
      const row = this.rowById.get(id);
      if (row !== undefined) out.push(await this.pickOf(row, undefined));
    }
    return out;
  }

  spans(): CandidateSpan[] {
    return [...this.corpus.spans];
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.retrains.inFlight?.catch(() => undefined);
    await this.curveWrites.idle();
    await this.encoder.dispose();
  }

  /** Takes the rounds of earlier spans sessions from the curve file; new rounds are appended to it. */
  private async restoreCurve(file: string): Promise<void> {
    const h = await readCurveLog(file, this.logger);
    this.curveFile = file;
    this.curveNewLineFirst = !h.endsClean;
    this.weightPoints.push(...h.weights);
    this.curvePoints.push(...h.curve);
    this.round = h.lastRound;
    const last = h.weights.at(-1);
    if (last) this.restoredLast = { round: last.round, labels: last.labels, weights: last.weights, millis: 0 };
    if (h.weights.length > 0) this.logger.info(`learning curve: ${h.weights.length} earlier rounds restored from ${file}`);
  }

  /**
   * Sets a row's decision: `entities` for a span decision (offsets into its text; labels outside
   * labelwise.spanLabels are left out, with a warning), null for none. Returns true when what the
   * engine learns from changed.
   */
  private apply(row: number, entities: readonly EntityInText[] | null, decided: boolean): boolean {
    if (decided) this.decided.add(row);
    else this.decided.delete(row);
    let kept: EntityInText[] | null = null;
    if (entities !== null) {
      const known = this.settings.spanLabels as readonly string[];
      const unknown = [...new Set(entities.filter((e) => !known.includes(e.label)).map((e) => e.label))];
      if (unknown.length > 0) this.logger.warn(`entity labels ${unknown.map((l) => `"${l}"`).join(', ')} are not in labelwise.spanLabels; the sentence's other entities are used for training`);
      kept = this.knownEntities(entities);
    }
    const was = this.labeledRows.has(row);
    if (kept === null && !was) return false;
    try {
      this.engine.setLabel(row, kept);
    } catch (e) {
      // A stored answer the engine cannot learn from (entities that overlap since
      // labelwise.allowOverlap was turned off, say): the sentence stays decided, not learned from.
      const span = this.corpus.spans[row];
      this.logger.warn(`${span.file}:${span.line + 1}: the stored entities are not used for training: ${(e as Error).message}`);
      if (was) this.engine.setLabel(row, null);
      this.labeledRows.delete(row);
      return was;
    }
    if (kept === null) this.labeledRows.delete(row);
    else this.labeledRows.add(row);
    return true;
  }

  /** The entities of labels in labelwise.spanLabels, as plain offsets. */
  private knownEntities(entities: readonly EntityInText[]): EntityInText[] {
    const known = this.settings.spanLabels as readonly string[];
    return entities.filter((e) => known.includes(e.label)).map((e) => ({ start: e.start, end: e.end, label: e.label }));
  }

  private async runRound(): Promise<RoundInfo> {
    const picked = new Map(this.pickedThisRound);
    this.pickedThisRound.clear();
    const tested = this.prequential.take();
    const training = new Set(this.labeledRows);
    let r: Awaited<ReturnType<SpanLabelingEngine['retrain']>>;
    try {
      r = await this.exclusive(() => this.engine.retrain());
    } catch (e) {
      for (const [row, strategy] of picked) if (!this.pickedThisRound.has(row) && this.labeledRows.has(row)) this.pickedThisRound.set(row, strategy);
      this.prequential.restore(tested, (row) => this.labeledRows.has(row));
      throw e;
    }
    // Retraining on the stored labels at start repeats the last recorded round: not a new point.
    const restored = this.restoredLast?.labels;
    this.restoredLast = undefined;
    const repeat = restored !== undefined && restored === r.labeled;
    if (!repeat) this.round++;
    const picks: Record<string, number> = {};
    for (const s of picked.values()) picks[s] = (picks[s] ?? 0) + 1;
    this.trainedOn = training;
    // An answer undone while the round trained is not counted.
    const score = spanScore([...tested].filter(([row]) => this.labeledRows.has(row)).map(([, c]) => c));
    const info: RoundInfo = { round: Math.max(1, this.round), labels: r.labeled, weights: r.weights, ...(picked.size > 0 ? { picks } : {}), ...(score ? { spanScore: score } : {}), millis: r.millis };
    this.logger.info(
      `retrained the entity tagger on ${info.labels} sentences in ${Math.round(info.millis)} ms` +
        (score ? `; span F1 ${(score.f1 * 100).toFixed(1)}% on ${score.sentences} new answers before the tagger saw them` : ''),
    );
    if (repeat) return info;
    this.weightPoints.push({ round: info.round, labels: info.labels, weights: info.weights, ...(info.picks ? { picks: info.picks } : {}) });
    if (score) this.curvePoints.push({ labels: info.labels, accuracy: score.f1, precision: score.precision, recall: score.recall, sentences: score.sentences });
    const file = this.curveFile;
    if (file !== undefined) {
      const newLineFirst = this.curveNewLineFirst;
      this.curveNewLineFirst = false;
      // One short append: the round is reported once its line is on disk (it never throws).
      await this.curveWrites.run(() => appendCurveLog(file, info, this.logger, { newLineFirst }));
    }
    return info;
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    return this.engineTurn.run(run);
  }

  private async pickOf(row: number, reason: PickReason | undefined): Promise<SpanPick> {
    const span = this.corpus.spans[row];
    const ctx = await this.corpus.context(span);
    const suggestions: SuggestedEntity[] = this.engine.trained ? this.engine.suggest(row) : [];
    // Test, then train: what a trained model suggests for a sentence it has not learned yet.
    if (this.engine.trained && !this.labeledRows.has(row) && !this.trainedOn.has(row)) this.prequential.shown(row, this.knownEntities(suggestions));
    return {
      id: span.id,
      file: span.file,
      line: span.line,
      start: span.start,
      end: span.end,
      text: span.text,
      before: ctx.before,
      after: ctx.after,
      tokens: this.engine.records[row].tokens.tokens.map((t) => ({ start: t.start, end: t.end })),
      suggestions,
      ...(reason ? { reason } : {}),
    };
  }
}

/** A span engine's pick as the worker reports it (votes: none; the committee speaks through uncertainEntities). */
function reasonOf(q: SpanEngineQuery): PickReason {
  return {
    strategy: q.strategy,
    score: q.score,
    votes: {},
    ...(q.rank !== undefined && q.poolSize !== undefined ? { rank: q.rank, poolSize: q.poolSize } : {}),
    ...(q.regime !== undefined ? { regime: q.regime } : {}),
    ...(q.armReason !== undefined ? { armReason: q.armReason } : {}),
    uncertainEntities: q.uncertainEntities,
  };
}
