/**
 * Builds the skiff single executable: `node build/build.ts [--arch x64|arm64] [--no-minify]`
 * (`npm run build`). The host architecture's binary is dist/skiff; another's is
 * dist/skiff-linux-<arch>. Runs only on the pinned Node, whose version the binary embeds.
 */
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundle } from './bundle.ts';
import { gitCommit } from './git-info.ts';
import { arches, nodeBinary, type Arch } from './node-binary.ts';
import { requirePinnedNode } from './runtime.ts';
import { buildSea } from './sea.ts';

requirePinnedNode('npm run build');

const root = fileURLToPath(new URL('..', import.meta.url));

function fail(message: string): never {
  process.stderr.write(`build: ${message}\n`);
  process.exit(1);
}

function options(): { arch: Arch; minify: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      options: { arch: { type: 'string' }, 'no-minify': { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}; usage: node build/build.ts [--arch x64|arm64] [--no-minify]`);
  }
  const host = process.arch;
  const arch = values.arch ?? host;
  const known = arches.find((a) => a === arch);
  if (known === undefined) fail(`unknown --arch ${arch}; use one of ${arches.join(', ')}`);
  if (process.platform !== 'linux') fail(`skiff is built on Linux only, not ${process.platform}`);
  return { arch: known, minify: values['no-minify'] !== true };
}

async function main(): Promise<void> {
  const { arch, minify } = options();
  const hostBuild = arch === process.arch;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const epoch = process.env['SOURCE_DATE_EPOCH'];
  const stamp = {
    version: pkg.version,
    commit: gitCommit(root),
    date: (epoch === undefined || epoch === '' ? new Date() : new Date(Number(epoch) * 1000)).toISOString(),
  };
  // One work directory per build, so builds started side by side do not share intermediate files.
  const work = join(root, '.cache', 'build', `${arch}-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const output = join(root, 'dist', hostBuild ? 'skiff' : `skiff-linux-${arch}`);

  const bundled = join(work, 'skiff.cjs');
  await bundle({ entry: join(root, 'cmd', 'skiff', 'main.ts'), outfile: bundled, stamp, minify });
  const node = nodeBinary(root, arch, join(root, '.cache'));
  await buildSea({
    main: bundled,
    nodeBinary: node,
    output,
    workDir: work,
    assets: { 'better_sqlite3.node': join(root, 'node_modules', 'better-sqlite3', 'prebuilds', `linux-${arch}.node`) },
    useCodeCache: hostBuild,
  });
  rmSync(work, { recursive: true, force: true });
  const mib = (statSync(output).size / 1024 / 1024).toFixed(1);
  process.stdout.write(
    `build: ${relative(root, output)} (linux-${arch}, ${mib} MiB): skiff v${stamp.version}, commit ${stamp.commit}, built ${stamp.date}\n`,
  );
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
