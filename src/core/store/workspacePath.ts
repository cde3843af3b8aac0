import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Why `file` is not a workspace-relative path the store may name, or undefined when it is. The
 * store is committed with the corpus and read on every activation, so a path in it must never
 * point outside the workspace folder: no absolute paths (`/x`, `C:\x`, `\\server\x`), no `..`
 * segment, no NUL. Checked on the text alone, so it holds on every platform.
 */
export function workspacePathProblem(file: string): string | undefined {
  if (file.includes('\u0000')) return 'contains a NUL character';
  if (file.startsWith('/') || file.startsWith('\\') || /^[a-zA-Z]:/.test(file)) {
    return `"${file}" is an absolute path; it must be relative to the workspace folder`;
  }
  if (file.split(/[\\/]/).includes('..')) return `"${file}" leaves the workspace folder (".."); it must stay inside it`;
  return undefined;
}

/** Whether absolute `abs` is `root` itself or inside it (on the path text, after resolving). */
export function isInside(root: string, abs: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(abs));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The real path of `p` even when it does not exist yet: the deepest existing ancestor is resolved
 * through symlinks and the rest appended. Lets "is this the store / inside the workspace" see
 * through a symlinked folder or file.
 */
export function realPathOf(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(fs.realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

/**
 * The workspace file named by store path `file`, or why it must not be opened: the path text must
 * be workspace-relative, and the real file (through symlinks) must be inside the real workspace.
 */
export function resolveInWorkspace(root: string, file: string): { abs: string } | { error: string } {
  const problem = workspacePathProblem(file);
  if (problem) return { error: `${problem}; not opened` };
  const abs = path.resolve(root, file);
  if (!isInside(root, abs) || !isInside(realPathOf(root), realPathOf(abs))) {
    return { error: `"${file}" resolves outside the workspace folder; not opened` };
  }
  return { abs };
}
