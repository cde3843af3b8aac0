import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Disposable } from '../../../src/core/types';
import { LabelwiseApp, type PanelLike } from '../../../src/extension/labelwiseApp';
import { AnswerCommand, ReadyCommand, StateNotification, type HostToWebview, type PanelState } from '../../../src/protocol';
import { TOPICS } from '../session/testCorpus';
import { FakeSurface, type FakeMarkdown } from './fakeSurface';
import { inProcessWorker, until } from './inProcessApp';

/** A panel that notes, for every state posted, what the status bar showed at that moment. */
class RecordingPanel implements PanelLike {
  readonly states: { readonly state: PanelState; readonly statusText: string }[] = [];
  private readonly handlers = new Set<(m: unknown) => void>();
  constructor(private readonly surface: FakeSurface) {}
  post(msg: HostToWebview): void {
    if (StateNotification.is(msg)) this.states.push({ state: msg.params, statusText: this.surface.items[0]?.text ?? '' });
  }
  reveal(): void {}
  onMessage(h: (m: unknown) => void): Disposable {
    this.handlers.add(h);
    return { dispose: () => this.handlers.delete(h) };
  }
  onDidDispose(): Disposable {
    return { dispose: () => undefined };
  }
  dispose(): void {}
  send(m: unknown): void {
    for (const h of this.handlers) h(m);
  }
  last(): PanelState | undefined {
    return this.states.at(-1)?.state;
  }
}



const tooltip = (surface: FakeSurface): string => (surface.items[0].tooltip as FakeMarkdown).markdown;

