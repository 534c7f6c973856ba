/** File helpers: certificates and keys are replaced atomically so a crash never leaves half a PEM. */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CertificateFileError } from './errors.ts';
import { errorMessage } from './keys.ts';

/** Mode of private key files and of kubeconfigs (which embed a private key). */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode of certificate files: public material. */
export const PUBLIC_FILE_MODE = 0o644;
/** Mode of the directory holding the cluster's keys. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Writes `data` to `path` through a temporary file in the same directory, fsynced and
 * then renamed over `path`, so readers see the old content or the new, never a mix.
 */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** Reads a text file, or returns undefined when it does not exist; other failures name the file. */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw new CertificateFileError(path, `cannot read it (${errorMessage(error)})`);
  }
}

/** Creates `dir` if needed and makes it private to the owner; missing parents get the default mode. */
export async function ensurePrivateDirectory(dir: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(dir, PRIVATE_DIR_MODE);
}

// The rename is durable only once the directory entry itself is on disk.
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
