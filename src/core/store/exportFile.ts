import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';
import { EXPORT_REGISTRY_FILE, MAX_REGISTRY_ENTRIES, contentSha256, loadExportRegistry, type ExportRegistryEntry } from '../text/labelwiseOutput';
import { isInside, realPathOf } from './workspacePath';

/** Where exports go by default, relative to the workspace folder (excluded from the corpus). */
export const EXPORTS_RELATIVE_DIR = '.labelwise/exports';

/**
 * Why `target` must not be written by an export, or undefined. An export must never replace the
 * label store (checked on real paths, so a symlink or another spelling is caught too) nor any other
 * file in the store's `.labelwise/` folder (curve log, export registry) except in its `exports/`
 * folder, nor another workspace's `.labelwise/labels.jsonl`.
 */
export function exportTargetProblem(target: string, storeFile: string): string | undefined {
  const real = realPathOf(target);
  const realStore = realPathOf(storeFile);
  if (real === realStore) return `${target} is the label store itself; choose another file`;
  const storeDir = path.dirname(realStore);
  const exportsDir = path.join(storeDir, 'exports');
  if (path.basename(storeDir) === '.labelwise' && isInside(storeDir, real) && !(isInside(exportsDir, real) && real !== exportsDir)) {
    return `${target} is inside the .labelwise folder, which holds the label store; export to .labelwise/exports/ or outside .labelwise`;
  }
  if (path.basename(real) === 'labels.jsonl' && path.basename(path.dirname(real)) === '.labelwise') {
    return `${target} is the label store of a Labelwise workspace; choose another file`;
  }
  try {
    if (!fs.statSync(real).isFile()) return `${target} exists and is not a regular file`;
  } catch {
    // Does not exist yet: fine.
  }
  return undefined;
}

export interface ExportFile {
  readonly path: string;
  readonly content: string;
  /** Format recorded in the export registry. */
  readonly format: string;
}

/**
 * Writes export files all or nothing: each goes to a temporary file beside its target first, and
 * only when every one is written are they renamed into place. On any failure every temporary file
 * is removed and the targets are left as they were; the error names the file. Each target is
 * checked with exportTargetProblem first. Successful writes are recorded in the workspace's export
 * registry (see labelwiseOutput.ts), so the corpus reader never takes them for text to label.
 */
export function writeExportFiles(files: readonly ExportFile[], storeFile: string, workspaceRoot: string | undefined): void {
  for (const f of files) {
    const problem = exportTargetProblem(f.path, storeFile);
    if (problem) throw new InputError(problem, f.path);
  }
  const temps: string[] = [];
  let current = '';
  try {
    for (const f of files) {
      current = f.path;
      fs.mkdirSync(path.dirname(f.path), { recursive: true });
      const tmp = `${f.path}.tmp-${process.pid}`;
      temps.push(tmp);
      fs.writeFileSync(tmp, f.content, 'utf8');
    }
    // Registered before the files appear, so a corpus read that sees them also sees the entry.
    if (workspaceRoot !== undefined) {
      current = path.join(workspaceRoot, '.labelwise', EXPORT_REGISTRY_FILE);
      registerExports(workspaceRoot, files);
    }
    for (const [i, f] of files.entries()) {
      current = f.path;
      fs.renameSync(temps[i], f.path);
      temps[i] = '';
    }
  } catch (e) {
    for (const t of temps) if (t !== '') fs.rmSync(t, { force: true });
    throw new InputError(`${current}: cannot write (${(e as Error).message}); the export was not written`, current);
  }
}

/** Adds `files` to `<root>/.labelwise/exports.json` (newest last; the oldest beyond the cap dropped). */
export function registerExports(root: string, files: readonly ExportFile[]): void {
  const now = new Date().toISOString();
  const fresh: ExportRegistryEntry[] = files.map((f) => {
    const abs = path.resolve(f.path);
    const file = isInside(root, abs) ? path.relative(path.resolve(root), abs).split(path.sep).join('/') : abs;
    return { file, format: f.format, sha256: contentSha256(f.content), bytes: Buffer.byteLength(f.content, 'utf8'), ts: now };
  });
  const keep = loadExportRegistry(root).entries.filter((e) => !fresh.some((n) => n.file === e.file));
  const entries = [...keep, ...fresh].slice(-MAX_REGISTRY_ENTRIES);
  const dir = path.join(root, '.labelwise');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, EXPORT_REGISTRY_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  const note = 'Files written by Labelwise label exports: the corpus reader skips them. Remove an entry to label that file as text.';
  try {
    fs.writeFileSync(tmp, JSON.stringify({ note, exports: entries }, null, 1) + '\n', 'utf8');
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
