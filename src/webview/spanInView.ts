/**
 * The span inside its context box is always in view: the box has a fixed height and scrolls, and
 * a span far into a long paragraph (or at the end of a long "before") was drawn below its bottom.
 * Only the box scrolls (not the panel, as scrollIntoView would): a redraw under a key press must
 * not move the page.
 */

export interface ScrollBox {
  /** Visible height of the box (clientHeight). */
  readonly height: number;
  /** Full height of its content (scrollHeight). */
  readonly contentHeight: number;
}

export interface SpanBox {
  /** Top of the span within the box's content, from the content's top. */
  readonly top: number;
  readonly height: number;
}

/**
 * The box's scrollTop that shows the span: centred, so there is context on both sides; a span
 * taller than the box shows its start. Clamped to the scrollable range; 0 when nothing overflows.
 */
export function scrollTopFor(box: ScrollBox, span: SpanBox): number {
  const max = Math.max(0, box.contentHeight - box.height);
  if (max === 0) return 0;
  const want = span.height >= box.height ? span.top - 4 : span.top - (box.height - span.height) / 2;
  return Math.round(Math.min(max, Math.max(0, want)));
}
