import type { SpanView } from '../../protocol';
import { h, kbd } from '../dom';
import { oneLine, sourceRef } from '../format';
import { labelColorClass } from '../labelColors';
import type { Decision, PanelDisplay, PanelModel } from '../panelModel';
import { sourceLink, spanInContext } from './common';
import { labelLegend } from './legend';
import { historyAnswer } from '../decisionText';
import { progressView } from './progressView';
import { entityList, spanTokensView } from './spanView';
import { whyBox } from './whyView';

/** Spans of the queue listed under "Up next". */
const QUEUE_SHOWN = 12;

/** The labeling view: current span, label buttons, actions, "why", the queue and recent decisions. */
export function labelView(d: PanelDisplay, model: PanelModel): HTMLElement {
  const main = h('div', { class: 'label-main' });
  const side = h('aside', { class: 'label-side' });
  const cur = d.current;

  if (cur === null) {
    main.append(emptyState(d, model));
  } else {
    main.append(
      h(
        'section',
        // data-span-id: which span is on screen, for the user's tools and the e2e suite.
        { class: 'span-card', attrs: { 'aria-labelledby': 'current-title' }, data: { spanId: cur.id } },
        h(
          'div',
          { class: 'span-meta' },
          h('h2', { id: 'current-title', class: 'visually-hidden' }, 'Current span'),
          sourceLink(model, cur, 'source-link'),
          h('span', { class: 'chip', title: 'Strategy that chose this span' }, cur.why.strategy),
          d.pending > 0 ? h('span', { class: 'muted saving', title: 'Decisions sent, not yet written by the host' }, `saving ${d.pending}…`) : null,
        ),
        d.spans !== null ? spanTokensView(cur, d.spans, d.session.labels, model) : spanInContext(cur, 'current-span'),
        d.spans !== null ? entityList(cur, d.spans, d.session.labels, model) : null,
      ),
      labelButtons(d, cur, model),
      actionButtons(d, cur, model),
      whyBox(cur, d.session.labels),
    );
  }
  side.append(progressView(d));
  const legend = labelLegend(d);
  if (legend) side.append(legend);
  if (!(cur === null && d.queue.length === 0)) side.append(queueList(d.queue, model));
  side.append(historyList(d.history, d, model));
  return h('div', { class: 'label-view' }, main, side);
}

function emptyState(d: PanelDisplay, model: PanelModel): HTMLElement {
  const spent = d.session.budget > 0 && d.session.labeled >= d.session.budget;
  return h(
    'section',
    { id: 'current-span', class: 'empty-state', data: { empty: 'true' } },
    h('p', null, !d.connected ? 'Waiting for the labeling session…' : spent ? `Label budget reached: ${d.session.labeled} of ${d.session.budget}.` : 'No span to label right now.'),
    d.connected
      ? h(
          'div',
          { class: 'actions' },
          h('button', { id: 'next-batch', class: 'secondary', onClick: () => model.perform({ kind: 'nextBatch' }) }, kbd('N'), ' Next batch'),
          h('button', { id: 'undo', class: 'secondary', disabled: !d.canUndo, onClick: () => model.undo() }, kbd('⌫'), ` Undo${d.undoDepth > 0 ? ` (${d.undoDepth})` : ''}`),
        )
      : null,
  );
}

function labelButtons(d: PanelDisplay, cur: SpanView, model: PanelModel): HTMLElement {
  const guess = cur.why.predicted?.label;
  const wrap = h('div', { id: 'labels', class: 'label-buttons', attrs: { role: 'group', 'aria-label': 'Labels' } });
  d.session.labels.forEach((l, i) => {
    wrap.append(
      h(
        'button',
        {
          class: `label-button ${labelColorClass(i)}${l.name === guess && !d.session.multiLabel ? ' is-guess' : ''}${d.toggled.includes(l.name) ? ' is-toggled' : ''}`,
          data: { key: l.key, label: l.name },
          // Multi-label: a toggle button (the digit turns the label on or off; Enter accepts the set).
          ...(d.session.multiLabel ? { attrs: { 'aria-pressed': d.toggled.includes(l.name) ? 'true' : 'false' } } : {}),
          title: d.spans !== null ? `Mark the selected words "${l.name}"${l.key ? ` (${l.key})` : ''}` : l.key ? `Label "${l.name}" (${l.key})` : `Label "${l.name}" (press / and type to find it)`,
          onClick: () => model.answer(l.name, 'accept'),
        },
        l.key ? kbd(l.key) : null,
        h('span', { class: 'label-name' }, l.name),
      ),
    );
  });
  if (d.search !== null) wrap.append(searchBox(d, model));
  return wrap;
}

function searchBox(d: PanelDisplay, model: PanelModel): HTMLElement {
  const s = d.search;
  if (s === null) return h('span');
  return h(
    'div',
    { id: 'label-search', class: 'label-search', attrs: { role: 'dialog', 'aria-label': 'Find a label' } },
    h('div', { class: 'search-query' }, kbd('/'), ' ', h('span', { class: 'query' }, s.query), h('span', { class: 'caret' }, '▏')),
    s.matches.length === 0
      ? h('p', { class: 'muted' }, 'No label matches.')
      : h(
          'ol',
          { class: 'search-matches' },
          ...s.matches.map((m, i) =>
            h('li', { class: i === s.index ? 'is-active' : '', onClick: () => model.pickSearchMatch(i) }, m.name, m.key ? h('span', { class: 'muted' }, ` (${m.key})`) : null),
          ),
        ),
    h('p', { class: 'muted hint' }, 'Type to filter · ↑↓ choose · Enter label · Esc close'),
  );
}

