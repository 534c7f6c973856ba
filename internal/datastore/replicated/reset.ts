/**
 * Resetting a datastore file to a one-member cluster, as after restoring a snapshot (k3s
 * --cluster-reset style): the state machine stays as it is; the Raft log is dropped, the
 * compaction point becomes the applied index, and `id` is the only voter. The term is
 * kept, so the member's next election starts a term no older member has used in this file.
 */
import type { SqliteDatabase } from '../../util/sqlite.ts';
import type { ConfState, HardState, SnapshotMeta } from '../raft/types.ts';
import { RaftStateTable } from './raft-state.ts';

/** Returns false (and changes nothing) when the file never held Raft state. */
export function resetToSingleMember(db: SqliteDatabase, id: string): boolean {
  const state = new RaftStateTable(db);
  const hard = state.hardState();
  const snapshot = state.snapshot();
  const applied = state.applied();
  if (hard.term === 0 && snapshot.index === 0 && applied.applied === 0) return false;
  const term = Math.max(hard.term, snapshot.term);
  const conf: ConfState = { voters: [id], learners: [] };
  db.transaction(() => {
    db.exec(`DELETE FROM raft_entry; DELETE FROM raft_conf_history`);
    state.write('id', id);
    state.writeMembership(applied.applied, conf, { [id]: applied.members[id] ?? '' });
    state.write('snapshot', { index: applied.applied, term, conf } satisfies SnapshotMeta);
    state.write('hard', { term, vote: '', commit: applied.applied } satisfies HardState);
  })();
  return true;
}
