import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, LabelwiseError } from '../errors';
import { silentLogger, type Logger } from '../types';
import { parseEventLog, formatProblem, type StoreProblem, type StoredEvent } from './eventLog';
import { parseLabelEvent, undoEvent, type LabelEvent } from './events';
import { LabelState } from './labelState';
import { decodeUtf8Lines, INVALID_UTF8_REASON } from './utf8Lines';
import { RegularFileError, readRegularFileSync } from '../text/readRegularFile';

/** Where the store lives, relative to the workspace folder. */
export const STORE_RELATIVE_PATH = '.labelwise/labels.jsonl';

export function storePath(workspaceRoot: string): string {
  return path.join(workspaceRoot, STORE_RELATIVE_PATH);
}

export interface LabelStoreOptions {
  /**
   * fsync the file after every `fsyncEvery` appends (1: every event, the default; 0: never). A
   * process kill loses nothing either way once `append` returned (the data is in the OS page
   * cache); fsync is what protects against power loss and OS crashes.
   */
  readonly fsyncEvery?: number;
  readonly logger?: Logger;
  /**
   * The write call appends go through (fs.writeSync). Tests pass one that fails part-way to check
   * that a failed append leaves the file exactly as it was.
   */
  readonly writeSync?: (fd: number, buf: Buffer, offset: number, length: number) => number;
}

/** Largest store read on load: far above any real store, low enough to never hang activation. */
export const MAX_STORE_BYTES = 1024 * 1024 * 1024;

/**
 * An append that did not reach the file. The message names the store file, says why (disk full,
 * read-only, no permission) and what was and was not saved.
 */
export class StoreWriteError extends LabelwiseError {
  constructor(
    message: string,
    readonly file: string,
    /** The errno code of the failed write (ENOSPC, EROFS, EACCES, ...). */
    readonly errno: string | undefined,
    /** True when the file could not be put back to its size before the write. */
    readonly partial: boolean,
  ) {
    super(message, 'store-write');
  }
  static override is(e: unknown): e is StoreWriteError {
    return e instanceof StoreWriteError;
  }
}

const ERRNO_WORDS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'an I/O error',
};

function describeErrno(e: unknown): { code: string | undefined; words: string } {
  const code = (e as NodeJS.ErrnoException).code;
  const words = code && ERRNO_WORDS[code] ? `${ERRNO_WORDS[code]} (${code})` : (e as Error).message;
  return { code, words };
}

/** One event as a JSON line, with the contract's fields first so the file reads well in diffs. */
export function serializeEvent(e: LabelEvent): string {
  const { id, source, text, label, labels, spans, answer, annotator, strategy, score, ts, ...rest } = e;
  return JSON.stringify({ id, source, text, label, ...(labels !== undefined ? { labels } : {}), spans, answer, annotator, strategy, score, ts, ...rest });
}

/**
 * The label store: `.labelwise/labels.jsonl`, append-only, one event a line.
 *
 * Crash safety: each event is written as one full line by a single `write` on a file opened with
 * O_APPEND, so a crash or kill mid-write can leave at most that one line incomplete; earlier lines
 * are never touched. On load an incomplete last line is reported and skipped; before the next
 * append the store makes sure the file ends with a newline, so the fragment stays on its own line
 * and never merges with a new event. The file is never truncated or rewritten.
 *
 * Synchronous on purpose: an append is a few hundred bytes, and a synchronous write is what makes
 * "acknowledged" mean "in the file".
 */
export class LabelStore {
  private fd: number | undefined;
  private ino: number | undefined;
  /** File size after our last write; when it differs, someone else wrote and the tail is re-checked. */
  private knownSize = -1;
  private endsWithNewline = true;
  private nextLine = 1;
  private pendingSync = 0;
  /** True when the file was created by the open for the current append (removed if that append fails). */
  private createdByAppend = false;
  private stored: StoredEvent[] = [];
  private storeProblems: StoreProblem[] = [];
  private labelState = new LabelState();
  private readonly fsyncEvery: number;
  private readonly logger: Logger;
  private readonly write: (fd: number, buf: Buffer, offset: number, length: number) => number;

