/**
 * Turns a CommonJS bundle into a Node single executable application: a preparation
 * blob made by the running (pinned) Node, injected into a copy of the target node
 * binary with postject.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The fuse string Node checks to know a blob has been injected. */
export const seaFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

type Inject = (
  filename: string,
  resourceName: string,
  resourceData: Buffer,
  options: { sentinelFuse: string; overwrite?: boolean },
) => Promise<void>;

const require = createRequire(import.meta.url);

/** Writes `output`: `nodeBinary` with `main` and `assets` (name → file) embedded. */
export async function buildSea(options: {
  main: string;
  nodeBinary: string;
  output: string;
  workDir: string;
  assets: Readonly<Record<string, string>>;
  /** Only when the target runs the same V8 on the same CPU as this build. */
  useCodeCache: boolean;
}): Promise<void> {
  mkdirSync(options.workDir, { recursive: true });
  const blob = join(options.workDir, 'sea-prep.blob');
  const config = join(options.workDir, 'sea-config.json');
  writeFileSync(
    config,
    `${JSON.stringify(
      {
        main: options.main,
        output: blob,
        disableExperimentalSEAWarning: true,
        useSnapshot: false,
        useCodeCache: options.useCodeCache,
        assets: options.assets,
      },
      null,
      2,
    )}\n`,
  );
  const prep = spawnSync(process.execPath, ['--experimental-sea-config', config], { encoding: 'utf8' });
  if (prep.status !== 0) {
    throw new Error(`Cannot write the SEA blob: ${(prep.stderr || prep.stdout).trim() || `exit ${String(prep.status)}`}`);
  }

  mkdirSync(dirname(options.output), { recursive: true });
  // Injected beside the output and renamed over it at the end: a running or concurrently
  // started executable never sees a half-written file.
  const partial = `${options.output}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  copyFileSync(options.nodeBinary, partial);
  chmodSync(partial, 0o755);
  try {
    const { inject } = require('postject') as { inject: Inject };
    await inject(partial, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: seaFuse });
    renameSync(partial, options.output);
  } finally {
    rmSync(partial, { force: true });
  }
}
