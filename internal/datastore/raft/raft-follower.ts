import { campaign, poll } from './raft-election.ts';
import type { Raft } from './raft.ts';
import type { Message, SnapshotMeta } from './types.ts';

/** Follower's handling of a peer's message (terms were already sorted out by Raft.step). */
export function stepFollower(r: Raft, m: Message): void {
  switch (m.type) {
    case 'app':
    case 'heartbeat':
    case 'snap':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleFromLeader(r, m);
      break;
    case 'timeout-now':
      // The leader hands over (§3.10): campaign at once, skipping pre-vote. Learners and
      // removed members do nothing (campaign checks).
      campaign(r, 'transfer');
      break;
    case 'read-index-resp':
      if (m.context !== undefined) r.readStates.push({ index: m.index, context: m.context });
      break;
    default:
      // Forwarded proposals and reads reach only leaders; anything else is stale.
      break;
  }
}

/** (Pre-)candidate's handling: a leader of this term wins over us; votes are counted. */
export function stepCandidate(r: Raft, m: Message): void {
  switch (m.type) {
    case 'app':
    case 'heartbeat':
    case 'snap':
      r.becomeFollower(m.term, m.from);
      handleFromLeader(r, m);
      break;
    case 'prevote-resp':
      if (r.role === 'pre-candidate') poll(r, m.from, !m.reject);
      break;
    case 'vote-resp':
      if (r.role === 'candidate') poll(r, m.from, !m.reject);
      break;
    default:
      break;
  }
}

function handleFromLeader(r: Raft, m: Message): void {
  if (m.type === 'app') handleAppend(r, m);
  else if (m.type === 'heartbeat') handleHeartbeat(r, m);
  else handleSnapshot(r, m);
}

function handleAppend(r: Raft, m: Message): void {
  if (m.index < r.log.committed) {
    // Everything up to our commit index already matches the leader's log.
    r.send({ type: 'app-resp', to: m.from, index: r.log.committed });
    return;
  }
  const lastNew = r.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
  if (lastNew !== undefined) {
    r.send({ type: 'app-resp', to: m.from, index: lastNew });
    return;
  }
  // No match at (index, logTerm) (§5.3). Hint the highest index whose term is at most the
  // leader's term there, so the leader can skip the whole conflicting term at once.
  const [hintIndex, hintTerm] = r.log.findConflictByTerm(Math.min(m.index, r.log.lastIndex()), m.logTerm);
  r.send({ type: 'app-resp', to: m.from, index: m.index, reject: true, rejectHint: hintIndex, logTerm: hintTerm });
}

function handleHeartbeat(r: Raft, m: Message): void {
  // The leader sends min(match, commit), which this log is known to hold.
  r.log.commitTo(Math.min(m.commit, r.log.lastIndex()));
  r.send({ type: 'heartbeat-resp', to: m.from, context: m.context });
}

function handleSnapshot(r: Raft, m: Message): void {
  if (m.snapshot === undefined) return;
  if (restore(r, m.snapshot)) {
    r.send({ type: 'app-resp', to: m.from, index: r.log.lastIndex() });
  } else {
    r.send({ type: 'app-resp', to: m.from, index: r.log.committed });
  }
}

/**
 * Installs a snapshot newer than what is committed here (§7): the log is replaced and the
 * membership taken from it. A snapshot this log already holds only moves the commit index.
 */
function restore(r: Raft, snapshot: SnapshotMeta): boolean {
  if (snapshot.index <= r.log.committed) return false;
  if (r.log.matchTerm(snapshot.index, snapshot.term)) {
    r.log.commitTo(snapshot.index);
    return false;
  }
  r.log.restore(snapshot);
  r.tracker.setConf(snapshot.conf, r.log.lastIndex() + 1);
  return true;
}
