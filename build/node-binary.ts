/**
 * The Node.js binary a single executable is built on: the pinned node-linux-<arch>
 * package. The host's is installed by npm; another architecture's is skipped by npm
 * (it is an optionalDependency for another CPU), so it is fetched with `npm pack` and
 * its tarball checked against the integrity recorded in package-lock.json.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** CPU architectures skiff is built for. */
export type Arch = 'x64' | 'arm64';

/** The CPU architectures build.ts accepts for --arch. */
export const arches: readonly Arch[] = ['x64', 'arm64'];

/** The pinned package for `arch`, as recorded in package-lock.json. */
export interface LockedNode {
  readonly name: string;
  readonly version: string;
  /** Subresource-integrity string, "sha512-<base64>". */
  readonly integrity: string;
}

/** Reads the pinned node-linux-<arch> entry from the lock file. */
export function lockedNode(root: string, arch: Arch): LockedNode {
  const name = `node-linux-${arch}`;
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages?: Record<string, { version?: string; integrity?: string } | undefined>;
  };
  const entry = lock.packages?.[`node_modules/${name}`];
  if (entry?.version === undefined || entry.integrity === undefined) {
    throw new Error(`Cannot find ${name} with a version and integrity in package-lock.json`);
  }
  return { name, version: entry.version, integrity: entry.integrity };
}

/** True when `bytes` hash to the sha512 subresource-integrity string `integrity`. */
export function matchesIntegrity(bytes: Uint8Array, integrity: string): boolean {
  const [algorithm, expected] = integrity.split('-', 2);
  if (algorithm !== 'sha512' || expected === undefined) {
    throw new Error(`Cannot check integrity "${integrity}": only sha512 is supported`);
  }
  return createHash('sha512').update(bytes).digest('base64') === expected;
}

/**
 * Returns the path of the pinned node binary for `arch`: the installed package when
 * npm installed it, else the verified copy in `cacheDir`, fetching it when absent.
 * Throws when the fetched tarball does not match package-lock.json.
 */
export function nodeBinary(root: string, arch: Arch, cacheDir: string): string {
  const locked = lockedNode(root, arch);
  const installed = join(root, 'node_modules', locked.name);
  if (existsSync(join(installed, 'bin', 'node'))) {
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version?: string };
    if (pkg.version !== locked.version) {
      throw new Error(
        `Cannot use node_modules/${locked.name} ${pkg.version ?? '?'}: package-lock.json pins ${locked.version}; run 'npm ci --ignore-scripts'`,
      );
    }
    return join(installed, 'bin', 'node');
  }

  const dir = join(cacheDir, `${locked.name}-${locked.version}`);
  const binary = join(dir, 'package', 'bin', 'node');
  const stamp = join(dir, 'integrity');
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8') === locked.integrity) return binary;

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tarball = packFromRegistry(`${locked.name}@${locked.version}`, dir);
  if (!matchesIntegrity(readFileSync(tarball), locked.integrity)) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `Refusing ${locked.name}@${locked.version}: the fetched tarball's sha512 differs from package-lock.json (${locked.integrity})`,
    );
  }
  run('tar', ['-xzf', tarball, '-C', dir, 'package/bin/node', 'package/package.json']);
  writeFileSync(stamp, locked.integrity);
  return binary;
}

function packFromRegistry(spec: string, dir: string): string {
  const out = run('npm', ['pack', spec, '--pack-destination', dir, '--json', '--ignore-scripts']);
  const files = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename?: string }>;
  const filename = files[0]?.filename;
  if (filename === undefined) throw new Error(`Cannot find the tarball npm pack wrote for ${spec}`);
  return join(dir, filename);
}

function run(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.error !== undefined) throw new Error(`Cannot run ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    const detail = result.stderr.trim().split('\n').slice(-3).join(' / ');
    throw new Error(`${command} ${args.join(' ')} failed with exit code ${String(result.status)}: ${detail}`);
  }
  return result.stdout;
}
