import { InputError } from '../../errors';
import { spanTokens, tokenRange, type SpanToken } from '../../text/spanTokens';
import type { EventSpan, LabelEvent } from '../events';

/**
 * Entity-span exports: CoNLL-2003 BIO, spaCy-style JSONL, Hugging Face `tokens` + `ner_tags` and
 * brat standoff (Prodigy's lives in prodigyFormat.ts). They hold span decisions only: live
 * accepts that are not classification decisions (`label` null, no label set), whose `spans` are
 * the entities; an accept with no spans is the answer "no entities" and is exported as a
 * sentence without entities. Tokens come from the one span token splitter (text/spanTokens.ts).
 */

/** Whether `e` is an entity-span decision (see the file comment). */
export function isSpanDecision(e: LabelEvent): boolean {
  return !e.undo && e.answer === 'accept' && e.label === null && e.labels === undefined;
}

/** The span decisions among `decisions`, in order. */
export function spanDecisions(decisions: readonly LabelEvent[]): LabelEvent[] {
  return decisions.filter(isSpanDecision);
}

/** The tokens of a decision's text, split at its spans' ends too (so every span is whole tokens). */
export function decisionTokens(e: LabelEvent): SpanToken[] {
  return spanTokens(e.text, e.spans.flatMap((s) => [s.start, s.end]));
}

/** Spans sorted by start (then end). */
function sorted(spans: readonly EventSpan[]): EventSpan[] {
  return [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * BIO tags of a decision's tokens. Overlapping spans (labelwise.allowOverlap) cannot be written in
 * BIO: refused, naming the decision, rather than silently dropping one.
 */
export function bioTags(e: LabelEvent, tokens: readonly SpanToken[], format: string): string[] {
  const tags = tokens.map(() => 'O');
  const spans = sorted(e.spans);
  for (const [k, s] of spans.entries()) {
    if (k > 0 && s.start < spans[k - 1].end) {
      throw new InputError(`${e.source.file}: decision ${e.id} has overlapping spans (${spans[k - 1].start}-${spans[k - 1].end} and ${s.start}-${s.end}), which ${format} cannot hold; export it as prodigy, spacy or brat`, e.source.file);
    }
    const range = tokenRange(tokens, s.start, s.end);
    // decisionTokens cuts at every span end, so this holds for any span checkSpan accepted.
    if (!range) throw new Error(`span ${s.start}-${s.end} is not on token boundaries`);
    for (let t = range[0]; t <= range[1]; t++) tags[t] = `${t === range[0] ? 'B' : 'I'}-${s.label}`;
  }
  return tags;
}

export interface ConllOptions {
  /** Start the file with `-DOCSTART- -X- -X- O` and a blank line, as the CoNLL-2003 files do. */
  readonly docstart?: boolean;
}

/**
 * CoNLL-2003 style: one token a line, `token -X- _ TAG` (the POS and chunk columns are not known:
 * `-X-` and `_`), BIO tags, a blank line after each sentence. Whitespace is not kept: an import
 * joins the tokens with single spaces.
 */
export function exportConll(decisions: readonly LabelEvent[], options: ConllOptions = {}): { content: string; count: number } {
  const kept = spanDecisions(decisions);
  let content = options.docstart ? '-DOCSTART- -X- -X- O\n\n' : '';
  for (const e of kept) {
    const tokens = decisionTokens(e);
    const tags = bioTags(e, tokens, 'CoNLL');
    for (const [k, t] of tokens.entries()) content += `${t.text} -X- _ ${tags[k]}\n`;
    content += '\n';
  }
  return { content, count: kept.length };
}

/** spaCy-style JSONL: `{"text", "entities": [[start, end, label], ...]}` (character offsets). */
export function exportSpacy(decisions: readonly LabelEvent[]): { content: string; count: number } {
  const kept = spanDecisions(decisions);
  let content = '';
  for (const e of kept) content += JSON.stringify({ text: e.text, entities: sorted(e.spans).map((s) => [s.start, s.end, s.label]) }) + '\n';
  return { content, count: kept.length };
}

/**
 * Hugging Face token classification JSONL: `{"tokens", "ner_tags": [<tag index>], "id", "file",
 * "start", "end"}`, with the tag names in a sidecar like the classification export's:
 * `{"label_names": ["O", "B-X", "I-X", ...], "features": {...}}`. Tag order: O, then B-/I- of the
 * given span label set in order, then of any other label found, sorted.
 */
export function exportHfNer(decisions: readonly LabelEvent[], labels: readonly string[] = []): { content: string; count: number; sidecar: string } {
  const kept = spanDecisions(decisions);
  const found = new Set<string>();
  for (const e of kept) for (const s of e.spans) found.add(s.label);
  const entityLabels = [...labels, ...[...found].filter((l) => !labels.includes(l)).sort()];
  const tagNames = ['O', ...entityLabels.flatMap((l) => [`B-${l}`, `I-${l}`])];
  const index = new Map(tagNames.map((t, i) => [t, i]));
  let content = '';
  for (const e of kept) {
    const tokens = decisionTokens(e);
    const tags = bioTags(e, tokens, 'Hugging Face ner_tags');
    content += JSON.stringify({ tokens: tokens.map((t) => t.text), ner_tags: tags.map((t) => index.get(t)), id: e.id, file: e.source.file, start: e.source.start, end: e.source.end }) + '\n';
  }
  const value = (dtype: string): Record<string, string> => ({ dtype, _type: 'Value' });
  const sidecar =
    JSON.stringify(
      {
        label_names: tagNames,
        features: {
          tokens: { feature: value('string'), _type: 'Sequence' },
          ner_tags: { feature: { names: tagNames, _type: 'ClassLabel' }, _type: 'Sequence' },
          id: value('string'),
          file: value('string'),
          start: value('int64'),
          end: value('int64'),
        },
      },
      null,
      2,
    ) + '\n';
  return { content, count: kept.length, sidecar };
}

/**
 * brat standoff: the `.txt` holds the decisions' texts, one after another, each followed by a
 * newline; the `.ann` has one text-bound annotation a span, `T<n>\tLABEL start end\ttext`, with
 * offsets into the `.txt`. A span across a line break is written as brat's fragments
 * (`start end;start end`), its text with the break as a space, as brat itself does.
 */
export function exportBrat(decisions: readonly LabelEvent[]): { txt: string; ann: string; count: number } {
  const kept = spanDecisions(decisions);
  let txt = '';
  let ann = '';
  let n = 0;
  for (const e of kept) {
    const base = txt.length;
    txt += e.text + '\n';
    for (const s of sorted(e.spans)) {
      const fragments: string[] = [];
      let from = s.start;
      for (let i = s.start; i <= s.end; i++) {
        if (i === s.end || e.text[i] === '\n') {
          if (i > from) fragments.push(`${base + from} ${base + i}`);
          from = i + 1;
        }
      }
      ann += `T${++n}\t${s.label} ${fragments.join(';')}\t${e.text.slice(s.start, s.end).replace(/\n/g, ' ')}\n`;
    }
  }
  return { txt, ann, count: kept.length };
}

/** The `.ann` path beside a brat export's `.txt`: `train.txt` → `train.ann`. */
export function bratAnnPath(out: string): string {
  return out.replace(/\.txt$/i, '') + '.ann';
}
