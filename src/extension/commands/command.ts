import type { LabelwiseApp } from '../labelwiseApp';
import type { VscodeSurface } from '../surface';

export interface CommandContext {
  readonly app: LabelwiseApp;
  readonly surface: VscodeSurface;
}

/** One palette command: its id, its title (as in package.json, category "Labelwise") and its action. */
export interface LabelwiseCommand {
  readonly id: string;
  readonly title: string;
  run(ctx: CommandContext, ...args: unknown[]): Promise<void>;
}
