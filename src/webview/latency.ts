/**
 * Keypress → next-span-painted latency, kept on document.body so the e2e run can read it:
 * `dataset.lastKeyLatencyMs` (latest) and `dataset.keyLatencies` (comma-separated, newest last).
 */
const KEEP = 200;

export function measureKeyLatency(startedAt: number): void {
  // rAF runs just before the frame that shows the new span; the timeout lands after its paint.
  requestAnimationFrame(() => {
    setTimeout(() => {
      const ms = (performance.now() - startedAt).toFixed(1);
      const body = document.body;
      body.dataset.lastKeyLatencyMs = ms;
      const list = body.dataset.keyLatencies ? body.dataset.keyLatencies.split(',') : [];
      list.push(ms);
      body.dataset.keyLatencies = list.slice(-KEEP).join(',');
    }, 0);
  });
}
