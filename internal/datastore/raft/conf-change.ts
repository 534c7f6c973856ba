import { bcastAppend, maybeCommit, maybeSendAppend } from './raft-leader.ts';
import type { Raft } from './raft.ts';
import { ProposalDroppedError } from './types.ts';
import type { ConfChange, ConfState } from './types.ts';

/**
 * Refuses a membership change that is invalid against the membership applied so far, or
 * that would overlap an earlier change not yet applied (one change at a time, thesis §4.1).
 */
export function validateConfChange(r: Raft, change: ConfChange): void {
  if (change.id === '') throw new ProposalDroppedError('the membership change names no member');
  if (r.role === 'leader' && r.pendingConfIndex > r.log.applied) {
    throw new ProposalDroppedError(
      `the membership change at index ${r.pendingConfIndex} is not applied yet (applied index is ${r.log.applied})`,
    );
  }
  if (r.role !== 'leader' && hasUnappliedConfChange(r)) {
    throw new ProposalDroppedError('an earlier membership change is not applied yet');
  }
  const { tracker } = r;
  switch (change.type) {
    case 'add-learner':
      if (tracker.isMember(change.id)) throw new ProposalDroppedError(`${change.id} is already a member`);
      break;
    case 'promote':
      if (!tracker.learners.has(change.id)) throw new ProposalDroppedError(`${change.id} is not a learner`);
      break;
    case 'remove':
      if (!tracker.isMember(change.id)) throw new ProposalDroppedError(`${change.id} is not a member`);
      if (tracker.voters.has(change.id) && tracker.voters.size === 1) {
        throw new ProposalDroppedError(`${change.id} is the last voter`);
      }
      break;
  }
}

function hasUnappliedConfChange(r: Raft): boolean {
  const entries = r.log.slice(r.log.applied + 1, r.log.lastIndex() + 1) ?? [];
  return entries.some((entry) => entry.type === 'conf-change');
}

/**
 * Applies a committed membership change. Idempotent, so entries re-applied after a restart
 * (or the bootstrap entries) leave the membership as it is. A leader that is no longer a
 * voter hands over to its most caught-up voter and steps down.
 */
export function applyConfChange(r: Raft, change: ConfChange): ConfState {
  const { tracker } = r;
  const next = r.log.lastIndex() + 1;
  switch (change.type) {
    case 'add-learner':
      // New members count as active so check-quorum does not hold their silence against us.
      if (!tracker.isMember(change.id)) tracker.addLearner(change.id, next).recentActive = true;
      break;
    case 'promote':
      if (!tracker.voters.has(change.id)) tracker.addVoter(change.id, next).recentActive = true;
      break;
    case 'remove':
      tracker.remove(change.id);
      break;
  }
  if (r.role === 'leader') {
    if (!tracker.voters.has(r.id)) {
      stepDownAfterRemoval(r);
    } else {
      if (r.leadTransferee !== '' && !tracker.voters.has(r.leadTransferee)) r.leadTransferee = '';
      // The quorum changed: something may now be committed, and a new member needs the log.
      if (maybeCommit(r)) bcastAppend(r);
      else if (change.type !== 'remove') maybeSendAppend(r, change.id, true);
    }
  } else if (r.role !== 'follower' && !tracker.voters.has(r.id)) {
    r.becomeFollower(r.term, '');
  }
  return tracker.conf();
}

function stepDownAfterRemoval(r: Raft): void {
  // Hand over to a voter that already holds the whole log, sparing the cluster an election timeout.
  let best: { id: string; match: number } | undefined;
  for (const id of [...r.tracker.voters].sort()) {
    const match = r.tracker.progress.get(id)?.match ?? 0;
    if (best === undefined || match > best.match) best = { id, match };
  }
  if (best !== undefined && best.match === r.log.lastIndex()) r.send({ type: 'timeout-now', to: best.id });
  r.becomeFollower(r.term, '');
}
