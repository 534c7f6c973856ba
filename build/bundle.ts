/** Bundles the skiff entry point into one CommonJS file for the single executable. */
import { build } from 'esbuild';

/** Facts baked into the bundle, read by internal/cli/build-info.ts. */
export interface BuildStamp {
  readonly version: string;
  readonly commit: string;
  readonly date: string;
}

/** Writes `outfile` from `entry`: CommonJS for Node 24, native addons left out, `stamp` defined. */
export async function bundle(options: {
  entry: string;
  outfile: string;
  stamp: BuildStamp;
  minify: boolean;
}): Promise<void> {
  const result = await build({
    entryPoints: [options.entry],
    outfile: options.outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    // cpu-features is an optional native dependency of ssh2 (via dockerode); the
    // better-sqlite3 addon is embedded as a SEA asset and loaded at run time instead.
    external: ['cpu-features', '*.node'],
    define: {
      SKIFF_BUILD_VERSION: JSON.stringify(options.stamp.version),
      SKIFF_BUILD_COMMIT: JSON.stringify(options.stamp.commit),
      SKIFF_BUILD_DATE: JSON.stringify(options.stamp.date),
    },
    minify: options.minify,
    legalComments: 'none',
    logLevel: 'warning',
  });
  if (result.errors.length > 0) {
    throw new Error(`Cannot bundle ${options.entry}: ${result.errors.map((e) => e.text).join('; ')}`);
  }
}
