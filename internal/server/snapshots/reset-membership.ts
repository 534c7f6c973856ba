/**
 * After a restore, the cluster must consist of this server alone (as k3s's --cluster-reset
 * does for etcd): the restored datastore may name peers that are gone, or that hold newer
 * data, and letting them vote would undo the restore.
 */
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { resetToSingleMember } from '../../datastore/replicated/reset.ts';
import { openSqlite } from '../../util/sqlite.ts';
import { memberId } from '../member-id.ts';

/**
 * Resets the cluster membership stored in the restored datastore `file` to this server
 * alone: its member id (`member-id` beside the file, made from `nodeName` if missing) becomes the only
 * voter and the Raft log starts again after the restored state. Called by every restore
 * once the file is in place and before the server starts.
 */
export function resetClusterMembership(file: string, nodeName: string = hostname()): void {
  const id = memberId(dirname(file), nodeName);
  const db = openSqlite(file, { fileMustExist: true });
  try {
    resetToSingleMember(db, id);
  } finally {
    db.close();
  }
}
