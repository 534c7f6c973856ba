/**
 * A mistake in how skiff was invoked (command, flag, environment variable or config file).
 * The message is one line that says what is wrong and how to fix it; the CLI prints it
 * and exits with code 2, which the systemd units treat as "do not restart".
 */
export class UsageError extends Error {
  readonly code = 'EUSAGE';
  override name = 'UsageError';
}

/** Exit code for a usage error (bad command, flag, environment variable or config key). */
export const exitUsage = 2;
