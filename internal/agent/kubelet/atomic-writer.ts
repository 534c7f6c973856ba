/**
 * Writes a set of files into a volume directory so that a reader never sees a half-updated
 * set: the files go into a fresh hidden directory, a `..data` symlink is switched to it by a
 * rename, and each top-level name is a symlink through `..data`. This is the layout Kubernetes
 * uses for ConfigMap, Secret, downward API and projected volumes.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';

/** One file of a volume: path relative to the volume root, content, mode. */
export interface VolumeFile {
  path: string;
  content: Buffer;
  mode: number;
}

const dataLink = '..data';

/** Makes `dir` hold exactly `files`; does nothing when they are already there. Returns true when it wrote. */
export function writeAtomically(dir: string, files: VolumeFile[], dirMode = 0o755): boolean {
  for (const file of files) checkPath(file.path);
  mkdirSync(dir, { recursive: true, mode: dirMode });
  if (unchanged(dir, files)) return false;
  const stamp = `..${new Date().toISOString().replace(/[-:.]/g, '_')}_${Math.random().toString(36).slice(2, 8)}`;
  const fresh = join(dir, stamp);
  mkdirSync(fresh, { mode: dirMode });
  chmodSync(fresh, dirMode);
  for (const file of files) {
    const target = join(fresh, file.path);
    mkdirSync(dirname(target), { recursive: true, mode: dirMode });
    writeFileSync(target, file.content, { mode: file.mode });
    chmodSync(target, file.mode);
  }
  const previous = existsSync(join(dir, dataLink)) ? readlinkSync(join(dir, dataLink)) : undefined;
  const tmpLink = join(dir, '..data_tmp');
  rmSync(tmpLink, { force: true });
  symlinkSync(stamp, tmpLink);
  renameSync(tmpLink, join(dir, dataLink));
  const tops = new Set(files.map((f) => f.path.split('/')[0] ?? ''));
  for (const top of tops) {
    const link = join(dir, top);
    if (!isSymlink(link)) {
      rmSync(link, { recursive: true, force: true });
      symlinkSync(join(dataLink, top), link);
    }
  }
  for (const name of readdirSync(dir)) {
    if (name.startsWith('..')) continue;
    if (!tops.has(name)) rmSync(join(dir, name), { recursive: true, force: true });
  }
  if (previous && previous !== stamp) rmSync(join(dir, previous), { recursive: true, force: true });
  return true;
}

function unchanged(dir: string, files: VolumeFile[]): boolean {
  const current = join(dir, dataLink);
  if (!existsSync(current)) return false;
  const have = listFiles(current, '');
  if (have.length !== files.length) return false;
  return files.every((file) => {
    const path = join(current, file.path);
    try {
      return (lstatSync(path).mode & 0o7777) === file.mode && readFileSync(path).equals(file.content);
    } catch {
      return false;
    }
  });
}

function listFiles(root: string, prefix: string): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(root, rel) : [rel];
  });
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Refuses paths that are absolute, climb out with "..", or start with "..". */
function checkPath(path: string): void {
  const clean = normalize(path);
  if (path === '' || path.startsWith('/') || clean.startsWith('..') || clean.split(sep).includes('..')) {
    throw new Error(`Cannot write volume file ${JSON.stringify(path)}: it must be a relative path without ".."`);
  }
}
