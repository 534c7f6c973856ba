/** The action of commands this build does not have yet. */
import { buildInfo } from './build-info.ts';
import type { FlagTable } from './flag.ts';
import type { Invocation } from './command.ts';

/** Exit code of a command that is not available in this build. */
export const exitNotAvailable = 1;

/** Says plainly that the command is not in this build; runs after flags and config parsed cleanly. */
export async function notAvailable<F extends FlagTable>(invocation: Invocation<F>): Promise<number> {
  invocation.io.stderr(
    `${invocation.command}: not available yet in skiff ${buildInfo().version}\n`,
  );
  return exitNotAvailable;
}
