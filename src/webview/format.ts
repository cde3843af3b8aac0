/** Small pure text helpers shared by the views. */

/** Keeps the end of the text before a span, cut at a word boundary, with an ellipsis. */
export function clipBefore(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(text.length - max);
  const space = cut.search(/\s/);
  return `…${space >= 0 && space < max / 2 ? cut.slice(space + 1) : cut}`;
}

/** Keeps the start of the text after a span, cut at a word boundary, with an ellipsis. */
export function clipAfter(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.search(/\s\S*$/);
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/** One line for lists: whitespace folded, at most `max` characters. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export function formatScore(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 0.001 || a >= 1e5) ? v.toExponential(2) : String(Number(v.toFixed(3)));
}

export function formatPercent(v: number): string {
  return `${(v * 100).toFixed(v >= 0.995 || v < 0.1 ? 0 : 1)}%`;
}

/** "file.txt:13": one-based line, as editors show it. */
export function sourceRef(file: string, line: number): string {
  return `${file}:${line + 1}`;
}

/** Committee votes sorted for display, largest first, with each one's share of the committee. */
export function voteRows(votes: Readonly<Record<string, number>>): { label: string; votes: number; share: number }[] {
  const entries = Object.entries(votes).filter(([, v]) => Number.isFinite(v) && v > 0);
  const total = entries.reduce((s, [, v]) => s + v, 0);
  return entries
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([label, v]) => ({ label, votes: v, share: total > 0 ? v / total : 0 }));
}
