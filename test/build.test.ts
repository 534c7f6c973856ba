/**
 * The release build: `node build/build.ts` makes dist/skiff, a single executable that
 * runs alone, without node_modules or a Node install, with the SQLite addon inside it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { gitCommit } from '../build/git-info.ts';
import { lockedNode, matchesIntegrity } from '../build/node-binary.ts';
import { seaFuse } from '../build/sea.ts';
import { sqliteVersion } from '../internal/cli/commands/version.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'skiff-build-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function build(...args: string[]): void {
  const result = spawnSync(process.execPath, [join(root, 'build', 'build.ts'), ...args], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, `build ${args.join(' ')} failed:\n${result.stderr}\n${result.stdout}`);
}

let startedAt = 0;
let skiffPath = '';
let home = '';

before(() => {
  // build/test.sh builds once for every end-to-end suite and says so in the environment.
  const prebuilt = process.env.SKIFF_BINARY;
  startedAt = prebuilt === undefined ? Date.now() : Number(process.env.SKIFF_BUILD_STARTED_AT);
  if (prebuilt === undefined) build();
  const alone = join(dir, 'alone');
  mkdirSync(alone);
  skiffPath = join(alone, 'skiff');
  copyFileSync(prebuilt ?? join(root, 'dist', 'skiff'), skiffPath);
  home = join(dir, 'home');
  mkdirSync(home);
});

/** Runs the copied binary from its own empty directory with a clean environment. */
function skiff(args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(skiffPath, args, {
    cwd: join(dir, 'alone'),
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', HOME: home, ...env },
  });
  assert.equal(result.error, undefined);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('dist/skiff run alone with a clean environment reports its version, commit, runtime and SQLite', () => {
  const { code, stdout, stderr } = skiff(['version']);
  assert.equal(stderr, '');
  assert.equal(code, 0);
  const lines = stdout.trimEnd().split('\n');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  assert.equal(lines[0], `skiff version v${pkg.version}`);
  // A binary built before this run may predate edits to the tree: only the commit must match then.
  const commit = process.env.SKIFF_BINARY === undefined ? gitCommit(root) : gitCommit(root).replace(/-dirty$/, '');
  assert.match(lines[1] ?? '', new RegExp(`^git commit: ${commit}${process.env.SKIFF_BINARY === undefined ? '' : '(-dirty)?'}$`));
  const date = /^build date: (.*)$/.exec(lines[2] ?? '')?.[1] ?? '';
  assert.equal(new Date(date).toISOString(), date);
  assert.ok(Date.parse(date) >= startedAt - 1000 && Date.parse(date) <= Date.now(), `build date ${date}`);
  assert.deepEqual(lines.slice(3), [
    'node: v24.21.0',
    'platform: linux',
    `arch: ${process.arch}`,
    `sqlite: ${sqliteVersion()}`,
  ]);
});

test('the embedded SQLite addon is unpacked once into HOME/.cache/skiff under a hashed name and reused', () => {
  const cache = join(home, '.cache', 'skiff');
  const [name, ...others] = readdirSync(cache);
  assert.deepEqual(others, []);
  assert.match(name ?? '', /^better_sqlite3-[0-9a-f]{16}\.node$/);
  const written = statSync(join(cache, name ?? '')).mtimeMs;
  assert.equal(skiff(['version']).code, 0);
  assert.deepEqual(readdirSync(cache), [name]);
  assert.equal(statSync(join(cache, name ?? '')).mtimeMs, written);
  const elsewhere = join(dir, 'skiff-cache-dir');
  assert.equal(skiff(['version'], { SKIFF_CACHE_DIR: elsewhere }).code, 0);
  assert.deepEqual(readdirSync(elsewhere), [name]);
});

test('dist/skiff --help exits 0 and a bad flag exits 2 with one line', () => {
  const help = skiff(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^  server +run the control plane/m);
  const bad = skiff(['server', '--https-listen-port=abc']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, '');
  assert.equal(
    bad.stderr,
    'skiff: invalid value "abc" for flag --https-listen-port of "skiff server": want a whole number, e.g. --https-listen-port=6443\n',
  );
  const unknown = skiff(['server', '--foo']);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, `skiff: unknown flag --foo for "skiff server"; run 'skiff server --help' to list flags\n`);
});

