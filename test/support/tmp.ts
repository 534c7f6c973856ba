/** Temporary directories removed when the test ends. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Something to register clean-up with: a TestContext, or `{ after }` from node:test inside a describe. */
export interface Cleanup {
  after(fn: () => unknown): unknown;
}

export function tempDir(t: Cleanup, prefix = 'skiff-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
