/**
 * After a restore, the cluster must consist of this server alone (as k3s's --cluster-reset
 * does for etcd): the restored datastore may name peers that are gone, or that hold newer
 * data, and letting them vote would undo the restore.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { resetToSingleMember } from '../../datastore/replicated/reset.ts';
import { openSqlite } from '../../util/sqlite.ts';

/**
 * Resets the cluster membership stored in the restored datastore `file` to this server
 * alone: its member id (`member-id` beside the file, made if missing) becomes the only
 * voter and the Raft log starts again after the restored state. Called by every restore
 * once the file is in place and before the server starts.
 */
export function resetClusterMembership(file: string): void {
  const idFile = join(dirname(file), 'member-id');
  let id = existsSync(idFile) ? readFileSync(idFile, 'utf8').trim() : '';
  if (id === '') {
    id = `${hostname().toLowerCase().replace(/[^a-z0-9.-]/g, '-')}-${randomBytes(4).toString('hex')}`;
    writeFileSync(idFile, `${id}\n`, { mode: 0o600 });
  }
  const db = openSqlite(file, { fileMustExist: true });
  try {
    resetToSingleMember(db, id);
  } finally {
    db.close();
  }
}
