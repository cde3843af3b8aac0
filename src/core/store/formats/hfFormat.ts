import { isLabeled, labelsOf, type LabelEvent } from '../events';

/**
 * Hugging Face datasets-ready JSONL: training data only (accepted decisions with a label or
 * spans), flat columns so `datasets.load_dataset("json", data_files=...)` reads them as is.
 *
 * - classification: `{"text", "label": <class index>, "label_text", "id", "file", "start", "end"}`;
 *   the class names go in a sidecar `<name>.labels.json`: `{"label_names": [...], "features": {...}}`
 *   where `features` is a `datasets.Features` dict (ClassLabel for `label`) for
 *   `Features.from_dict(...)`, so the label column can be loaded as a ClassLabel.
 * - multi-label: `{"text", "labels": [<class index>, ...], "labels_text": [...], "id", ...}`, the
 *   sidecar declaring `labels` a Sequence of ClassLabel.
 * - entity spans: `{"text", "spans": [{"start", "end", "label"}], "id", "file", "start", "end"}`
 *   (character offsets, end exclusive, as in the gold datasets).
 *
 * Label order: the given label set first (so indices match the setting), then any other labels
 * found, sorted.
 */
export interface HfExport {
  readonly content: string;
  readonly labelNames: readonly string[];
  /** The sidecar's JSON text; present when there are classification records. */
  readonly sidecar?: string;
  readonly count: number;
}

export function exportHf(decisions: readonly LabelEvent[], labels: readonly string[] = []): HfExport {
  const kept = decisions.filter(isLabeled);
  const found = new Set<string>();
  for (const e of kept) if (e.spans.length === 0) for (const l of labelsOf(e)) found.add(l);
  const labelNames = [...labels, ...[...found].filter((l) => !labels.includes(l)).sort()];
  const index = new Map(labelNames.map((l, i) => [l, i]));
  let content = '';
  let classify = 0;
  let multi = 0;
  for (const e of kept) {
    const place = { id: e.id, file: e.source.file, start: e.source.start, end: e.source.end };
    if (e.spans.length > 0) {
      content += JSON.stringify({ text: e.text, spans: e.spans.map((s) => ({ start: s.start, end: s.end, label: s.label })), ...place }) + '\n';
    } else if (e.labels !== undefined) {
      // Multi-label: a list of class indices (a Sequence of ClassLabel) and their names.
      content += JSON.stringify({ text: e.text, labels: e.labels.map((l) => index.get(l)), labels_text: e.labels, ...place }) + '\n';
      multi++;
    } else {
      const label = e.label as string;
      content += JSON.stringify({ text: e.text, label: index.get(label), label_text: label, ...place }) + '\n';
      classify++;
    }
  }
  const value = (dtype: string): Record<string, string> => ({ dtype, _type: 'Value' });
  const sidecar =
    classify + multi > 0
      ? JSON.stringify(
          {
            label_names: labelNames,
            features: {
              text: value('string'),
              ...(classify > 0 ? { label: { names: labelNames, _type: 'ClassLabel' }, label_text: value('string') } : {}),
              ...(multi > 0 ? { labels: { feature: { names: labelNames, _type: 'ClassLabel' }, _type: 'Sequence' }, labels_text: { feature: value('string'), _type: 'Sequence' } } : {}),
              id: value('string'),
              file: value('string'),
              start: value('int64'),
              end: value('int64'),
            },
          },
          null,
          2,
        ) + '\n'
      : undefined;
  return { content, labelNames, count: kept.length, ...(sidecar !== undefined ? { sidecar } : {}) };
}

/** The sidecar path for an HF export path: `train.jsonl` → `train.labels.json`. */
export function hfSidecarPath(out: string): string {
  return out.replace(/\.jsonl?$/i, '') + '.labels.json';
}

/** Reads the label names from a sidecar's JSON text (or a bare JSON array of names). */
export function parseHfLabelNames(json: string): string[] | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch (e) {
    return { error: `not valid JSON (${(e as Error).message})` };
  }
  const names = Array.isArray(v) ? v : typeof v === 'object' && v !== null ? (v as { label_names?: unknown }).label_names : undefined;
  if (!Array.isArray(names) || !names.every((n): n is string => typeof n === 'string')) {
    return { error: 'expected {"label_names": [...]} or a JSON array of label names' };
  }
  return names;
}