test('an unwritable cache directory makes dist/skiff exit 78 with one line naming it and the fix', () => {
  const file = join(dir, 'not-a-dir');
  writeFileSync(file, '');
  const cache = join(file, 'cache');
  const { code, stdout, stderr } = skiff(['version'], { SKIFF_CACHE_DIR: cache });
  assert.equal(code, 78);
  assert.equal(stdout, '');
  assert.match(
    stderr,
    new RegExp(`^skiff: cannot write the embedded better_sqlite3 addon to cache directory ${cache} \\(ENOTDIR: [^\\n]*\\); set SKIFF_CACHE_DIR to a writable directory on a filesystem that allows executables\\n$`),
  );
});

test('a cache directory mounted noexec makes dist/skiff exit 78 with one line saying so', (t) => {
  const mountPoint = join(dir, 'noexec');
  mkdirSync(mountPoint);
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'noexec,size=16m', 'tmpfs', mountPoint], { encoding: 'utf8' });
  assert.equal(mount.status, 0, `this test mounts a noexec tmpfs and needs root: ${mount.stderr}`);
  t.after(() => spawnSync('umount', [mountPoint]));
  const { code, stderr } = skiff(['version'], { SKIFF_CACHE_DIR: mountPoint });
  assert.equal(code, 78);
  assert.match(
    stderr,
    new RegExp(`^skiff: cannot load the embedded addon ${mountPoint}/better_sqlite3-[0-9a-f]{16}\\.node: ${mountPoint} is on a filesystem mounted noexec; set SKIFF_CACHE_DIR to [^\\n]*\\n$`),
  );
});

// Built from an x64 machine, the other architecture is arm64 (and the reverse on a Pi).
const other = process.arch === 'arm64' ? 'x64' : 'arm64';
const elfMachine = { x64: 62, arm64: 183 }[other];

test(`the ${other} build is an ELF executable for that CPU with the SEA blob injected, from a node tarball matching the lock file`, (t) => {
  build('--arch', other);
  const binary = join(root, 'dist', `skiff-linux-${other}`);
  const header = Buffer.alloc(20);
  const fd = openSync(binary, 'r');
  readSync(fd, header, 0, 20, 0);
  closeSync(fd);
  assert.equal(header.subarray(0, 4).toString('latin1'), '\x7fELF');
  assert.equal(header.readUInt16LE(18), elfMachine, `e_machine is that of ${other}`);
  const bytes = readFileSync(binary);
  assert.ok(bytes.includes(`${seaFuse}:1`), 'the SEA fuse is flipped');

  const locked = lockedNode(root, other);
  const tarball = readFileSync(join(root, '.cache', `${locked.name}-${locked.version}`, `${locked.name}-${locked.version}.tgz`));
  assert.ok(matchesIntegrity(tarball, locked.integrity));
  const tampered = Buffer.from(tarball);
  tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 0xff;
  assert.ok(!matchesIntegrity(tampered, locked.integrity));

  const qemu = spawnSync('qemu-aarch64-static', ['--version']);
  if (other !== 'arm64' || qemu.status !== 0) {
    t.diagnostic(`the ${other} binary was checked but not run (it needs qemu-aarch64-static and an x64 host)`);
    return;
  }
  const run = spawnSync('qemu-aarch64-static', ['-L', '/usr/aarch64-linux-gnu', binary, 'version'], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', HOME: home },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^node: v24\.21\.0\nplatform: linux\narch: arm64\nsqlite: 3\.\d+\.\d+$/m);
});
