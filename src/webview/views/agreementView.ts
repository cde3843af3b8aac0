import type { AgreementFigure, AgreementItem, AgreementView } from '../../protocol';
import { h } from '../dom';
import { oneLine, sourceRef } from '../format';
import type { PanelDisplay, PanelModel } from '../panelModel';

/**
 * Labels whose list of disagreeing spans is unfolded. The panel is redrawn from scratch on every
 * state, so which rows the user opened is kept here, for as long as the panel lives.
 */
const unfolded = new Set<string>();
/** Spans listed under one label before "and N more". */
const SPANS_PER_LABEL = 20;

const HOW_ANSWERS_COUNT =
  "Each annotator's latest answer on a span counts (undone ones do not). A reject is an answer of its own (\"reject\"), " +
  'so two rejects agree and a reject disagrees with any label; a skip is no answer; review resolutions are not counted. ' +
  'Per label, each answer is "this label" or "not this label".';

function methodName(v: AgreementView): string {
  return v.method === 'cohen-kappa' ? "Cohen's κ" : "Krippendorff's α";
}

function value(f: AgreementFigure): string {
  return f.value === undefined ? '—' : f.value.toFixed(2);
}

/** What a coefficient value means in words (Landis & Koch 1977 bands, the usual reading of κ). */
function reading(x: number): string {
  if (x < 0) return 'worse than chance';
  if (x < 0.2) return 'slight';
  if (x < 0.4) return 'fair';
  if (x < 0.6) return 'moderate';
  if (x < 0.8) return 'substantial';
  return 'almost perfect';
}

function figureTitle(v: AgreementView, f: AgreementFigure): string {
  if (f.value === undefined) return f.note ?? 'Cannot be computed.';
  const parts = [`${methodName(v)} = ${f.value.toFixed(3)} (${reading(f.value)}) on ${f.units} span(s)`];
  if (f.observed !== undefined && f.expected !== undefined) parts.push(`observed agreement ${(f.observed * 100).toFixed(1)}%, by chance ${(f.expected * 100).toFixed(1)}%`);
  return parts.join('; ');
}

/** The agreement section at the top of the review view; nothing when no agreement was sent. */
export function agreementView(d: PanelDisplay, model: PanelModel): HTMLElement | null {
  const v = d.agreement;
  if (v === undefined) return null;
  const section = h('section', { id: 'agreement', class: 'agreement', attrs: { 'aria-labelledby': 'agreement-title' } }, h('h3', { id: 'agreement-title' }, 'Agreement between annotators'));
  if (v.method === undefined) {
    section.append(h('p', { class: 'muted', id: 'agreement-none' }, 'Needs two or more annotators who answered the same spans (set labelwise.annotator per person). ' + (v.overall.note ? `Now: ${v.overall.note}.` : '')));
    return section;
  }
  const overall = v.overall;
  section.append(
    h(
      'p',
      { id: 'agreement-overall', title: `${figureTitle(v, overall)}. ${HOW_ANSWERS_COUNT}` },
      h('strong', null, `${methodName(v)} ${value(overall)}`),
      overall.value !== undefined ? ` (${reading(overall.value)})` : ` (${overall.note ?? 'cannot be computed'})`,
      ` · ${v.annotators.length} annotators (${v.annotators.join(', ')}) · ${overall.units} span(s) answered by two or more · ${v.disagreementCount} disagreement(s)`,
    ),
  );
  const rows = v.perLabel.map((l) => labelRow(v, l, d, model));
  section.append(h('div', { id: 'agreement-labels', class: 'agreement-labels' }, ...rows));
  return section;
}

function labelRow(v: AgreementView, l: AgreementFigure & { readonly label: string }, d: PanelDisplay, model: PanelModel): HTMLElement {
  const items = v.disagreements.filter((x) => x.labels.includes(l.label));
  const row = h(
    'details',
    { class: 'agreement-label', data: { label: l.label } },
    h(
      'summary',
      { title: `${figureTitle(v, l)}. ${HOW_ANSWERS_COUNT}` },
      h('span', { class: 'agreement-name' }, l.label),
      h('span', { class: 'agreement-value' }, `${v.method === 'cohen-kappa' ? 'κ' : 'α'} ${value(l)}`),
      h('span', { class: 'muted agreement-count' }, items.length === 0 ? 'no disagreement' : `${items.length} disagreement(s)`),
    ),
    items.length === 0
      ? h('p', { class: 'muted' }, l.value === undefined ? (l.note ?? '') : 'Annotators agree on every span with this label.')
      : h(
          'ol',
          { class: 'agreement-spans' },
          ...items.slice(0, SPANS_PER_LABEL).map((x) => spanRow(x, d, model)),
          items.length > SPANS_PER_LABEL ? h('li', { class: 'muted' }, `and ${items.length - SPANS_PER_LABEL} more`) : null,
        ),
  );
  row.open = unfolded.has(l.label);
  row.addEventListener('toggle', () => {
    if (row.open) unfolded.add(l.label);
    else unfolded.delete(l.label);
  });
  return row;
}

function spanRow(x: AgreementItem, d: PanelDisplay, model: PanelModel): HTMLElement {
  const open = d.contested.some((c) => c.span.id === x.span.id && c.reason === 'annotators');
  const answers = Object.entries(x.byAnnotator);
  const offered = [...new Set(answers.map(([, a]) => a))].filter((a) => d.session.labels.some((l) => l.name === a));
  return h(
    'li',
    { class: 'agreement-span', data: { spanId: x.span.id } },
    h('a', { class: 'source-link', attrs: { href: '#' }, title: 'Open the file with the span selected', onClick: () => model.openSource(x.span.id) }, sourceRef(x.span.file, x.span.line)),
    ' ',
    h('span', { class: 'agreement-text' }, oneLine(x.span.text, 100)),
    h('span', { class: 'agreement-answers muted' }, ' — ', answers.map(([who, a]) => `${who}: ${a}`).join(' · ')),
    open
      ? h(
          'span',
          { class: 'resolve-buttons' },
          ' Resolve as ',
          ...offered.map((label) =>
            h('button', { class: 'resolve-button secondary', data: { label, spanId: x.span.id }, onClick: () => model.resolveContested(x.span.id, label) }, label),
          ),
        )
      : h('span', { class: 'muted' }, x.resolvedAs !== undefined ? ` · resolved as ${x.resolvedAs}` : ' · resolved'),
  );
}
