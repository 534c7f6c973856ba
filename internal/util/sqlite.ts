/**
 * Opens SQLite databases through better-sqlite3. When skiff runs as a single
 * executable, the native addon is embedded in the binary as the asset
 * "better_sqlite3.node" (see build/) and loaded from a cache directory; from source it
 * comes from node_modules.
 */
import Database from 'better-sqlite3';
import { addonCacheDir, loadAddon, materializeAddon } from './native-addon.ts';

export type SqliteDatabase = Database.Database;

/** Name of the single-executable asset holding better-sqlite3's addon. */
export const sqliteAddonAsset = 'better_sqlite3.node';

type OptionsWithBinding = Omit<Database.Options, 'nativeBinding'> & { nativeBinding?: string | object };
type DatabaseWithBinding = new (filename: string, options: OptionsWithBinding) => SqliteDatabase;

/** Opens (or creates) the SQLite database at `filename`. */
export function openSqlite(filename: string, options: Database.Options = {}): SqliteDatabase {
  const binding = embeddedBinding();
  if (binding === undefined) return new Database(filename, options);
  // The typings only allow a path, but better-sqlite3 also takes the loaded addon object.
  const WithBinding = Database as unknown as DatabaseWithBinding;
  return new WithBinding(filename, { ...options, nativeBinding: binding });
}

// dlopen is process-wide, so the loaded addon is too: load it once per process.
let loaded: object | undefined;

function embeddedBinding(): object | undefined {
  if (loaded !== undefined) return loaded;
  // node:sea is looked up at run time so neither the bundle nor a run from source needs it.
  const sea = process.getBuiltinModule('node:sea');
  if (sea === undefined || !sea.isSea()) return undefined;
  const dir = addonCacheDir(process.env);
  const file = materializeAddon(new Uint8Array(sea.getAsset(sqliteAddonAsset)), dir, 'better_sqlite3');
  loaded = loadAddon(file, dir);
  return loaded;
}
