/**
 * Runs the whole test suite with node's test runner on the pinned Node:
 * unit tests beside the code (internal, cmd) and the integration suites in test/.
 * Extra arguments are passed to `node --test` (e.g. a file, or --test-name-pattern).
 */
import { spawnSync } from 'node:child_process';
import { requirePinnedNode } from './runtime.ts';

requirePinnedNode('npm test');

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
const patterns = files.length > 0 ? files : ['internal/**/*.test.ts', 'cmd/**/*.test.ts', 'test/**/*.test.ts'];

const result = spawnSync(
  process.execPath,
  // --test-force-exit: a test file whose tests have all finished never holds up the suite
  // (a stray socket or timer in a test would otherwise keep its process alive).
  ['--test', '--test-concurrency=2', '--test-timeout=600000', '--test-force-exit', ...flags, ...patterns],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
