/**
 * After a restore, the cluster must consist of this server alone (as k3s's --cluster-reset
 * does for etcd): the restored datastore may name peers that are gone, or that hold newer
 * data, and letting them vote would undo the restore.
 */

/**
 * Resets the cluster membership stored in the restored datastore `file` to this server
 * alone. Called by every restore once the file is in place and before the server starts.
 * The datastore keeps no membership yet (a single server is the only configuration), so
 * there is nothing to change; replicated storage records its voters here when it arrives.
 */
export function resetClusterMembership(file: string): void {
  void file;
}
