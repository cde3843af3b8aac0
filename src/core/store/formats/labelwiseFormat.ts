import { serializeEvent } from '../labelStore';
import { parseLabelEvent, type LabelEvent } from '../events';
import { recordsToEvents, ImportError, type ImportOptions, type ImportProblem, type ImportResult } from './importRecords';
import { readJsonl } from './jsonl';

/** Labelwise JSONL: the store's own event lines. */
export function exportLabelwise(events: readonly LabelEvent[]): string {
  return events.map((e) => serializeEvent(e) + '\n').join('');
}

/**
 * Reads Labelwise JSONL (an export, or another workspace's labels.jsonl). Events keep their ids,
 * offsets, annotators and undo/resolve flags, so replaying them gives the same decisions; each is
 * tagged with where it was imported from. All or nothing.
 */
export function importLabelwise(content: string, importName: string, options: ImportOptions): ImportResult {
  const problems: ImportProblem[] = [];
  const events: LabelEvent[] = [];
  const allowed = options.labels && options.labels.length > 0 ? new Set(options.labels) : undefined;
  for (const l of readJsonl(content)) {
    if ('error' in l) {
      problems.push({ file: importName, line: l.line, reason: l.error });
      continue;
    }
    const parsed = parseLabelEvent(l.value);
    if ('error' in parsed) {
      problems.push({ file: importName, line: l.line, reason: `not a label event: ${parsed.error}` });
      continue;
    }
    const e = parsed.event;
    // Classification labels against labelwise.labels, entity labels against labelwise.spanLabels when given.
    const entityLabels = options.spanLabels && options.spanLabels.length > 0 ? new Set(options.spanLabels) : allowed;
    const badLabel = allowed && !e.undo ? [e.label, ...(e.labels ?? [])].find((x) => x !== null && !allowed.has(x)) : undefined;
    const badEntity = entityLabels && !e.undo ? e.spans.find((s) => !entityLabels.has(s.label)) : undefined;
    if (badLabel !== undefined && badLabel !== null) {
      problems.push({ file: importName, line: l.line, reason: `label "${badLabel}" is not in the label set (${[...(allowed ?? [])].join(', ')})` });
      continue;
    }
    if (badEntity && entityLabels) {
      problems.push({ file: importName, line: l.line, reason: `span label "${badEntity.label}" is not in the ${entityLabels === allowed ? 'label set' : 'entity label set, labelwise.spanLabels'} (${[...entityLabels].join(', ')})` });
      continue;
    }
    if (options.multiLabel === false && e.labels !== undefined && !e.undo) {
      problems.push({ file: importName, line: l.line, reason: 'the event holds a label set (multi-label): set labelwise.multiLabel to import label sets' });
      continue;
    }
    events.push({ ...e, imported: e.imported ?? { format: 'labelwise', file: importName, line: l.line } });
  }
  if (problems.length > 0) throw new ImportError(importName, problems);
  if (events.length === 0) return recordsToEvents('labelwise', importName, [], [], options);
  return { format: 'labelwise', events, bySource: events.length, byText: 0, freeStanding: 0 };
}
