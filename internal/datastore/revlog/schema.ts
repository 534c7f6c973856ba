/**
 * The revision log's SQLite schema and the checks made when a file is opened.
 *
 * One append-only table `kv`: each row is one write, its row id the global revision.
 * AUTOINCREMENT keeps revisions from ever being reused, also after the newest rows
 * were compacted away. UNIQUE (key, prev_revision) makes a lost update impossible:
 * two writes can never both claim to follow the same row.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { DataFileError } from '../errors.ts';
import { openSqlite, type SqliteDatabase } from '../../util/sqlite.ts';

/** PRAGMA application_id of a skiff datastore: "skif" in ASCII. */
export const applicationId = 0x736b6966;
export const schemaVersion = 1;

const schema = `
CREATE TABLE kv (
  revision INTEGER PRIMARY KEY AUTOINCREMENT,
  key BLOB NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  version INTEGER NOT NULL,
  lease INTEGER NOT NULL,
  value BLOB
);
CREATE UNIQUE INDEX kv_key_prev ON kv (key, prev_revision);
CREATE INDEX kv_key_revision ON kv (key, revision);
CREATE INDEX kv_lease ON kv (lease) WHERE lease <> 0;
CREATE TABLE lease (
  id INTEGER PRIMARY KEY,
  ttl_seconds INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX lease_expires ON lease (expires_at);
CREATE TABLE meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (name, value) VALUES ('compact_revision', 0), ('swept_revision', 0), ('last_lease', 0);
`;

const sqliteMagic = Buffer.from('SQLite format 3\0', 'latin1');

export interface OpenOptions {
  /** Check every page at open (PRAGMA integrity_check) instead of the quicker quick_check. */
  fullCheck?: boolean;
}

/**
 * Opens (creating if missing) the revision log file. A file that is not a skiff
 * datastore, is corrupt, was written by a newer skiff or is held by another process
 * fails with a DataFileError naming the file; nothing is written to it then.
 */
export function openRevlogFile(file: string, options: OpenOptions = {}): SqliteDatabase {
  checkHeader(file);
  let db: SqliteDatabase;
  try {
    db = openSqlite(file, { timeout: 0 });
  } catch (error) {
    throw new DataFileError(file, describeSqliteError(error));
  }
  try {
    // Exclusive locking: one process owns the file (a second skiff fails fast with a
    // clear error), and WAL needs no shared-memory index file.
    db.pragma('locking_mode = EXCLUSIVE');
    checkContents(db, file, options);
    initialize(db, file);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof DataFileError) throw error;
    throw new DataFileError(file, describeSqliteError(error));
  }
}

/** Whether the file starts as every SQLite database does. */
export function hasSqliteHeader(file: string): boolean {
  const header = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  return header.equals(sqliteMagic);
}

function checkHeader(file: string): void {
  if (!existsSync(file)) return;
  const size = statSync(file).size;
  if (size === 0) return;
  if (!hasSqliteHeader(file)) {
    throw new DataFileError(
      file,
      'it is not a SQLite database (foreign or corrupt file); move it aside or choose another --data-dir',
    );
  }
}

function checkContents(db: SqliteDatabase, file: string, options: OpenOptions): void {
  // The first read takes the file lock, which exclusive locking mode then keeps until close.
  const appId = db.pragma('application_id', { simple: true }) as number;
  const tables = db
    .prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .get() as { n: number };
  if (appId === 0 && tables.n === 0) return; // a new, empty database
  if (appId !== applicationId) {
    throw new DataFileError(
      file,
      `it is a SQLite database of another application (application_id ${appId}), not a skiff datastore; move it aside or choose another --data-dir`,
    );
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > schemaVersion) {
    throw new DataFileError(
      file,
      `it was written by a newer skiff (schema ${version}, this one reads up to ${schemaVersion}); run the newer skiff or restore a snapshot`,
    );
  }
  const check = db.pragma(options.fullCheck ? 'integrity_check' : 'quick_check') as Array<Record<string, string>>;
  const problems = check.map((row) => Object.values(row)[0]).filter((line) => line !== 'ok');
  if (problems.length > 0) {
    throw new DataFileError(
      file,
      `it is corrupt (${problems.slice(0, 3).join('; ')}); restore it from a snapshot (skiff snapshot restore) or move it aside`,
    );
  }
}

function initialize(db: SqliteDatabase, file: string): void {
  const fresh = (db.pragma('application_id', { simple: true }) as number) === 0;
  if (fresh) {
    // auto_vacuum must be chosen before the first table exists.
    db.pragma('auto_vacuum = INCREMENTAL');
  }
  db.pragma('journal_mode = WAL');
  const mode = db.pragma('journal_mode', { simple: true }) as string;
  if (mode !== 'wal') throw new DataFileError(file, `cannot switch it to WAL mode (journal_mode is ${mode})`);
  // FULL: every commit is fsynced, so an acknowledged write survives power loss.
  db.pragma('synchronous = FULL');
  // Keep the WAL file from staying large after a burst, so the disk footprint is bounded.
  db.pragma('journal_size_limit = 16777216');
  db.pragma('wal_autocheckpoint = 1000');
  if (fresh) {
    db.transaction(() => {
      db.exec(schema);
      db.pragma(`application_id = ${applicationId}`);
      db.pragma(`user_version = ${schemaVersion}`);
    })();
  }
}

function describeSqliteError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return 'it is in use by another process (is another skiff running with the same --data-dir?)';
    case 'SQLITE_NOTADB':
      return 'it is not a SQLite database (foreign or corrupt file); move it aside or choose another --data-dir';
    case 'SQLITE_CORRUPT':
      return `it is corrupt (${message}); restore it from a snapshot (skiff snapshot restore) or move it aside`;
    case 'SQLITE_CANTOPEN':
      return `it cannot be opened (${message}); check that its directory exists and is writable`;
    case 'SQLITE_READONLY':
      return `it is read-only (${message}); check its permissions`;
    default:
      return message;
  }
}
