import type { WorkspaceFolderLike } from './surface';

/**
 * Which folder of a multi-root workspace Labelwise works in. One folder, one label store: the
 * first folder that already holds a label store (so opening a workspace around a labeled corpus
 * finds its labels wherever that folder is listed), else the first folder. The choice depends only
 * on the folders and their stores, so it is the same on every start.
 */
export function chooseWorkspaceFolder(folders: readonly WorkspaceFolderLike[], hasStore: (folder: WorkspaceFolderLike) => boolean): WorkspaceFolderLike | undefined {
  return folders.find((f) => hasStore(f)) ?? folders[0];
}

/**
 * One sentence naming the folder used and the ones left out, for the output channel and the status
 * bar's tooltip; undefined when the workspace has one folder (nothing to explain).
 */
export function folderChoiceNote(folders: readonly WorkspaceFolderLike[], usedPath: string | undefined): string | undefined {
  if (folders.length < 2 || usedPath === undefined) return undefined;
  const used = folders.find((f) => f.path === usedPath);
  if (!used) return undefined;
  const others = folders.filter((f) => f !== used).map((f) => `"${f.name}"`);
  const which = used === folders[0] ? '' : ' with a label store (.labelwise/labels.jsonl)';
  return `Labelwise works in "${used.name}" (${used.path}), the first of the workspace's ${folders.length} folders${which}; ${others.join(', ')} ${others.length === 1 ? 'is' : 'are'} not read.`;
}
