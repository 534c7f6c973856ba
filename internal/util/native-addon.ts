/**
 * Loads a native addon that is embedded in the skiff executable. dlopen needs a real
 * file, so the addon's bytes are written once into a cache directory, under a name
 * that carries a hash of the content, and loaded from there.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';

/** The addon could not be written or loaded; the message is one line with the fix. */
export class NativeAddonError extends Error {
  readonly code = 'EADDON';
  override name = 'NativeAddonError';
}

const fix = 'set SKIFF_CACHE_DIR to a writable directory on a filesystem that allows executables';

/**
 * The directory embedded addons are unpacked to: $SKIFF_CACHE_DIR, else
 * $XDG_CACHE_HOME/skiff, else $HOME/.cache/skiff, else /var/lib/skiff/cache.
 */
export function addonCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const set = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const explicit = set('SKIFF_CACHE_DIR');
  if (explicit !== undefined) return explicit;
  const xdg = set('XDG_CACHE_HOME');
  if (xdg?.startsWith('/') === true) return join(xdg, 'skiff');
  const home = set('HOME');
  if (home?.startsWith('/') === true) return join(home, '.cache', 'skiff');
  return '/var/lib/skiff/cache';
}

/**
 * Writes `bytes` to `<dir>/<stem>-<hash>.node` unless a file with that content is
 * already there, and returns its path. The file is written under a temporary name and
 * renamed into place, so processes starting at the same time never see a partial file.
 * Throws NativeAddonError naming the directory when it cannot be created or written.
 */
export function materializeAddon(bytes: Uint8Array, dir: string, stem: string): string {
  const hash = sha256(bytes).slice(0, 16);
  const file = join(dir, `${stem}-${hash}.node`);
  try {
    if (sha256(readFileSync(file)).startsWith(hash)) return file;
  } catch {
    // Absent or unreadable: write it below.
  }
  const temp = join(dir, `.${stem}-${hash}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    makeDirs(dir);
    writeFileSync(temp, bytes, { mode: 0o755, flag: 'wx' });
    renameSync(temp, file);
  } catch (error) {
    removeQuietly(temp);
    throw new NativeAddonError(`cannot write the embedded ${stem} addon to cache directory ${dir} (${errorText(error)}); ${fix}`);
  }
  return file;
}

/** dlopens the addon at `file` and returns its exports. Throws NativeAddonError. */
export function loadAddon(file: string, dir: string): object {
  const module = { exports: {} };
  try {
    process.dlopen(module, file, constants.dlopen.RTLD_NOW);
  } catch (error) {
    const text = errorText(error);
    const cause = /failed to map segment/.test(text) ? `${dir} is on a filesystem mounted noexec` : text;
    throw new NativeAddonError(`cannot load the embedded addon ${file}: ${cause}; ${fix}`);
  }
  return module.exports;
}

// mkdirSync's recursive mode spins forever where mkdir answers ENOENT under an existing
// parent (e.g. SKIFF_CACHE_DIR=/proc/x), so the parents are made one by one.
function makeDirs(dir: string): void {
  const parent = dirname(dir);
  if (parent !== dir && !existsSync(parent)) makeDirs(parent);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // The write already failed; that error is the one to report.
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').trim();
}
