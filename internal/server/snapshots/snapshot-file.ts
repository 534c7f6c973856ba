/**
 * Writing one snapshot file: an online backup of the datastore into a hidden temporary
 * file (mode 0600 from the start, since the datastore holds Secrets), switched out of WAL
 * mode so it is one self-contained file, checked, synced, and only then renamed to its
 * final name. A reader of the directory therefore never sees a partial snapshot.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { applicationId } from '../../datastore/revlog/schema.ts';
import { openSqlite } from '../../util/sqlite.ts';
import { SnapshotError } from './errors.ts';

/** What can be copied into a snapshot: the running store, or the revision log opened offline. */
export interface SnapshotSource {
  backupTo(file: string): Promise<void>;
}

/** A snapshot file in a snapshot directory. */
export interface SnapshotInfo {
  /** File name: `<name>-<node>-<unix-seconds>`. */
  name: string;
  path: string;
  sizeBytes: number;
  /** Milliseconds since the epoch: from the name when it carries the time, else the file's mtime. */
  createdAt: number;
}

/** A written snapshot and the datastore revision it holds. */
export interface SavedSnapshot extends SnapshotInfo {
  revision: number;
}

const sidecars = ['-journal', '-wal', '-shm'] as const;

/**
 * Writes a snapshot of `source` to `<dir>/<fileName>` (creating `dir` with mode 0700).
 * Fails with SnapshotError (Exists) when that file exists; a failed write leaves nothing behind.
 */
export async function writeSnapshotFile(source: SnapshotSource, dir: string, fileName: string, createdAt: number): Promise<SavedSnapshot> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, fileName);
  if (existsSync(path)) throw new SnapshotError('Exists', `Cannot save snapshot ${path} as it already exists: wait a second or choose another --name`);
  const partial = join(dir, `.${fileName}.partial`);
  removeWithSidecars(partial);
  try {
    // Created empty with 0600 first: the backup then writes into it and never widens its mode.
    closeSync(openSync(partial, 'wx', 0o600));
    await source.backupTo(partial);
    toRollbackJournal(partial);
    const revision = verifySnapshotFile(partial);
    syncFile(partial);
    if (existsSync(path)) throw new SnapshotError('Exists', `Cannot save snapshot ${path} as it already exists: wait a second or choose another --name`);
    renameSync(partial, path);
    syncFile(dir);
    return { name: fileName, path, sizeBytes: statSync(path).size, createdAt, revision };
  } finally {
    removeWithSidecars(partial);
  }
}

/**
 * Checks that `file` is an intact skiff datastore without changing it (read-only, no WAL
 * files created: it must be in rollback-journal mode, as written snapshots are). Returns
 * the revision it holds; throws SnapshotError (NotADatastore) saying what is wrong.
 */
export function verifySnapshotFile(file: string): number {
  let db;
  try {
    db = openSqlite(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new SnapshotError('NotADatastore', `Cannot read ${file} as a snapshot: ${(error as Error).message}`);
  }
  try {
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId !== applicationId) throw new SnapshotError('NotADatastore', `Cannot use ${file} as a snapshot: it is not a skiff datastore (application_id ${appId})`);
    const problems = (db.pragma('quick_check') as Array<Record<string, string>>).map((row) => Object.values(row)[0]).filter((line) => line !== 'ok');
    if (problems.length > 0) throw new SnapshotError('NotADatastore', `Cannot use ${file} as a snapshot: it is corrupt (${problems.slice(0, 3).join('; ')})`);
    const head = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'kv'`).get() as { seq: number } | undefined;
    return head?.seq ?? 0;
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    throw new SnapshotError('NotADatastore', `Cannot use ${file} as a snapshot: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}

/** A backup keeps the source's WAL mode; a snapshot is a single file, so switch it to a rollback journal. */
function toRollbackJournal(file: string): void {
  const db = openSqlite(file, { fileMustExist: true });
  try {
    // Exclusive first, so SQLite uses no shared-memory file while it leaves WAL mode.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeWithSidecars(file: string): void {
  rmSync(file, { force: true });
  for (const suffix of sidecars) rmSync(`${file}${suffix}`, { force: true });
}
