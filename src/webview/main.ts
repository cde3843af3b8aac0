// Entry of the panel's browser bundle (dist/webview.js): wires the DOM to the panel model.
import { measureKeyLatency } from './latency';
import { PanelModel } from './panelModel';
import { render } from './render';
import { createVsCodeTransport } from './vscodeTransport';

const NOTICE_MS = 6000;

function boot(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  root.id = 'app';
  root.tabIndex = -1;
  const model = new PanelModel(createVsCodeTransport());
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  let width = 0;

  // Most changes are drawn once per frame: a burst of host states costs one render. A change of
  // the current span is drawn at once: the next key labels the span the model holds as current,
  // so the DOM must never show an older one, not even until the next frame.
  let frame: number | undefined;
  let drawnSpan: string | null | undefined;
  const draw = (): void => {
    if (frame !== undefined) cancelAnimationFrame(frame);
    frame = undefined;
    const d = model.display;
    drawnSpan = d.current?.id ?? null;
    render(root, d, model);
  };
  model.onChange((d) => {
    if ((d.current?.id ?? null) !== drawnSpan) draw();
    else frame ??= requestAnimationFrame(draw);
    if (d.notice !== null && noticeTimer === undefined) {
      noticeTimer = setTimeout(() => {
        noticeTimer = undefined;
        model.clearNotice();
      }, NOTICE_MS);
    }
  });

  window.addEventListener('keydown', (ev) => {
    if (ev.isComposing) return;
    // Enter / Space on a button or link that has keyboard focus (reached with Tab) activates it.
    if ((ev.key === 'Enter' || ev.key === ' ') && ev.target instanceof Element && ev.target.closest('button, a') !== null) return;
    const startedAt = performance.now();
    const outcome = model.handleKey(ev);
    if (outcome === 'ignored') return;
    ev.preventDefault();
    ev.stopPropagation();
    if (outcome === 'advanced') measureKeyLatency(startedAt);
  });

  // A click that brings the next span (Accept, a label in a single-label session) is timed like a
  // key: from the click's start (capture phase, before any handler) to the frame that shows it.
  let clickStart: { readonly at: number; readonly span: string | null } | null = null;
  window.addEventListener('click', () => (clickStart = { at: performance.now(), span: model.display.current?.id ?? null }), { capture: true });
  window.addEventListener('click', () => {
    if (clickStart !== null && (model.display.current?.id ?? null) !== clickStart.span) measureKeyLatency(clickStart.at);
    clickStart = null;
  });

  // The curve view sizes its charts to the panel.
  new ResizeObserver(() => {
    const w = root.clientWidth;
    if (Math.abs(w - width) > 24 && model.display.view === 'curve') frame ??= requestAnimationFrame(draw);
    width = w;
  }).observe(root);

  // Keys work without a click: focus the panel on load and whenever the webview regains focus.
  window.addEventListener('focus', () => {
    if (document.activeElement === document.body || document.activeElement === null) root.focus({ preventScroll: true });
  });

  model.start();
  // The first frame is drawn at once so a restored panel never flashes empty.
  draw();
  root.focus({ preventScroll: true });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
