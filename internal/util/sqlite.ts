/**
 * Opens SQLite databases through better-sqlite3. When skiff runs as a single
 * executable, the native addon is embedded in the binary and loaded from a
 * cache directory (see build/); from source it comes from node_modules.
 */
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** Opens (or creates) the SQLite database at `filename`. */
export function openSqlite(filename: string, options: Database.Options = {}): SqliteDatabase {
  return new Database(filename, options);
}
