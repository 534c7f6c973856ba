/**
 * Version facts of this skiff build. A release build (build/build.ts) replaces the
 * SKIFF_BUILD_* identifiers with constants through esbuild's `define`; run from source
 * they are not defined and the package version with "dev"/"unknown" stands in.
 */
import pkg from '../../package.json' with { type: 'json' };

declare const SKIFF_BUILD_VERSION: string | undefined;
declare const SKIFF_BUILD_COMMIT: string | undefined;
declare const SKIFF_BUILD_DATE: string | undefined;

/** What `skiff version` reports. */
export interface BuildInfo {
  /** Semantic version without the "v", e.g. "0.1.0". */
  readonly version: string;
  /** Git commit of the build ("<sha>" or "<sha>-dirty"), or "dev" from source. */
  readonly commit: string;
  /** ISO 8601 time of the build, or "unknown" from source. */
  readonly date: string;
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
}

/** Returns the facts of the running build. */
export function buildInfo(): BuildInfo {
  return {
    version: typeof SKIFF_BUILD_VERSION === 'string' ? SKIFF_BUILD_VERSION : pkg.version,
    commit: typeof SKIFF_BUILD_COMMIT === 'string' ? SKIFF_BUILD_COMMIT : 'dev',
    date: typeof SKIFF_BUILD_DATE === 'string' ? SKIFF_BUILD_DATE : 'unknown',
    node: process.version,
    platform: process.platform,
    arch: process.arch,
  };
}
