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

  model.onChange((d) => {
    render(root, d, model);
    if (d.notice !== null && noticeTimer === undefined) {
      noticeTimer = setTimeout(() => {
        noticeTimer = undefined;
        model.clearNotice();
      }, NOTICE_MS);
    }
  });

  window.addEventListener('keydown', (ev) => {
    if (ev.isComposing) return;
    const startedAt = performance.now();
    const outcome = model.handleKey(ev);
    if (outcome === 'ignored') return;
    ev.preventDefault();
    ev.stopPropagation();
    if (outcome === 'advanced') measureKeyLatency(startedAt);
  });

  // The curve view sizes its charts to the panel.
  new ResizeObserver(() => {
    const w = root.clientWidth;
    if (Math.abs(w - width) > 24 && model.display.view === 'curve') render(root, model.display, model);
    width = w;
  }).observe(root);

  // Keys work without a click: focus the panel on load and whenever the webview regains focus.
  window.addEventListener('focus', () => {
    if (document.activeElement === document.body || document.activeElement === null) root.focus({ preventScroll: true });
  });

  model.start();
  root.focus({ preventScroll: true });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
