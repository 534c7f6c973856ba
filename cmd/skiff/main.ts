/**
 * The skiff executable: hands argv to the CLI and exits with its code. No top-level
 * await, so that the release build can bundle this file as CommonJS.
 */
import { main } from '../../internal/cli/main.ts';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`skiff: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
