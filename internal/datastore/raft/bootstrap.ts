import { encodeConfChange } from './types.ts';
import type { Entry, NodeId } from './types.ts';

/**
 * The log a brand-new single-voter cluster starts with: at term 1, index 1 adds `id` as a
 * learner and index 2 promotes it, so every later member replays the same history of
 * membership. The driver writes these entries together with hard state
 * `{ term: 1, vote: '', commit: 2 }` and membership `{ voters: [id], learners: [] }`
 * before it creates the RawNode; applying them again (applyConfChange) changes nothing.
 *
 * A server joining an existing cluster instead starts with empty storage and no voters: it
 * never campaigns, accepts appends and snapshots from the leader, and learns the membership
 * from committed membership entries (applied through applyConfChange) or a snapshot's conf.
 * `context` is carried in the membership change (the driver keeps the peer address there).
 */
export function bootstrapEntries(id: NodeId, context: string): Entry[] {
  return [
    { index: 1, term: 1, type: 'conf-change', data: encodeConfChange({ type: 'add-learner', id, context }) },
    { index: 2, term: 1, type: 'conf-change', data: encodeConfChange({ type: 'promote', id, context }) },
  ];
}
