import { parseLabelEvent, type LabelEvent } from './events';

/** A line of the store that was skipped. The file itself is never changed. */
export interface StoreProblem {
  readonly file: string;
  /** One-based line number. */
  readonly line: number;
  readonly reason: string;
  /** True for the last line when it has no newline and does not parse: a write cut short. */
  readonly torn: boolean;
}

export interface StoredEvent {
  readonly event: LabelEvent;
  /** One-based line number in the store file. */
  readonly line: number;
}

export interface ParsedLog {
  readonly events: StoredEvent[];
  readonly problems: StoreProblem[];
  /** False when the text is non-empty and does not end with a newline. */
  readonly endsWithNewline: boolean;
}

/** `file:line: reason` — how a problem is shown to users. */
export function formatProblem(p: StoreProblem): string {
  return `${p.file}:${p.line}: ${p.reason}`;
}

/**
 * Parses the text of a label store: one JSON event per line. Bad lines anywhere are reported with
 * their line number and skipped. A last line without a newline is accepted when it is a complete
 * event (a hand-edited file often lacks the final newline) and reported as torn when it is not
 * (a write cut short by a crash or kill).
 */
export function parseEventLog(text: string, file: string): ParsedLog {
  const events: StoredEvent[] = [];
  const problems: StoreProblem[] = [];
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const endsWithNewline = text.length === 0 || text.endsWith('\n');
  const lines = text.split('\n');
  if (endsWithNewline) lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (raw.trim() === '') continue;
    const last = i === lines.length - 1 && !endsWithNewline;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      problems.push({
        file,
        line: i + 1,
        reason: last ? `incomplete last line (a write was cut short); skipped` : `not valid JSON (${(e as Error).message}); skipped`,
        torn: last,
      });
      continue;
    }
    const parsed = parseLabelEvent(obj);
    if ('error' in parsed) {
      problems.push({ file, line: i + 1, reason: `not a label event: ${parsed.error}; skipped`, torn: false });
      continue;
    }
    events.push({ event: parsed.event, line: i + 1 });
  }
  return { events, problems, endsWithNewline };
}