function actionButtons(d: PanelDisplay, cur: SpanView, model: PanelModel): HTMLElement {
  const guess = cur.why.predicted;
  const guessOk = guess !== undefined && d.session.labels.some((l) => l.name === guess.label);
  return h(
    'div',
    { class: 'actions', attrs: { role: 'group', 'aria-label': 'Actions' } },
    d.spans !== null
      ? h(
          'button',
          { id: 'accept-spans', class: 'secondary', title: 'Accept the sentence with these entities (Enter); none: the sentence has no entities', onClick: () => model.acceptSpans() },
          kbd('⏎'),
          d.spans.edit.entities.length === 0 ? ' Accept: no entities' : ` Accept ${d.spans.edit.entities.length} entit${d.spans.edit.entities.length === 1 ? 'y' : 'ies'}`,
        )
      : d.session.multiLabel
      ? h(
          'button',
          { id: 'accept-set', class: 'secondary', title: 'Accept the labels toggled on (Enter); none toggled: no label applies', onClick: () => model.acceptSet() },
          kbd('⏎'),
          d.toggled.length > 0 ? ` Accept “${d.toggled.join(' + ')}”` : ' Accept: no label',
        )
      : guessOk
      ? h('button', { id: 'accept-guess', class: 'secondary', title: "Accept the model's guess (Enter)", onClick: () => model.perform({ kind: 'acceptSuggestion' }) }, kbd('⏎'), ` Accept “${guess.label}”`)
      : null,
    h('button', { id: 'skip', class: 'secondary', title: 'Skip this span (s or Space)', onClick: () => model.perform({ kind: 'skip' }) }, kbd('S'), ' Skip'),
    h('button', { id: 'reject', class: 'secondary', title: "Reject: fits no label, or the model's guess is wrong (x)", onClick: () => model.perform({ kind: 'reject' }) }, kbd('X'), ' Reject'),
    h(
      'button',
      { id: 'undo', class: 'secondary', title: d.spans !== null ? 'Undo the last decision (Ctrl+Z, or Backspace with nothing selected)' : 'Undo the last decision (Backspace or Ctrl+Z)', disabled: !d.canUndo, onClick: () => model.undo() },
      kbd('⌫'),
      ` Undo${d.undoDepth > 0 ? ` (${d.undoDepth})` : ''}`,
    ),
    h('button', { id: 'help-button', class: 'icon', title: 'Keyboard shortcuts (?)', onClick: () => model.perform({ kind: 'help' }) }, '?'),
  );
}

function queueList(queue: readonly SpanView[], model: PanelModel): HTMLElement {
  return h(
    'section',
    { class: 'queue-section', attrs: { 'aria-labelledby': 'queue-title' } },
    // The host keeps more than one batch queued so the next span never waits; "batch" would overstate it.
    h('h3', { id: 'queue-title', title: 'Picked ahead so the next span never waits; re-picked by the new model after each retrain' }, `Up next (${queue.length})`),
    queue.length === 0
      ? h('p', { id: 'queue', class: 'muted' }, 'Nothing else queued right now.')
      : h(
          'ol',
          { id: 'queue', class: 'queue' },
          // The host queues far ahead (see LOOKAHEAD); the first few are enough to read, and a short
          // list keeps the redraw under each key cheap.
          ...queue.slice(0, QUEUE_SHOWN).map((s) =>
            h(
              'li',
              { data: { spanId: s.id } },
              h('span', { class: 'queue-text' }, oneLine(s.text, 110)),
              h('a', { class: 'queue-ref', attrs: { href: '#' }, title: 'Open in the editor', onClick: () => model.openSource(s.id) }, sourceRef(s.file, s.line)),
            ),
          ),
          queue.length > QUEUE_SHOWN ? h('li', { class: 'muted queue-more' }, `and ${queue.length - QUEUE_SHOWN} more`) : null,
        ),
  );
}

function historyList(history: readonly Decision[], d: PanelDisplay, model: PanelModel): HTMLElement {
  return h(
    'section',
    { class: 'history-section', attrs: { 'aria-labelledby': 'history-title' } },
    h('h3', { id: 'history-title' }, 'Recent decisions'),
    history.length === 0
      ? h('p', { id: 'history', class: 'muted' }, d.undoDepth > 0 ? `${d.undoDepth} earlier decision(s) can still be undone.` : 'None yet.')
      : h(
          'ol',
          { id: 'history', class: 'history' },
          ...history.map((dec, i) =>
            h(
              'li',
              { class: `answer-${dec.answer}`, data: { spanId: dec.span.id } },
              h('span', { class: 'history-answer' }, historyAnswer(dec)),
              h('span', { class: 'history-text' }, oneLine(dec.span.text, 70)),
              i === 0 ? h('button', { class: 'link', title: 'Undo this (Backspace)', onClick: () => model.undo() }, 'undo') : null,
            ),
          ),
        ),
  );
}