  private constructor(
    readonly file: string,
    options: LabelStoreOptions,
  ) {
    const every = options.fsyncEvery ?? 1;
    if (!Number.isInteger(every) || every < 0) throw new LabelwiseError(`fsyncEvery must be a non-negative integer, got ${every}`);
    this.fsyncEvery = every;
    this.logger = options.logger ?? silentLogger;
    this.write = options.writeSync ?? ((fd, buf, offset, length): number => fs.writeSync(fd, buf, offset, length));
  }

  /** Opens (and loads) the store at `file`. The file and its folder are created on the first append. */
  static open(file: string, options: LabelStoreOptions = {}): LabelStore {
    const store = new LabelStore(file, options);
    store.reload();
    return store;
  }

  /** Re-reads the file, e.g. after it changed on disk (a git pull). */
  reload(): void {
    const buf = readStoreBytes(this.file);
    const decoded = decodeUtf8Lines(buf);
    const text = decoded.text;
    const parsed = parseEventLog(text, this.file);
    this.stored = parsed.events;
    // Lines with invalid UTF-8 are still loaded (their events parse) but never silently: each is
    // reported with its line, like a skipped line.
    const utf8: StoreProblem[] = decoded.badLines.map((line) => ({ file: this.file, line, reason: INVALID_UTF8_REASON, torn: false }));
    this.storeProblems = [...parsed.problems, ...utf8].sort((a, b) => a.line - b.line);
    this.endsWithNewline = parsed.endsWithNewline;
    this.nextLine = text === '' ? 1 : text.split('\n').length + (parsed.endsWithNewline ? 0 : 1);
    this.labelState = new LabelState(parsed.events.map((s) => s.event));
    this.knownSize = -1;
    for (const p of this.storeProblems) this.logger.warn(formatProblem(p));
  }

  /**
   * Lines reported on load: skipped (malformed, torn by a crash, a path outside the workspace) or
   * loaded with invalid UTF-8 replaced. They stay in the file untouched.
   */
  get problems(): readonly StoreProblem[] {
    return this.storeProblems;
  }

  /** Current decisions, history and counts. */
  get state(): LabelState {
    return this.labelState;
  }

  /** Every valid event in file order, with its line number. */
  events(): readonly StoredEvent[] {
    return this.stored;
  }

  /** Appends one event; when it returns, the event is in the file. Returns the current decision on its id. */
  append(event: LabelEvent): LabelEvent | undefined {
    this.appendMany([event]);
    return this.labelState.current(event.id);
  }

  /**
   * Appends events in one write (an import). All are validated first; an invalid one throws and
   * nothing is written.
   */
  appendMany(events: readonly LabelEvent[]): void {
    if (events.length === 0) return;
    const lines: string[] = [];
    for (const [i, e] of events.entries()) {
      const checked = parseLabelEvent(e);
      if ('error' in checked) throw new LabelwiseError(`event ${i} (id ${String(e.id)}) is not a valid label event: ${checked.error}`);
      lines.push(serializeEvent(e));
    }
    let fd: number;
    try {
      fd = this.openForAppend();
    } catch (e) {
      const { code, words } = describeErrno(e);
      const what = events.length === 1 ? 'this label was NOT saved' : `none of these ${events.length} labels was saved`;
      throw new StoreWriteError(`cannot open the label store ${this.file} for writing: ${words}; ${what}, the file is unchanged.`, this.file, code, false);
    }
    const prefix = this.endsWithNewline ? '' : '\n';
    const buf = Buffer.from(prefix + lines.join('\n') + '\n', 'utf8');
    this.writeAll(fd, buf, events.length);
    this.createdByAppend = false;
    this.knownSize = (this.knownSize >= 0 ? this.knownSize : 0) + buf.length;
    this.endsWithNewline = true;
    for (const e of events) {
      this.stored.push({ event: e, line: this.nextLine++ });
      this.labelState.apply(e);
    }
    this.pendingSync += events.length;
    if (this.fsyncEvery > 0 && this.pendingSync >= this.fsyncEvery) this.flush();
  }

  /**
   * Withdraws `annotator`'s latest live decision on `id` by appending an undo event. Returns the
   * decision that is current afterwards (the previous one, or undefined), or throws when that
   * annotator has nothing to undo on the span.
   */
  undo(id: string, annotator: string, ts?: string): LabelEvent | undefined {
    const live = this.labelState.liveDecisions(id).filter((e) => e.annotator === annotator);
    if (live.length === 0) throw new LabelwiseError(`nothing to undo on span ${id} for annotator "${annotator}"`);
    return this.append(undoEvent(live[live.length - 1], annotator, ts));
  }

