import type { Disposable } from '../core/types';
import type { CommandContext, LabelwiseCommand } from './commands/command';

/**
 * Registers the commands; each run reports its error to the user (and the output channel) instead
 * of letting it escape into VS Code as an anonymous failure.
 */
export function registerCommands(commands: readonly LabelwiseCommand[], ctx: CommandContext): Disposable[] {
  return commands.map((c) =>
    ctx.surface.registerCommand(c.id, async (...args: unknown[]) => {
      try {
        await c.run(ctx, ...args);
      } catch (e) {
        ctx.app.report(e, `Labelwise: ${c.title}`);
      }
    }),
  );
}
