/** How kubectl failures read: one line on stderr, exit code 1. */
import { ApiStatusError, KubeconfigError } from '../client/index.ts';

/** A failure the user must see as `error: <message>` (not a usage mistake). */
export class KubectlError extends Error {
  override name = 'KubectlError';
}

/** The one line kubectl prints for `error`, without the newline. */
export function errorLine(error: unknown): string {
  if (error instanceof ApiStatusError) return `Error from server (${error.reason}): ${error.message}`;
  if (error instanceof KubectlError || error instanceof KubeconfigError) return `error: ${error.message}`;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? `error: ${error.message}` : `error: ${error.message} (${code})`;
  }
  return `error: ${String(error)}`;
}
