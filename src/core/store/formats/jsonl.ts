/** One non-blank line of a JSONL file: its parsed value, or why it does not parse. */
export type JsonlLine = { readonly line: number; readonly value: unknown } | { readonly line: number; readonly error: string };

/** Splits JSONL text into parsed lines (one-based numbers), skipping blank lines and a leading BOM. */
export function readJsonl(content: string): JsonlLine[] {
  if (content.charCodeAt(0) === 0xfeff) content = content.slice(1);
  const out: JsonlLine[] = [];
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (raw.trim() === '') continue;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) as unknown });
    } catch (e) {
      out.push({ line: i + 1, error: `not valid JSON (${(e as Error).message})` });
    }
  }
  return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
