import { homedir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { downloadedHubModel, downloadNotAllowedMessage, ensureHubModel, hubEndpoint, isHubModelId } from '../core/encoders/hubDownload';
import { LabelwiseError, SettingError } from '../core/errors';
import { settingKeys, type LabelwiseSettings, type SessionSettings } from '../core/settings';
import { CancelledError } from '../core/session/cancelledError';
import { SingleFlight } from '../core/util/singleFlight';
import { lastRecordedRound } from '../core/session/curveLog';
import type { AnchorParams, AnchorReport, RoundInfo, RoundSummary } from '../core/session/workerProtocol';
import { decisionParams, type LabelEvent } from '../core/store/events';
import { LabelStore, storePath } from '../core/store/labelStore';
import type { OrphanSpan } from '../core/store/reanchor';
import { resolveInWorkspace } from '../core/store/workspacePath';
import type { CandidateSpan, Disposable, Logger } from '../core/types';
import { createTextLookup } from '../core/store/formats/importRecords';
import { NoticeNotification, StateNotification, type HostToWebview, type PanelState, type PanelView, type SessionSummary, type SpanView } from '../protocol';
import { isLabelSet } from '../core/settingsParser';
import { checkSessionStartable, readSettings, restrictToTrust } from './config';
import { CONTEXT_KEYS, ContextKeys } from './contextKeys';
import { askForLabels, askForSpanLabels } from './labelSet';
import { countsAsLabeled, LabelingController } from './labelingController';
import { StatusBar } from './statusBar';
import type { LogOutputLike, VscodeSurface } from './surface';
import { folderChoiceNote } from './workspaceFolders';
import type { WorkerClient } from './workerClient';

/** The panel as the app drives it (panelHost.ts wraps a WebviewPanel). */
export interface PanelLike {
  /** Posts once the webview said `ready`; returns false when the message was not delivered. */
  post(msg: HostToWebview): void;
  reveal(): void;
  onMessage(handler: (msg: unknown) => void): Disposable;
  onDidDispose(handler: () => void): Disposable;
  dispose(): void;
}

export interface AppDeps {
  readonly surface: VscodeSurface;
  /** Opens the panel (or wraps one restored by the serializer). */
  readonly openPanel: () => PanelLike;
  /** Starts the engine worker. */
  readonly startWorker: (logger: Logger) => WorkerClient;
  /**
   * Folder of the embedding cache. The extension passes its workspace storage: vectors are a
   * rebuildable cache and do not belong in `.labelwise/`, which users commit.
   */
  readonly cacheDir?: (root: string) => string;
  /**
   * Folder of the Hugging Face hub models downloaded for `labelwise.model` = `owner/name` (the
   * extension passes its globalStorage: one download serves every workspace).
   */
  readonly modelStorageDir?: () => string;
  /** Called whenever the label store changed (decorations). */
  readonly onStoreChanged?: (store: LabelStore, root: string, orphans: readonly OrphanSpan[]) => void;
}

/** Where a span is: what opening it needs (a SpanView, or a stored event's source). */
type SpanPlace = Pick<SpanView, 'file' | 'start' | 'end'> & { readonly line?: number };

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** `.labelwise/curve.jsonl`: the rounds of every session, beside the label store. */
function curvePath(root: string, task: LabelwiseSettings['task'] = 'classify'): string {
  // The spans task's rounds (strategy weights, no accuracy estimate) have a file of their own, so
  // neither task's curve view shows the other's rounds.
  return join(dirname(storePath(root)), task === 'spans' ? 'curve-spans.jsonl' : 'curve.jsonl');
}

/** Workspace-relative path with forward slashes, as the store writes it. */
export function toRelative(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}

/**
 * The extension's state and behaviour behind the commands, vscode-free (through VscodeSurface):
 * one labeling session at a time, its panel, the status bar and the output channel.
 */
export class LabelwiseApp implements Disposable {
  readonly output: LogOutputLike;
  readonly logger: Logger;
  private readonly statusBar: StatusBar;
  private panel: PanelLike | undefined;
  private panelSubs: Disposable[] = [];
  private worker: WorkerClient | undefined;
  private controller: LabelingController | undefined;
  private store: LabelStore | undefined;
  private root: string | undefined;
  private readonly starting = new SingleFlight<LabelingController | undefined>();
  private orphans: OrphanSpan[] = [];
  private readonly subs: Disposable[] = [];
  private disposed = false;
  private readonly contextKeys: ContextKeys;
  /** The multi-root note last logged (workspaceFolders.ts), so it is logged once per change. */
  private folderNote: string | undefined;

  constructor(private readonly deps: AppDeps) {
    this.output = deps.surface.createOutput('Labelwise');
    // A log channel: VS Code adds the time and level to each line.
    this.logger = { info: (m) => this.output.info(m), warn: (m) => this.output.warn(m), error: (m) => this.output.error(m) };
    this.contextKeys = new ContextKeys(deps.surface);
    this.statusBar = new StatusBar(deps.surface);
    this.subs.push(deps.surface.onSettingsChanged(() => this.settingsChanged()));
    // Settings that Restricted Mode set aside (labelwise.model) apply once the workspace is trusted.
    this.subs.push(deps.surface.onTrustGranted(() => this.settingsChanged()));
    this.refreshStatus();
  }

  /** The labeling controller of the running session (the host side), if one runs. */
  get activeController(): LabelingController | undefined {
    return this.controller;
  }

  /** Settings as they are now, as this workspace's trust allows; a bad value throws a SettingError naming it. */
  settings(): LabelwiseSettings {
    return this.trustedSettings().settings;
  }

  private trustedSettings(): ReturnType<typeof restrictToTrust> {
    return restrictToTrust(readSettings((k) => this.deps.surface.getSetting(k)), this.deps.surface.isTrusted());
  }

  /** The workspace folder, or an error saying one is needed. */
  workspaceRoot(): string {
    const root = this.deps.surface.workspaceRoot();
    if (!root) throw new LabelwiseError('open a folder first: Labelwise labels the text files of a workspace folder');
    return root;
  }

  /** The label store of the workspace (opened once, shared with the session). */
  openStore(): LabelStore {
    const root = this.workspaceRoot();
    if (!this.store || this.root !== root) {
      this.store?.close();
      this.store = LabelStore.open(storePath(root), { logger: this.logger });
      // The store reports skipped lines (file:line: reason) through the logger as it loads.
      this.root = root;
    }
    return this.store;
  }

  /**
   * "Start Labeling Session": opens the panel at once, then prepares the session in the worker
   * behind a cancellable progress notification. With a session running it only reveals the panel.
   */
  async start(view: PanelView = 'label'): Promise<LabelingController | undefined> {
    if (this.controller) {
      this.ensurePanel().reveal();
      if (view !== this.controller.state().view) await this.controller.showView(view);
      return this.controller;
    }
    if (this.starting.busy) this.ensurePanel().reveal();
    return this.starting.run(() => this.doStart(view));
  }

  /**
   * Wraps a panel restored by VS Code after a window reload and starts the session behind it. One
   * panel per window: when "Start Labeling Session" already opened one (it can run before the
   * serializer), or another panel was restored first, the extra one is closed, never left live
   * and unheard.
   */
  async restorePanel(panel: PanelLike): Promise<void> {
    if (this.panel !== undefined && this.panel !== panel) {
      this.logger.info('a restored Labelwise panel was closed: this window already has one');
      panel.dispose();
      this.panel.reveal();
    } else {
      this.attachPanel(panel);
    }
    await this.start();
  }

  /** Stops the session (worker and panel state); the store stays open. */
  stop(): void {
    this.controller?.dispose();
    this.controller = undefined;
    this.worker?.dispose();
    this.worker = undefined;
    this.refreshStatus();
  }

  /** Restarts the session with the current settings, keeping the panel. */
  async restart(): Promise<LabelingController | undefined> {
    const view = this.controller?.state().view ?? 'label';
    this.stop();
    return this.start(view);
  }

  async retrain(): Promise<RoundInfo | undefined> {
    const c = this.controller ?? (await this.start());
    if (!c) return undefined;
    try {
      const round = await this.deps.surface.withProgress('Labelwise: retraining', (progress, signal) =>
        c.retrain({ signal, onProgress: (message) => progress.report({ message }) }),
      );
      const acc = round.estimatedAccuracy !== undefined ? `; estimated accuracy ${(round.estimatedAccuracy * 100).toFixed(1)}%` : '';
      void this.deps.surface.showInfo(`Labelwise: retrained on ${round.labels} labels in ${Math.round(round.millis)} ms${acc}.`);
      return round;
    } catch (e) {
      this.report(e, 'Retrain failed');
      return undefined;
    }
  }

  /**
   * Finds corpus spans by text, for imports of records that carry no workspace place (plain or
   * Prodigy JSONL): only while a session runs, since the worker holds the corpus.
   */
  async textLookup(): Promise<((text: string) => CandidateSpan | undefined) | undefined> {
    if (!this.controller || !this.worker) return undefined;
    const spans = await this.worker.request('spans', {});
    return createTextLookup(spans);
  }

  /** Re-reads the store (after an import) and tells the worker about every changed span. */
  afterImport(events: readonly LabelEvent[]): void {
    this.refreshStatus();
    if (this.store && this.root) this.deps.onStoreChanged?.(this.store, this.root, this.orphans);
    const c = this.controller;
    if (!c || !this.worker) return;
    const store = this.openStore();
    for (const id of new Set(events.map((e) => e.id))) {
      const cur = store.state.current(id);
      void this.worker
        .request('decide', decisionParams(id, cur))
        .catch((e: unknown) => this.logger.warn(`engine did not take imported decision ${id}: ${errorText(e)}`));
    }
  }

  /** Shows an error to the user (and in the output channel), naming the setting when there is one. */
  report(e: unknown, what: string): void {
    if (CancelledError.is(e)) {
      this.logger.info(`${what}: cancelled`);
      return;
    }
    this.logger.error(`${what}: ${errorText(e)}`);
    const setting = (e as { setting?: unknown }).setting;
    if (typeof setting === 'string' && setting.startsWith('labelwise.')) {
      void this.deps.surface.showError(`Labelwise: ${errorText(e)}`, 'Open Settings').then((a) => {
        if (a === 'Open Settings') return this.deps.surface.openSettings(setting);
        return undefined;
      });
    } else {
      void this.deps.surface.showError(`Labelwise: ${errorText(e)}`);
    }
  }

  /**
   * Updates the status bar. With a session it shows `session`, the summary the panel gets in the
   * same tick (publish()), so the two never show different counts; without one, the store's count.
   */
  refreshStatus(session: SessionSummary | undefined = this.controller?.summary()): void {
    const c = this.controller;
    const folder = folderChoiceNote(this.deps.surface.workspaceFolders(), this.deps.surface.workspaceRoot());
    if (folder !== this.folderNote) {
      this.folderNote = folder;
      if (folder) this.logger.info(folder);
    }
    if (c && session) {
      this.contextKeys.set(CONTEXT_KEYS.sessionActive, true);
      this.contextKeys.set(CONTEXT_KEYS.hasLabels, session.labeled > 0);
      this.statusBar.update({
        labeled: session.labeled,
        budget: session.budget,
        ...(session.estimatedAccuracy !== undefined ? { estimatedAccuracy: session.estimatedAccuracy } : {}),
        ...(session.accuracyInterval ? { accuracyInterval: session.accuracyInterval } : {}),
        ...(session.accuracyLabels !== undefined ? { accuracyLabels: session.accuracyLabels } : {}),
        active: true,
        retraining: c.retraining,
        annotator: session.annotator,
        strategy: session.strategy,
        provider: c.started.provider,
        spans: session.candidates ?? c.started.spans,
        rounds: session.rounds ?? c.roundCount,
        ...(session.perLabel ? { perLabel: session.perLabel } : {}),
        ...(session.decided !== undefined ? { decided: session.decided } : {}),
        ...(folder ? { folder } : {}),
      });
      return;
    }
    let settings: LabelwiseSettings | undefined;
    try {
      settings = this.settings();
    } catch {
      settings = undefined;
    }
    let labeled = 0;
    let last: RoundSummary | undefined;
    const root = this.deps.surface.workspaceRoot();
    if (root) {
      try {
        const task = settings?.task ?? 'classify';
        labeled = this.openStore().state.decisions().filter((e) => countsAsLabeled(e, task)).length;
      } catch {
        labeled = 0;
      }
      // The last figures recorded, before a session (re)starts: a reloaded window shows them at once.
      last = lastRecordedRound(curvePath(root, settings?.task));
    }
    this.contextKeys.set(CONTEXT_KEYS.sessionActive, false);
    this.contextKeys.set(CONTEXT_KEYS.hasLabels, labeled > 0);
    this.statusBar.update({
      labeled,
      budget: settings?.budget ?? 200,
      ...(last?.estimatedAccuracy !== undefined ? { estimatedAccuracy: last.estimatedAccuracy, accuracyLabels: last.labels } : {}),
      ...(last?.estimatedAccuracy !== undefined && last.accuracyInterval ? { accuracyInterval: last.accuracyInterval } : {}),
      ...(last ? { rounds: last.round } : {}),
      active: false,
      retraining: false,
      annotator: settings?.annotator ?? '',
      strategy: settings?.strategy ?? 'meta',
      ...(folder ? { folder } : {}),
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stop();
    for (const s of this.panelSubs) s.dispose();
    this.panel?.dispose();
    this.store?.close();
    for (const s of this.subs) s.dispose();
    this.statusBar.dispose();
    this.output.dispose();
  }

  /**
   * The `labelwise.model` value the worker loads: as set, or for a Hugging Face hub id the local
   * folder it was downloaded to (once, behind a cancellable progress notification, only with
   * labelwise.allowModelDownload on, which Restricted Mode turns off). A copy downloaded earlier is
   * used without the network. Undefined when the user cancelled the download.
   */
  private async resolveModel(settings: LabelwiseSettings, root: string): Promise<string | undefined> {
    const id = settings.model.trim();
    if (id === 'default' || !isHubModelId(id, root)) return settings.model;
    // Never under .labelwise/, which users commit.
    const storageDir = this.deps.modelStorageDir?.() ?? join(homedir(), '.cache', 'labelwise', 'models');
    const ready = downloadedHubModel(storageDir, id);
    if (ready) {
      this.logger.info(`model ${id}: using the copy downloaded to ${ready}`);
      return ready;
    }
    if (!settings.allowModelDownload) throw new SettingError(settingKeys.model, downloadNotAllowedMessage(id));
    const endpoint = hubEndpoint();
    this.logger.info(`model ${id}: downloading from ${endpoint} into ${storageDir}`);
    const t0 = Date.now();
    try {
      const got = await this.deps.surface.withProgress(`Labelwise: downloading ${id}`, (progress, signal) => {
        let last = 0;
        return ensureHubModel(id, {
          storageDir,
          endpoint,
          signal,
          onProgress: (p) => {
            const now = Date.now();
            if (now - last < 200 && p.received !== p.total) return;
            last = now;
            const mb = (n: number): string => (n / 1048576).toFixed(1);
            progress.report({ message: `${p.file}: ${mb(p.received)}${p.total !== undefined ? ` of ${mb(p.total)}` : ''} MB` });
          },
        });
      });
      this.logger.info(`model ${id}: downloaded and checked in ${((Date.now() - t0) / 1000).toFixed(1)} s (${got.folder})`);
      return got.folder;
    } catch (e) {
      if (CancelledError.is(e)) {
        this.logger.info(`model ${id}: download cancelled; nothing was kept`);
        return undefined;
      }
      throw e;
    }
  }

  private async doStart(view: PanelView): Promise<LabelingController | undefined> {
    let settings: LabelwiseSettings;
    let startable: SessionSettings;
    let workerModel: string;
    let root: string;
    let store: LabelStore;
    try {
      const trusted = this.trustedSettings();
      settings = trusted.settings;
      if (trusted.notice) {
        this.logger.warn(trusted.notice);
        void this.deps.surface.showWarning(`Labelwise: ${trusted.notice}.`);
      }
      root = this.workspaceRoot();
      // The spans task labels with labelwise.spanLabels; the classification set plays no part there.
      if (settings.task === 'classify' && !isLabelSet(settings.labels)) {
        // First run: ask for the label set here rather than sending the user to the settings.
        const labels = await askForLabels(this.deps.surface, settings.labels, 'Labelwise: labels for this workspace (saved to labelwise.labels)');
        if (!labels) {
          this.logger.info('no label set given; the labeling session was not started');
          return undefined;
        }
        settings = { ...settings, labels };
      }
      if (settings.task === 'spans' && settings.spanLabels.length === 0) {
        // First spans session: ask for the entity labels here too.
        const spanLabels = await askForSpanLabels(this.deps.surface, [], 'Labelwise: entity labels for this workspace (saved to labelwise.spanLabels)');
        if (!spanLabels) {
          this.logger.info('no entity labels given; the labeling session was not started');
          return undefined;
        }
        settings = { ...settings, spanLabels };
      }
      startable = checkSessionStartable(settings);
      store = this.openStore();
      // A hub model id becomes the folder it was downloaded to; the controller keeps the id (the
      // setting as written), the worker loads the folder.
      const model = await this.resolveModel(settings, root);
      if (model === undefined) return undefined;
      workerModel = model;
    } catch (e) {
      this.report(e, 'Cannot start a labeling session');
      return undefined;
    }
    const panel = this.ensurePanel();
    panel.reveal();
    this.postLoading(settings, 'Reading and encoding the corpus…');
    // As stored: the worker finds them again in the files (off this thread) and reports orphans.
    const decisions = store.state.decisions();
    this.logger.info(`session: ${decisions.length} stored decisions, annotator "${settings.annotator}", strategy ${settings.strategy}`);
    const worker = this.deps.startWorker(this.logger);
    this.worker = worker;
    try {
      const started = await this.deps.surface.withProgress('Labelwise: preparing the corpus', (progress, signal) => {
        let last = 0;
        return worker.request(
          'start',
          {
            root,
            settings: { ...startable, model: workerModel },
            cacheDir: this.deps.cacheDir?.(root) ?? join(root, '.labelwise', 'cache'),
            decisions,
            // Beside the label store (and committed with it): the curve view survives a restart.
            curveFile: curvePath(root, startable.task),
          },
          {
            signal,
            onProgress: (message, fraction) => {
              const pct = fraction !== undefined ? Math.round(fraction * 100) : last;
              progress.report({ message, increment: Math.max(0, pct - last) });
              last = Math.max(last, pct);
              this.postLoading(settings, message);
            },
          },
        );
      });
      this.logger.info(
        `session ready: ${started.spans} spans in ${started.files} files, encoder ${started.encoderId} on ${started.provider.toUpperCase()} ` +
          `(engine in a worker ${worker.kind}), ${started.restored} decisions restored, ${started.millis} ms`,
      );
      if (started.problems.length > 0) this.logger.warn(`${started.problems.length} corpus problems (listed above)`);
      if (started.anchors) this.showAnchors(started.anchors);
      const controller = new LabelingController({
        settings,
        store,
        worker,
        started,
        logger: this.logger,
        notify: (level, message, toast) => this.notify(level, message, toast),
        openSource: (span) => this.openSource(span),
        orphans: () => this.orphans,
      });
      this.controller = controller;
      controller.onChange(() => this.publish());
      worker.onNotification((n) => controller.notification(n));
      worker.onStopped((e) => {
        this.report(e, 'The labeling engine stopped');
        if (this.controller === controller) this.stop();
      });
      this.deps.onStoreChanged?.(store, root, this.orphans);
      // Decorations and the Labels view follow the store, not every panel change (a refill, a view).
      controller.onStoreChange(() => this.deps.onStoreChanged?.(store, root, this.orphans));
      if (view !== 'label') await controller.showView(view);
      await controller.refill();
      this.publish();
      return controller;
    } catch (e) {
      if (this.worker === worker) {
        worker.dispose();
        this.worker = undefined;
      }
      this.postLoading(settings, CancelledError.is(e) ? 'Cancelled. Run "Labelwise: Start Labeling Session" to try again.' : `Could not start: ${errorText(e)}`);
      this.report(e, 'Cannot start a labeling session');
      return undefined;
    }
  }

  /**
   * Finds the store's labeled spans again in their files and lists the ones that cannot be found
   * (file:line, text, label) in the output channel. The engine worker does the reading: the
   * session's, or a short-lived one when no session runs. Resolves to how many were orphaned.
   */
  async checkAnchors(): Promise<number> {
    const root = this.workspaceRoot();
    const settings = this.settings();
    const params: AnchorParams = {
      root,
      granularity: settings.granularity,
      include: settings.include,
      exclude: settings.exclude,
      maxFileSizeMB: settings.maxFileSizeMB,
      decisions: this.openStore().state.decisions(),
    };
    let report: AnchorReport;
    if (this.worker) {
      report = await this.worker.request('anchors', params);
    } else {
      const worker = this.deps.startWorker(this.logger);
      try {
        report = await worker.request('anchors', params);
      } finally {
        worker.dispose();
      }
    }
    this.showAnchors(report);
    if (this.store && this.root) this.deps.onStoreChanged?.(this.store, this.root, this.orphans);
    // The review view lists orphans too: show the fresh list if it is open.
    if (this.controller?.state().view === 'review') void this.controller.loadContested().catch(() => undefined);
    return this.orphans.length;
  }

  /** Keeps the orphans for the review view and lists them (file:line, text, label) in the output channel. */
  private showAnchors(r: AnchorReport): void {
    this.orphans = [...r.orphans];
    for (const o of r.orphans) {
      const where = o.reason === 'file-missing' ? (o.detail ? `is in a file that cannot be read (${o.detail})` : 'is in a file that is gone') : 'cannot be found after an edit';
      this.logger.warn(
        `${o.event.source.file}:${(o.event.source.line ?? 0) + 1}: labeled span ${where} ` +
          `("${o.event.text.slice(0, 60)}", label ${o.event.label ?? o.event.labels?.join(' + ') ?? o.event.answer}); kept in the store, not used for training`,
      );
    }
    const moved = Object.values(r.moved).reduce((a, b) => a + (b ?? 0), 0);
    if (moved > 0) {
      const how = Object.entries(r.moved).map(([k, n]) => `${n} ${k}`).join(', ');
      this.logger.info(`${moved} labeled spans moved after edits and were found again by their text (${how})`);
    }
  }

  private ensurePanel(): PanelLike {
    if (!this.panel) this.attachPanel(this.deps.openPanel());
    return this.panel as PanelLike;
  }

  private attachPanel(panel: PanelLike): void {
    for (const s of this.panelSubs) s.dispose();
    this.panel = panel;
    this.panelSubs = [
      panel.onMessage((msg) => {
        if (this.controller) void this.controller.handle(msg);
      }),
      panel.onDidDispose(() => {
        if (this.panel === panel) {
          this.panel = undefined;
          for (const s of this.panelSubs) s.dispose();
          this.panelSubs = [];
        }
      }),
    ];
  }

  /**
   * One state for the panel and the status bar, in the same tick and status bar first: whenever the
   * panel has a count, the status bar already shows it (never a count behind the panel's).
   */
  private publish(): void {
    const c = this.controller;
    if (!c) {
      this.refreshStatus();
      return;
    }
    const state = c.state();
    this.refreshStatus(state.session);
    this.panel?.post(StateNotification.create(state));
  }

  /** The panel's state while the session is being prepared: no span yet, a busy message. */
  private postLoading(settings: LabelwiseSettings, message: string): void {
    const state: PanelState = {
      view: 'label',
      session: {
        labels: (settings.task === 'spans' ? settings.spanLabels : settings.labels).map((name, i) => ({ name, key: i < 9 ? String(i + 1) : '' })),
        budget: settings.budget,
        labeled: this.store?.state.decisions().filter((e) => countsAsLabeled(e, settings.task)).length ?? 0,
        ...(settings.task === 'spans' ? { task: 'spans' as const, allowOverlap: settings.allowOverlap } : {}),
        annotator: settings.annotator,
        strategy: settings.strategy,
      },
      current: null,
      queue: [],
      undoDepth: 0,
      busy: { retraining: false, message },
      curve: [],
      weights: [],
      contested: [],
    };
    this.panel?.post(StateNotification.create(state));
  }

  private notify(level: 'info' | 'warning' | 'error', message: string, toast = false): void {
    this.logger[level === 'warning' ? 'warn' : level](message);
    if (this.panel) this.panel.post(NoticeNotification.create({ level, message }));
    if (this.panel && !toast) return;
    if (level === 'error') void this.deps.surface.showError(`Labelwise: ${message}`);
    else if (level === 'warning') void this.deps.surface.showWarning(`Labelwise: ${message}`);
  }

  /** Opens a stored span in its file (the Labels view), confined to the workspace like the panel's "open". */
  openSpan(span: SpanPlace): void {
    if (!this.root) this.openStore();
    this.openSource(span);
  }

  private openSource(span: SpanPlace): void {
    if (!this.root) return;
    // A store is committed with the corpus: never let a path in it open a file outside the workspace.
    const place = resolveInWorkspace(this.root, span.file);
    if ('error' in place) {
      this.notify('error', `Cannot open ${span.file}: ${place.error}`, true);
      return;
    }
    this.deps.surface.openSource(this.root, span.file, span.start, span.end, span.line).catch((e: unknown) => this.report(e, `Cannot open ${span.file}`));
  }

  private settingsChanged(): void {
    let next: LabelwiseSettings;
    try {
      next = this.settings();
    } catch (e) {
      this.report(e, 'Settings');
      this.refreshStatus();
      return;
    }
    const c = this.controller;
    if (c) {
      const needRestart = c.applySettings(next);
      if (needRestart.includes('task')) {
        // Another task is another session (its engine, labels and panel): restart it cleanly now.
        this.logger.info(`labelwise.task is now "${next.task}": restarting the labeling session`);
        void this.restart();
      } else if (needRestart.length > 0) {
        const names = needRestart.map((k) => `labelwise.${k}`).join(', ');
        void this.deps.surface.showInfo(`Labelwise: ${names} changed; restart the labeling session to apply.`, 'Restart Session').then((a) => {
          if (a === 'Restart Session' && this.controller === c) void this.restart();
        });
      }
    }
    this.refreshStatus();
  }
}