describe('progress: the status bar and the panel count the same, and the last figures survive a reload', () => {
  let dir: string;
  let surface: FakeSurface;
  let panel: RecordingPanel;
  let app: LabelwiseApp;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelwise-progress-'));
    for (const [f, lines] of Object.entries(TOPICS)) writeFileSync(join(dir, f), lines.join('\n') + '\n');
    surface = new FakeSurface();
    surface.root = dir;
    surface.settings.set('labelwise.labels', ['sport', 'science']);
    surface.settings.set('labelwise.strategy', 'margin');
    surface.settings.set('labelwise.annotator', 'kim');
    panel = new RecordingPanel(surface);
    app = new LabelwiseApp({ surface, openPanel: () => panel, startWorker: inProcessWorker() });
  });
  afterEach(() => {
    app.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('answers arriving back to back: every state the panel gets, the status bar already shows', async () => {
    await app.start();
    panel.send(ReadyCommand.create({ restored: false }));
    const first = await until('spans', () => ((panel.last()?.queue.length ?? 0) >= 9 ? panel.last() : undefined));
    const spans = [first.current!, ...first.queue].slice(0, 10);
    const from = panel.states.length;
    // All ten in one go, as a fast typist's keys reach the host: no waiting between them.
    spans.forEach((s, i) => panel.send(AnswerCommand.create({ spanId: s.id, label: s.file === 'sport.txt' ? 'sport' : 'science', answer: i === 9 ? 'ignore' : 'accept' }, i + 1)));
    await until('all ten answers', () => panel.last()?.ackSeq === 10);
    const during = panel.states.slice(from);
    assert.ok(during.length >= 10, `a state per answer (got ${during.length})`);
    for (const { state, statusText } of during) {
      assert.equal(statusText, `$(tag) ${state.session.labeled}/${state.session.budget}`, `status bar when the panel got ${state.session.labeled}`);
    }
    assert.equal(panel.last()?.session.labeled, 9);
    assert.equal(panel.last()?.session.decided, 10);
    assert.equal(surface.items[0].text, '$(tag) 9/200');
    const perLabel = panel.last()?.session.perLabel ?? {};
    const sport = spans.slice(0, 9).filter((s) => s.file === 'sport.txt').length;
    assert.deepEqual({ ...perLabel }, { sport, science: 9 - sport });
    assert.match(tooltip(surface), new RegExp(`Per label: sport ${sport} \\(${Math.round((sport / 9) * 100)}%\\)`));
    assert.match(tooltip(surface), /Candidate spans: 12 \(10 decided/);
  });

  test('a retrain gives the estimate with its 95 % interval, stored in curve.jsonl and shown again after a restart', async () => {
    // One round, the one asked for (no automatic retrain at the tenth label).
    surface.settings.set('labelwise.autoRetrainEvery', 0);
    await app.start();
    panel.send(ReadyCommand.create({ restored: false }));
    const first = await until('spans', () => ((panel.last()?.queue.length ?? 0) >= 11 ? panel.last() : undefined));
    [first.current!, ...first.queue].forEach((s, i) => panel.send(AnswerCommand.create({ spanId: s.id, label: s.file === 'sport.txt' ? 'sport' : 'science', answer: 'accept' }, i + 1)));
    await until('twelve answers', () => panel.last()?.ackSeq === 12);
    const round = await app.retrain();
    assert.equal(round?.labels, 12);
    assert.ok(round?.estimatedAccuracy !== undefined && round.accuracyInterval, JSON.stringify(round));
    const iv = round.accuracyInterval;
    assert.equal(iv.n, 12, 'every label is predicted once, held out');
    assert.ok(iv.low <= round.estimatedAccuracy && round.estimatedAccuracy <= iv.high);
    const s = panel.last()?.session;
    assert.equal(s?.rounds, 1);
    assert.deepEqual(s?.accuracyInterval, iv);
    assert.match(tooltip(surface), /95% interval \d+%–\d+% \(cross-validated on 12 labels; Wilson score interval over its 12 held-out predictions\)/);
    app.dispose();

    const surface2 = new FakeSurface();
    surface2.root = dir;
    for (const [k, v] of surface.settings) surface2.settings.set(k, v);
    const panel2 = new RecordingPanel(surface2);
    const app2 = new LabelwiseApp({ surface: surface2, openPanel: () => panel2, startWorker: inProcessWorker() });
    try {
      await app2.start();
      const s2 = panel2.last()?.session;
      assert.equal(s2?.rounds, 1, 'the start retrain on the same labels repeats round 1');
      assert.equal(s2?.estimatedAccuracy, round.estimatedAccuracy);
      assert.deepEqual(s2?.accuracyInterval, iv);
      assert.match(surface2.items[0].tooltip ? (surface2.items[0].tooltip as FakeMarkdown).markdown : '', /Retrain rounds: 1/);
    } finally {
      app2.dispose();
    }
  });

  test('after a reload the last round of curve.jsonl is shown before any retrain (no labels to retrain on)', async () => {
    mkdirSync(join(dir, '.labelwise'));
    writeFileSync(
      join(dir, '.labelwise', 'curve.jsonl'),
      '{"round":1,"labels":20,"accuracy":0.6,"weights":{"margin":1},"ts":"2026-12-01T10:00:00Z"}\n' +
        '{"round":2,"labels":40,"accuracy":0.75,"interval":{"low":0.598,"high":0.858,"n":40,"level":0.95},"weights":{"margin":1},"ts":"2026-12-01T10:05:00Z"}\n',
    );
    const c = await app.start();
    assert.equal(c?.roundCount, 2);
    const s = panel.last()?.session;
    assert.equal(s?.rounds, 2);
    assert.equal(s?.estimatedAccuracy, 0.75);
    assert.deepEqual(s?.accuracyInterval, { low: 0.598, high: 0.858, n: 40, level: 0.95 });
    assert.equal(s?.accuracyLabels, 40);
    assert.equal(surface.items[0].text, '$(tag) 0/200 · 75%');
    assert.match(tooltip(surface), /Retrain rounds: 2/);
    assert.match(tooltip(surface), /Estimated accuracy: \*\*75%\*\*, 95% interval 60%–86% \(cross-validated on 40 labels/);
  });

  test('a reloaded window shows the last recorded figures in the status bar before any session starts', () => {
    mkdirSync(join(dir, '.labelwise'));
    writeFileSync(
      join(dir, '.labelwise', 'curve.jsonl'),
      '{"round":3,"labels":40,"accuracy":0.75,"interval":{"low":0.598,"high":0.858,"n":40,"level":0.95},"weights":{"margin":1},"ts":"2026-12-01T10:05:00Z"}\n',
    );
    const reloaded = new FakeSurface();
    reloaded.root = dir;
    for (const [k, v] of surface.settings) reloaded.settings.set(k, v);
    const app2 = new LabelwiseApp({ surface: reloaded, openPanel: () => new RecordingPanel(reloaded), startWorker: inProcessWorker() });
    try {
      assert.equal(app2.activeController, undefined);
      assert.equal(reloaded.items[0].text, '$(tag) 0/200 · 75%');
      assert.match(tooltip(reloaded), /95% interval 60%–86% \(cross-validated on 40 labels/);
      assert.match(tooltip(reloaded), /Retrain rounds: 3 \(as last recorded\)/);
    } finally {
      app2.dispose();
    }
  });
});
