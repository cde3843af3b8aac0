import type { PanelState } from '../../protocol';
import type { LabelwiseApp } from '../labelwiseApp';
import type { VscodeSurface } from '../surface';

export interface CommandContext {
  readonly app: LabelwiseApp;
  readonly surface: VscodeSurface;
}

/**
 * One palette command: its id, its title (as in package.json, category "Labelwise") and its action.
 * A command that drives the panel resolves to the panel's state after it: that is what
 * `vscode.commands.executeCommand` gives back (undefined when the command failed and reported its
 * error), so a caller (the VS Code test suite) can see what the command did.
 */
export interface LabelwiseCommand {
  readonly id: string;
  readonly title: string;
  run(ctx: CommandContext, ...args: unknown[]): Promise<PanelState | void>;
}
