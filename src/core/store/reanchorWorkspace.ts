import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { TextFileError, readTextFile } from '../text/readTextFile';
import { locateSource, sourceSpans } from '../text/spanLocator';
import type { CandidateSpan, Granularity } from '../types';
import type { LabelEvent } from './events';
import { reanchor, type AnchorFile, type OrphanSpan, type ReanchorResult } from './reanchor';

export interface WorkspaceAnchorOptions {
  /** Workspace folder (absolute). Every file read lies inside it. */
  readonly root: string;
  readonly granularity: Granularity;
  /** Larger files are not read (`labelwise.maxFileSizeMB`): their spans become orphans with the reason. */
  readonly maxFileSizeMB: number;
  /**
   * The corpus's candidate spans: given by a session that has read it, or read on demand (only
   * when some decision is not in place, to look for it in renamed or new files).
   */
  readonly corpus?: readonly CandidateSpan[] | (() => Promise<readonly CandidateSpan[]>);
}

/**
 * The absolute path of workspace-relative `file`, or undefined when it would leave the workspace
 * folder (an absolute path, `..`, or a symbolic link that points outside).
 */
export async function confinedPath(root: string, file: string): Promise<string | undefined> {
  if (file === '' || isAbsolute(file) || /^[a-zA-Z]:/.test(file) || file.split(/[\\/]/).includes('..')) return undefined;
  const base = resolve(root);
  const abs = resolve(base, file);
  if (!inside(base, abs)) return undefined;
  try {
    const [realBase, realAbs] = await Promise.all([realpath(base), realpath(abs)]);
    if (!inside(realBase, realAbs)) return undefined;
  } catch {
    // A file that does not exist cannot point anywhere; readTextFile reports it as missing.
  }
  return abs;
}

function inside(base: string, abs: string): boolean {
  const rel = relative(base, abs);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * Re-anchors the store's decisions against the workspace as it is now (reanchor.ts), reading
 * files with readTextFile (decoded as the corpus reader decodes them, regular files only, capped
 * at maxFileSizeMB) and cutting them with the span locator. Files whose decisions are all spans
 * of the given corpus are not read again. Runs in the engine worker, never on the extension host.
 */
export async function reanchorWorkspace(decisions: readonly LabelEvent[], opts: WorkspaceAnchorOptions): Promise<ReanchorResult> {
  // Nothing to find (a first open): no pass over the corpus (three Map builds, ~0.5 s at 1 M spans).
  if (decisions.length === 0) return { anchored: [], moved: [], orphans: [], freeStanding: [] };
  const maxBytes = opts.maxFileSizeMB * 1024 * 1024;
  let corpus = Array.isArray(opts.corpus) ? (opts.corpus as readonly CandidateSpan[]) : undefined;
  const byFile = corpus ? groupSpans(corpus) : new Map<string, CandidateSpan[]>();
  const ids = new Map<string, CandidateSpan>();
  for (const s of corpus ?? []) ids.set(s.id, s);

  const files = new Map<string, AnchorFile | undefined>();
  const refused = new Map<string, string>();
  const need = new Map<string, boolean>();
  for (const e of decisions) {
    if (e.imported && e.imported.file === e.source.file) continue;
    const inPool = ids.get(e.id);
    const ok = inPool !== undefined && inPool.file === e.source.file && inPool.text === e.text;
    need.set(e.source.file, (need.get(e.source.file) ?? false) || !ok);
  }
  for (const [file, mustRead] of need) {
    if (!mustRead && byFile.has(file)) {
      files.set(file, { spans: byFile.get(file) as CandidateSpan[] });
      continue;
    }
    const abs = await confinedPath(opts.root, file);
    if (abs === undefined) {
      files.set(file, undefined);
      refused.set(file, `${file}: the path leaves the workspace folder; not read`);
      continue;
    }
    try {
      const content = await readTextFile(abs, { maxBytes, displayName: file });
      const src = locateSource(file, content);
      files.set(file, { spans: byFile.get(file) ?? sourceSpans(src, opts.granularity).spans, source: src });
    } catch (e) {
      files.set(file, undefined);
      if (!(TextFileError.is(e) && e.reason === 'missing')) refused.set(file, (e as Error).message);
    }
  }
  const run = (spans: readonly CandidateSpan[] | undefined): ReanchorResult =>
    reanchor(decisions, { file: (p) => files.get(p), ...(spans ? { corpus: groupSpans(spans) } : {}) });
  let result = run(corpus);
  if (result.orphans.length > 0 && !corpus && typeof opts.corpus === 'function') {
    corpus = await opts.corpus();
    result = run(corpus);
  }
  if (refused.size === 0) return result;
  const orphans: OrphanSpan[] = result.orphans.map((o) => {
    const detail = refused.get(o.event.source.file);
    return detail !== undefined ? { ...o, detail } : o;
  });
  return { ...result, orphans };
}

function groupSpans(spans: readonly CandidateSpan[]): Map<string, CandidateSpan[]> {
  const out = new Map<string, CandidateSpan[]>();
  for (const s of spans) {
    const list = out.get(s.file);
    if (list) list.push(s);
    else out.set(s.file, [s]);
  }
  return out;
}
