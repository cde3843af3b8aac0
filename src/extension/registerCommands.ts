import type { Disposable } from '../core/types';
import type { PanelState } from '../protocol';
import type { CommandContext, LabelwiseCommand } from './commands/command';

/**
 * Registers the commands; each run reports its error to the user (and the output channel) instead
 * of letting it escape into VS Code as an anonymous failure, and resolves to undefined then;
 * otherwise to what the command resolved to.
 */
export function registerCommands(commands: readonly LabelwiseCommand[], ctx: CommandContext): Disposable[] {
  return commands.map((c) =>
    ctx.surface.registerCommand(c.id, async (...args: unknown[]): Promise<PanelState | void> => {
      try {
        return await c.run(ctx, ...args);
      } catch (e) {
        ctx.app.report(e, `Labelwise: ${c.title}`);
        return undefined;
      }
    }),
  );
}