  /** Forces appended events to disk now (with fsyncEvery 0 or N, call this at a quiet moment). */
  flush(): void {
    if (this.fd !== undefined && this.pendingSync > 0) {
      fs.fsyncSync(this.fd);
      this.pendingSync = 0;
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    fs.closeSync(this.fd);
    this.fd = undefined;
    this.ino = undefined;
  }

  /**
   * Writes the whole batch, or nothing: on a failed write (disk full, read-only, permission) the
   * file is truncated back to its size before the batch, so a retry neither duplicates events nor
   * finds a torn line. Only if that truncation fails too does a fragment stay; the error says so,
   * and the next load reports and skips it as a torn line.
   */
  private writeAll(fd: number, buf: Buffer, count: number): void {
    const before = fs.fstatSync(fd).size;
    let off = 0;
    try {
      while (off < buf.length) off += this.write(fd, buf, off, buf.length - off);
    } catch (e) {
      const { code, words } = describeErrno(e);
      const what = count === 1 ? 'this label was NOT saved' : `none of these ${count} labels was saved`;
      const n = this.stored.length;
      const kept = n === 0 ? 'it held no label events before' : `the ${n} label event${n === 1 ? '' : 's'} already in it ${n === 1 ? 'is' : 'are'} safe`;
      let partial = false;
      try {
        // Checked on the file, not on `off`: a failing call may still have written a part.
        if (fs.fstatSync(fd).size !== before) fs.ftruncateSync(fd, before);
      } catch {
        partial = true;
      }
      this.knownSize = -1;
      // A store file this append created is removed again, so "unchanged" holds literally.
      if (!partial && before === 0 && this.createdByAppend) {
        this.close();
        fs.rmSync(this.file, { force: true });
      }
      const state = partial
        ? `${off} bytes of an incomplete write could not be removed from its end; they will be reported and skipped as a torn line`
        : 'the file is unchanged';
      throw new StoreWriteError(`cannot write the label store ${this.file}: ${words}; ${what}, ${state}; ${kept}. Free space or fix permissions, then answer again.`, this.file, code, partial);
    }
  }

  private openForAppend(): number {
    // The file may have been replaced or deleted under us (git checkout, a user): then write to
    // the file that is at the path now, not to an unlinked inode.
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(this.file);
    } catch {
      st = undefined;
    }
    if (this.fd !== undefined && (!st || st.ino !== this.ino)) this.close();
    if (this.fd === undefined) {
      const created = !st;
      this.createdByAppend = created;
      if (created) fs.mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = fs.openSync(this.file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644);
      const own = fs.fstatSync(this.fd);
      this.ino = own.ino;
      this.knownSize = -1;
      if (created) syncDir(path.dirname(this.file));
    }
    const size = fs.fstatSync(this.fd).size;
    if (size !== this.knownSize) {
      this.endsWithNewline = size === 0 || lastByte(this.file, size) === 0x0a;
      this.knownSize = size;
    }
    return this.fd;
  }
}

/**
 * The store's bytes ('' when it does not exist). Refuses, naming the file, anything that is not a
 * regular file (a FIFO or a device such as /dev/zero would block or never end) and files over
 * MAX_STORE_BYTES. Opened non-blocking so that even opening a FIFO cannot hang.
 */
function readStoreBytes(file: string): Buffer {
  try {
    return readRegularFileSync(file, MAX_STORE_BYTES) ?? Buffer.alloc(0);
  } catch (e) {
    if (RegularFileError.is(e) && e.reason === 'not-regular') throw new InputError(`${file}: the label store is not a regular file; not read`, file);
    if (RegularFileError.is(e)) {
      throw new InputError(`${file}: the label store is ${((e.size ?? 0) / 2 ** 20).toFixed(0)} MB, over the ${MAX_STORE_BYTES / 2 ** 20} MB limit; not read`, file);
    }
    throw new InputError(`${file}: cannot read the label store (${(e as Error).message})`, file);
  }
}

function lastByte(file: string, size: number): number {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, size - 1);
    return b[0];
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes a newly created file's directory entry durable too. Not every platform allows it. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open a directory for fsync; the file's own fsync is what we can do there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
