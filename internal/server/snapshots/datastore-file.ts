/** Where a server's datastore and snapshots live, and whether a running server holds the datastore. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite } from '../../util/sqlite.ts';

/** The datastore file of the server with data directory `dataDir`. */
export function datastoreFile(dataDir: string): string {
  return join(dataDir, 'server', 'db', 'state.db');
}

/** The snapshot directory used when --snapshot-dir is empty. */
export function defaultSnapshotDir(dataDir: string): string {
  return join(dataDir, 'server', 'db', 'snapshots');
}

/**
 * Whether another connection holds `file` (a running skiff server opens it with exclusive
 * locking and keeps the lock until it stops). A missing file is not locked. A file SQLite
 * cannot read for another reason counts as not locked: no server can be running on it.
 */
export function isDatastoreLocked(file: string): boolean {
  if (!existsSync(file)) return false;
  let db;
  try {
    db = openSqlite(file, { fileMustExist: true, timeout: 0 });
  } catch (error) {
    return isBusy(error);
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.prepare('SELECT count(*) AS n FROM sqlite_schema').get();
    return false;
  } catch (error) {
    return isBusy(error);
  } finally {
    // Closing the last connection folds any write-ahead log into the file itself.
    db.close();
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
