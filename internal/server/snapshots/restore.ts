/**
 * Restoring a server's datastore from a snapshot while the server is stopped. Nothing is
 * ever deleted: the snapshot is copied next to the datastore and checked there first (a
 * file that is not an intact skiff datastore leaves state.db untouched), then the current
 * state.db and its -wal/-shm are renamed to `state.db.before-restore-<unix-seconds>` and
 * the copy renamed into place. Finally the cluster is reset to this server alone.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataFileError } from '../../datastore/errors.ts';
import { RevLog } from '../../datastore/revlog/revlog.ts';
import { applicationId, hasSqliteHeader } from '../../datastore/revlog/schema.ts';
import { openSqlite } from '../../util/sqlite.ts';
import { isDatastoreLocked } from './datastore-file.ts';
import { SnapshotError } from './errors.ts';
import { resetClusterMembership } from './reset-membership.ts';

export interface RestoreOptions {
  /** The snapshot to restore. */
  source: string;
  /** The datastore file to replace (`<data-dir>/server/db/state.db`). */
  target: string;
  /** Milliseconds since the epoch, for the name the old datastore is moved to. */
  now: number;
  /** This server's node name, for a member id made by the reset (default the host name). */
  nodeName?: string;
  /** Called once the restored file is in place; default resetClusterMembership. */
  resetMembership?: (file: string, nodeName?: string) => void;
}

export interface RestoreResult {
  /** Where the datastore that was replaced now is; null when there was none. */
  movedAside: string | null;
  /** Its -wal/-shm files, moved along with it. */
  movedSidecars: string[];
  /** Datastore revision and number of live keys the restored file holds. */
  revision: number;
  keys: number;
}


/** Restores `source` over `target`; throws SnapshotError when the server runs (InUse) or the source is unusable (NotFound, NotADatastore). */
export function restoreSnapshot(options: RestoreOptions): RestoreResult {
  const { source, target } = options;
  const stat = statSync(source, { throwIfNoEntry: false });
  if (stat === undefined || !stat.isFile()) throw new SnapshotError('NotFound', `Cannot restore from ${source} as it is not a file; 'skiff snapshot ls' lists the snapshots`);
  if (isDatastoreLocked(target)) {
    throw new SnapshotError('InUse', `Cannot restore while skiff server is running on ${target}: stop it first (systemctl stop skiff), then run the restore again`);
  }
  checkIsSkiffDatastore(source);
  if (existsSync(`${source}-wal`) && statSync(`${source}-wal`).size > 0) {
    throw new SnapshotError('NotADatastore', `Cannot restore from ${source} as it has unmerged writes in ${source}-wal: restore a file written by 'skiff snapshot save' instead`);
  }

  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const seconds = Math.floor(options.now / 1000);
  const staged = join(dirname(target), `.restoring-${seconds}.db`);
  removeWithSidecars(staged);
  try {
    copyFileSync(source, staged);
    chmodSync(staged, 0o600);
    const { revision, keys } = openChecked(staged, source);
    const aside = `${target}.before-restore-${seconds}`;
    if (existsSync(aside)) throw new SnapshotError('Exists', `Cannot move ${target} aside as ${aside} already exists: wait a second and run the restore again`);
    let movedAside: string | null = null;
    const movedSidecars: string[] = [];
    if (existsSync(target)) {
      renameSync(target, aside);
      movedAside = aside;
    }
    for (const suffix of ['-wal', '-shm']) {
      if (!existsSync(`${target}${suffix}`)) continue;
      renameSync(`${target}${suffix}`, `${aside}${suffix}`);
      movedSidecars.push(`${aside}${suffix}`);
    }
    renameSync(staged, target);
    (options.resetMembership ?? resetClusterMembership)(target, options.nodeName);
    return { movedAside, movedSidecars, revision, keys };
  } finally {
    removeWithSidecars(staged);
  }
}

/** The checks a server makes when it opens the file, with messages about the snapshot rather than a --data-dir. */
function checkIsSkiffDatastore(file: string): void {
  if (!hasSqliteHeader(file)) throw new SnapshotError('NotADatastore', `Cannot restore from ${file} as it is not a SQLite database, so not a skiff snapshot`);
  let appId: number;
  try {
    const db = openSqlite(file, { readonly: true, fileMustExist: true });
    try {
      appId = db.pragma('application_id', { simple: true }) as number;
    } finally {
      db.close();
    }
  } catch (error) {
    throw new SnapshotError('NotADatastore', `Cannot restore from ${file} as SQLite cannot read it: ${(error as Error).message}`);
  }
  if (appId !== applicationId) {
    throw new SnapshotError('NotADatastore', `Cannot restore from ${file} as it is a SQLite database of another application (application_id ${appId}), not a skiff snapshot`);
  }
}

/** Opens the staged copy as the server will (schema version, quick_check) and reads what it holds. */
function openChecked(staged: string, source: string): { revision: number; keys: number } {
  let log: RevLog;
  try {
    log = RevLog.open(staged);
  } catch (error) {
    if (!(error instanceof DataFileError)) throw error;
    const problem = error.message.slice(`Cannot open datastore file ${staged}: `.length).split(';')[0] ?? error.message;
    throw new SnapshotError('NotADatastore', `Cannot restore from ${source} as ${problem}; pick another snapshot ('skiff snapshot ls')`);
  }
  try {
    return { revision: log.head, keys: log.range({ prefix: '', countOnly: true }).count };
  } finally {
    log.close();
  }
}

function removeWithSidecars(file: string): void {
  rmSync(file, { force: true });
  for (const suffix of ['-journal', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}
