import type { Disposable } from '../core/types';
import type { StatusBarItemLike, VscodeSurface } from './surface';

/** What the status bar shows. */
export interface StatusInfo {
  readonly labeled: number;
  readonly budget: number;
  readonly estimatedAccuracy?: number;
  /** Whether a session is running (otherwise the item invites to start one). */
  readonly active: boolean;
  readonly retraining: boolean;
  readonly annotator: string;
  readonly strategy: string;
  readonly provider?: 'cpu' | 'cuda';
  readonly spans?: number;
  readonly rounds?: number;
  /** 95 % interval of the estimate and the held-out predictions behind it. */
  readonly accuracyInterval?: { readonly low: number; readonly high: number; readonly n: number; readonly level: number };
  /** Labels the estimate was made on (the last retrain's). */
  readonly accuracyLabels?: number;
  /** Labeled spans per label. */
  readonly perLabel?: Readonly<Record<string, number>>;
  /** Spans with any decision (labeled, skipped or rejected). */
  readonly decided?: number;
  /** In a multi-root workspace: which folder Labelwise works in (workspaceFolders.ts). */
  readonly folder?: string;
}

export interface StatusRender {
  readonly text: string;
  /** Markdown source of the tooltip. */
  readonly tooltip: string;
  readonly warning: boolean;
}

/** The command a click on the item runs: it opens (or reveals) the panel. */
export const STATUS_COMMAND = 'labelwise.startSession';

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function accuracyLine(acc: number, interval: StatusInfo['accuracyInterval'], labels: number | undefined): string {
  const on = labels !== undefined ? ` on ${labels} labels` : ' on the labels so far';
  if (!interval) return `Estimated accuracy: **${pct(acc)}** (cross-validated${on})`;
  return (
    `Estimated accuracy: **${pct(acc)}**, ${pct(interval.level)} interval ${pct(interval.low)}–${pct(interval.high)} ` +
    `(cross-validated${on}; Wilson score interval over its ${interval.n} held-out predictions)`
  );
}

/** "Per label: a 12 (60%) · b 8 (40%)", or nothing before the first label. */
function balanceLine(perLabel: StatusInfo['perLabel'], labeled: number): string | undefined {
  if (!perLabel || labeled === 0) return undefined;
  const parts = Object.entries(perLabel).map(([name, n]) => `${name} ${n} (${pct(n / labeled)})`);
  return parts.length > 0 ? `Per label: ${parts.join(' · ')}` : undefined;
}

/** Text, tooltip and background of the item for a given state. Pure, so tests pin it down. */
export function renderStatus(s: StatusInfo): StatusRender {
  const spent = s.labeled >= s.budget;
  let text = `$(tag) ${s.labeled}/${s.budget}`;
  if (s.estimatedAccuracy !== undefined) text += ` · ${pct(s.estimatedAccuracy)}`;
  if (s.retraining) text += ' $(sync~spin)';
  const lines = [
    `**Labelwise** — ${s.labeled} of ${s.budget} labels${spent ? ' (budget spent)' : ''}`,
    '',
    s.estimatedAccuracy !== undefined ? accuracyLine(s.estimatedAccuracy, s.accuracyInterval, s.accuracyLabels) : 'Estimated accuracy: not yet (needs more labels and a retrain)',
  ];
  const balance = balanceLine(s.perLabel, s.labeled);
  if (balance) lines.push(balance);
  if (s.active) {
    lines.push(`Strategy: ${s.strategy}`, `Annotator: ${s.annotator}`);
    if (s.spans !== undefined) lines.push(`Candidate spans: ${s.spans}` + (s.decided !== undefined ? ` (${s.decided} decided: labeled, skipped or rejected)` : ''));
    if (s.provider) lines.push(`Encoder on: ${s.provider.toUpperCase()}`);
    if (s.rounds !== undefined) lines.push(`Retrain rounds: ${s.rounds}`);
    if (s.retraining) lines.push('Retraining in the background…');
    lines.push('', 'Click to open the labeling panel.');
  } else {
    if (s.rounds !== undefined) lines.push(`Retrain rounds: ${s.rounds} (as last recorded)`);
    lines.push('', 'Click to start a labeling session.');
  }
  if (s.folder) lines.push('', s.folder);
  // Two trailing spaces: a Markdown line break, so each detail gets its own line.
  return { text, tooltip: lines.join('  \n'), warning: spent };
}

/** The status bar item: label budget progress and estimated accuracy; click opens the panel. */
export class StatusBar implements Disposable {
  private readonly item: StatusBarItemLike;

  constructor(private readonly surface: VscodeSurface) {
    this.item = surface.createStatusBarItem();
    this.item.name = 'Labelwise';
    this.item.command = STATUS_COMMAND;
  }

  update(s: StatusInfo): void {
    const r = renderStatus(s);
    this.item.text = r.text;
    this.item.tooltip = this.surface.markdown(r.tooltip);
    this.item.backgroundColor = r.warning ? this.surface.themeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
