import type { VscodeSurface } from './surface';

/**
 * The context keys Labelwise sets, for `when` clauses in package.json (menus, walkthrough
 * completion events). Named here once so the manifest test can check package.json uses these.
 */
export const CONTEXT_KEYS = {
  /** True while a labeling session runs: its commands show in the palette and the panel's title bar. */
  sessionActive: 'labelwise.sessionActive',
  /** True once the label store holds a labeled span (the walkthrough's "label" step). */
  hasLabels: 'labelwise.hasLabels',
} as const;

export type ContextKey = (typeof CONTEXT_KEYS)[keyof typeof CONTEXT_KEYS];

/**
 * Sets context keys through the surface, only when a value changes: the status refresh runs on
 * every label, and each setContext is a round trip to the workbench.
 */
export class ContextKeys {
  private readonly values = new Map<ContextKey, boolean>();

  constructor(private readonly surface: Pick<VscodeSurface, 'setContext'>) {}

  set(key: ContextKey, value: boolean): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    this.surface.setContext(key, value);
  }
}
