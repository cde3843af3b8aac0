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

/** Text, tooltip and background of the item for a given state. Pure, so tests pin it down. */
export function renderStatus(s: StatusInfo): StatusRender {
  const spent = s.labeled >= s.budget;
  let text = `$(tag) ${s.labeled}/${s.budget}`;
  if (s.estimatedAccuracy !== undefined) text += ` · ${pct(s.estimatedAccuracy)}`;
  if (s.retraining) text += ' $(sync~spin)';
  const lines = [
    `**Labelwise** — ${s.labeled} of ${s.budget} labels${spent ? ' (budget spent)' : ''}`,
    '',
    s.estimatedAccuracy !== undefined
      ? `Estimated accuracy: **${pct(s.estimatedAccuracy)}** (cross-validated on the labels so far)`
      : 'Estimated accuracy: not yet (needs more labels and a retrain)',
  ];
  if (s.active) {
    lines.push(`Strategy: ${s.strategy}`, `Annotator: ${s.annotator}`);
    if (s.spans !== undefined) lines.push(`Candidate spans: ${s.spans}`);
    if (s.provider) lines.push(`Encoder on: ${s.provider.toUpperCase()}`);
    if (s.rounds !== undefined) lines.push(`Retrain rounds: ${s.rounds}`);
    if (s.retraining) lines.push('Retraining in the background…');
    lines.push('', 'Click to open the labeling panel.');
  } else {
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
