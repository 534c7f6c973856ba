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
  // No --test-force-exit: a file's process that exits at once when its tests end can lose
  // the last of its results on the way to the reporter (the count of tests then varied
  // between runs). A test that leaves a socket or timer behind must clean up instead.
  ['--test', '--test-concurrency=2', '--test-timeout=600000', ...flags, ...patterns],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
