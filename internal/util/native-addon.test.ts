import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { NativeAddonError, addonCacheDir, loadAddon, materializeAddon } from './native-addon.ts';

const dir = mkdtempSync(join(tmpdir(), 'skiff-addon-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);
const prebuild = join(
  dirname(require.resolve('better-sqlite3/package.json')),
  'prebuilds',
  `${process.platform}-${process.arch}.node`,
);

test('the cache directory is SKIFF_CACHE_DIR, else XDG_CACHE_HOME/skiff, else HOME/.cache/skiff, else /var/lib/skiff/cache', () => {
  const all = { SKIFF_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' };
  assert.equal(addonCacheDir(all), '/c');
  assert.equal(addonCacheDir({ ...all, SKIFF_CACHE_DIR: '' }), '/x/skiff');
  assert.equal(addonCacheDir({ HOME: '/h', XDG_CACHE_HOME: '' }), '/h/.cache/skiff');
  assert.equal(addonCacheDir({ HOME: '/h', XDG_CACHE_HOME: 'relative' }), '/h/.cache/skiff');
  assert.equal(addonCacheDir({}), '/var/lib/skiff/cache');
});

test('an addon is written under a name carrying its content hash, executable, and reused when present', () => {
  const cache = join(dir, 'reuse');
  const first = materializeAddon(new Uint8Array([1, 2, 3]), cache, 'thing');
  assert.match(first, /\/thing-[0-9a-f]{16}\.node$/);
  assert.equal(statSync(first).mode & 0o111, 0o111);
  const written = statSync(first).mtimeMs;
  assert.equal(materializeAddon(new Uint8Array([1, 2, 3]), cache, 'thing'), first);
  assert.equal(statSync(first).mtimeMs, written);
  const other = materializeAddon(new Uint8Array([4, 5, 6]), cache, 'thing');
  assert.notEqual(other, first);
  assert.deepEqual(readdirSync(cache).sort(), [first, other].map((p) => p.slice(cache.length + 1)).sort());
});

test('a damaged file under the hashed name is replaced with the right content', () => {
  const cache = join(dir, 'damaged');
  const file = materializeAddon(new Uint8Array([7, 7, 7]), cache, 'thing');
  writeFileSync(file, 'truncated');
  assert.equal(materializeAddon(new Uint8Array([7, 7, 7]), cache, 'thing'), file);
  assert.deepEqual([...readFileSync(file)], [7, 7, 7]);
});

test('processes unpacking the same addon at once all end with one complete file and no temporaries', async () => {
  const cache = join(dir, 'concurrent');
  const script =
    `import { readFileSync } from 'node:fs';` +
    `import { materializeAddon } from ${JSON.stringify(new URL('./native-addon.ts', import.meta.url).href)};` +
    `process.stdout.write(materializeAddon(readFileSync(${JSON.stringify(prebuild)}), ${JSON.stringify(cache)}, 'better_sqlite3'));`;
  const runs = Array.from({ length: 6 }, () =>
    execFileAsync(process.execPath, ['--input-type=module', '-e', script]),
  );
  const paths = (await Promise.all(runs)).map((r) => r.stdout);
  assert.equal(new Set(paths).size, 1);
  assert.equal(readdirSync(cache).length, 1);
  assert.ok(readFileSync(paths[0] ?? '').equals(readFileSync(prebuild)));
});

test('an unwritable cache directory fails with one line naming it and SKIFF_CACHE_DIR', () => {
  const file = join(dir, 'plain-file');
  writeFileSync(file, '');
  const cache = join(file, 'cache');
  assert.throws(() => materializeAddon(new Uint8Array([1]), cache, 'better_sqlite3'), (error: unknown) => {
    assert.ok(error instanceof NativeAddonError);
    assert.match(error.message, new RegExp(`^cannot write the embedded better_sqlite3 addon to cache directory ${cache} \\(ENOTDIR: .*\\); set SKIFF_CACHE_DIR to a writable directory`));
    assert.ok(!error.message.includes('\n'));
    return true;
  });
});

test('a cache directory that cannot be created fails promptly instead of retrying forever', () => {
  assert.throws(() => materializeAddon(new Uint8Array([1]), '/proc/skiff-cache/nested', 'better_sqlite3'), {
    name: 'NativeAddonError',
    message: /^cannot write the embedded better_sqlite3 addon to cache directory \/proc\/skiff-cache\/nested \(ENOENT: /,
  });
});

test('the unpacked better-sqlite3 addon loads and serves as its native binding', () => {
  const cache = join(dir, 'load');
  const file = materializeAddon(readFileSync(prebuild), cache, 'better_sqlite3');
  const binding = loadAddon(file, cache);
  const WithBinding = Database as unknown as new (f: string, o: { nativeBinding: object }) => Database.Database;
  const db = new WithBinding(':memory:', { nativeBinding: binding });
  const row = db.prepare('select sqlite_version() as v').get() as { v: string };
  db.close();
  assert.match(row.v, /^3\.\d+\.\d+$/);
});

test('a file that is not a loadable addon fails with one line naming it', () => {
  const cache = join(dir, 'garbage');
  const file = materializeAddon(new TextEncoder().encode('not an ELF file'), cache, 'better_sqlite3');
  assert.throws(() => loadAddon(file, cache), (error: unknown) => {
    assert.ok(error instanceof NativeAddonError);
    assert.ok(error.message.startsWith(`cannot load the embedded addon ${file}: `));
    assert.ok(!error.message.includes('\n'));
    return true;
  });
});
