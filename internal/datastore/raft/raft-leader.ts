import { validateConfChange } from './conf-change.ts';
import type { Progress } from './progress.ts';
import type { Raft } from './raft.ts';
import { ProposalDroppedError, decodeConfChange } from './types.ts';
import type { Entry, Message, NodeId } from './types.ts';

/** Leader's handling of a peer's message (terms were already sorted out by Raft.step). */
export function stepLeader(r: Raft, m: Message): void {
  if (m.type === 'prop') {
    try {
      propose(r, m.entries);
    } catch (error) {
      // A forwarded proposal that cannot be taken is dropped; its proposer times out.
      if (!(error instanceof ProposalDroppedError)) throw error;
    }
    return;
  }
  if (m.type === 'read-index') {
    if (m.context !== undefined) handleReadIndex(r, m.from, m.context);
    return;
  }
  const progress = r.tracker.progress.get(m.from);
  if (progress === undefined) return;
  if (m.type === 'app-resp') handleAppendResponse(r, m, progress);
  else if (m.type === 'heartbeat-resp') handleHeartbeatResponse(r, m, progress);
}

/** Appends proposed entries to the leader's log and replicates them; throws ProposalDroppedError. */
export function propose(r: Raft, entries: Entry[]): void {
  if (r.leadTransferee !== '') {
    throw new ProposalDroppedError(`leadership is being transferred to ${r.leadTransferee}`);
  }
  const last = r.log.lastIndex();
  const appended = entries.map((entry, i) => ({ index: last + 1 + i, term: r.term, type: entry.type, data: entry.data }));
  const changes = appended.filter((entry) => entry.type === 'conf-change');
  const change = changes[0];
  if (changes.length > 1) throw new ProposalDroppedError('only one membership change may be proposed at a time');
  if (change !== undefined) {
    let decoded;
    try {
      decoded = decodeConfChange(change.data);
    } catch (error) {
      throw new ProposalDroppedError(`the membership change does not decode: ${String(error)}`);
    }
    validateConfChange(r, decoded);
    r.pendingConfIndex = change.index;
  }
  if (appended.length === 0) return;
  // The leader's own copy counts toward a quorum only once the driver persisted it (advance()).
  r.log.append(appended);
  bcastAppend(r);
}

/** Sends `to` the entries it lacks (or a snapshot); false when nothing was sent. */
export function maybeSendAppend(r: Raft, to: NodeId, sendIfEmpty: boolean): boolean {
  const progress = r.tracker.progress.get(to);
  if (progress === undefined || to === r.id || progress.isPaused()) return false;
  if (progress.next > r.log.lastIndex() + 1) progress.next = r.log.lastIndex() + 1;
  const prevIndex = progress.next - 1;
  const prevTerm = r.log.term(prevIndex);
  const entries = prevTerm === undefined ? undefined : r.log.slice(progress.next, r.log.lastIndex() + 1, r.maxSizePerMsg);
  if (prevTerm === undefined || entries === undefined) return sendSnapshot(r, to, progress);
  if (entries.length === 0 && !sendIfEmpty) return false;
  r.send({ type: 'app', to, index: prevIndex, logTerm: prevTerm, entries, commit: r.log.committed });
  progress.sentEntries(entries.at(-1)?.index);
  return true;
}

/** The follower needs entries that were compacted: send the stored snapshot's meta (§7). */
function sendSnapshot(r: Raft, to: NodeId, progress: Progress): boolean {
  const snapshot = r.log.storage.snapshot();
  if (snapshot.index === 0) return false;
  progress.becomeSnapshot(snapshot.index);
  r.send({ type: 'snap', to, snapshot });
  return true;
}

export function bcastAppend(r: Raft): void {
  for (const id of r.tracker.progress.keys()) {
    if (id !== r.id) maybeSendAppend(r, id, true);
  }
}

export function bcastHeartbeat(r: Raft): void {
  const context = r.readOnly.lastPendingContext();
  for (const [id, progress] of r.tracker.progress) {
    if (id === r.id) continue;
    // Never tell a follower to commit beyond what it is known to hold.
    const commit = Math.min(progress.match, r.log.committed);
    r.send({ type: 'heartbeat', to: id, commit, context });
  }
}

/** Commits the highest index a quorum holds if it is of the current term (§5.4.2). */
export function maybeCommit(r: Raft): boolean {
  const index = r.tracker.committed();
  if (index <= r.log.committed || r.log.term(index) !== r.term) return false;
  r.log.commitTo(index);
  releasePendingReads(r);
  return true;
}

function handleAppendResponse(r: Raft, m: Message, progress: Progress): void {
  progress.recentActive = true;
  if (m.reject) {
    // Fast backtracking: jump to where the follower's hint says the logs may match.
    let probe = m.rejectHint;
    if (m.logTerm > 0) [probe] = r.log.findConflictByTerm(m.rejectHint, m.logTerm);
    if (progress.maybeDecrTo(m.index, probe)) {
      if (progress.state === 'replicate') progress.becomeProbe();
      maybeSendAppend(r, m.from, true);
    }
    return;
  }
  const wasPaused = progress.isPaused();
  if (!progress.maybeUpdate(m.index) && !(progress.match === m.index && progress.state === 'probe')) return;
  if (progress.state === 'probe') {
    progress.becomeReplicate();
  } else if (progress.state === 'snapshot' && progress.match + 1 >= r.log.firstIndex()) {
    // The snapshot (or an append that made it moot) landed: replicate from here.
    progress.becomeProbe();
    progress.becomeReplicate();
  } else if (progress.state === 'replicate') {
    progress.inflights.freeLE(m.index);
  }
  if (maybeCommit(r)) {
    bcastAppend(r);
  } else if (wasPaused) {
    maybeSendAppend(r, m.from, true);
  }
  // Keep the pipeline full while there is more to send.
  while (maybeSendAppend(r, m.from, false)) {
    // each call sends one batch
  }
  if (m.from === r.leadTransferee && progress.match === r.log.lastIndex()) {
    r.send({ type: 'timeout-now', to: m.from });
  }
}

function handleHeartbeatResponse(r: Raft, m: Message, progress: Progress): void {
  progress.recentActive = true;
  progress.msgAppFlowPaused = false;
  if (progress.state === 'replicate' && progress.inflights.full()) progress.inflights.freeFirstOne();
  if (progress.match < r.log.lastIndex()) maybeSendAppend(r, m.from, true);
  if (m.context === undefined) return;
  const acks = r.readOnly.recvAck(m.from, m.context);
  if (acks === undefined || !r.tracker.hasQuorum(acks)) return;
  for (const read of r.readOnly.advance(m.context)) respondRead(r, read.from, read.index, read.context);
}

/**
 * ReadIndex (thesis §6.4): remember the commit index, confirm leadership with a heartbeat
 * round, then answer. Until an entry of this term is committed the commit index may be
 * stale, so the read waits for that first.
 */
export function handleReadIndex(r: Raft, from: NodeId, context: string): void {
  if (r.log.term(r.log.committed) !== r.term) {
    r.pendingReads.push({ from, context });
    return;
  }
  if (r.tracker.voters.size === 1 && r.tracker.voters.has(r.id)) {
    respondRead(r, from, r.log.committed, context);
    return;
  }
  r.readOnly.add(r.log.committed, from, context);
  r.readOnly.recvAck(r.id, context);
  bcastHeartbeat(r);
}

function releasePendingReads(r: Raft): void {
  if (r.pendingReads.length === 0 || r.log.term(r.log.committed) !== r.term) return;
  const pending = r.pendingReads;
  r.pendingReads = [];
  for (const read of pending) handleReadIndex(r, read.from, read.context);
}

function respondRead(r: Raft, from: NodeId, index: number, context: string): void {
  if (from === r.id) r.readStates.push({ index, context });
  else r.send({ type: 'read-index-resp', to: from, index, context });
}

/** Leadership transfer (§3.10): stop proposals, catch the target up, then tell it to campaign. */
export function transferLeadership(r: Raft, to: NodeId): void {
  if (r.role !== 'leader' || to === r.id || r.leadTransferee === to) return;
  const progress = r.tracker.progress.get(to);
  if (progress === undefined || !r.tracker.voters.has(to)) return;
  r.leadTransferee = to;
  // The transfer is given one election timeout (checked in the leader's tick).
  r.electionElapsed = 0;
  if (progress.match === r.log.lastIndex()) r.send({ type: 'timeout-now', to });
  else maybeSendAppend(r, to, true);
}

/** The driver persisted what the last Ready handed out: the leader's own replica now counts. */
export function onPersisted(r: Raft): void {
  if (r.role !== 'leader') return;
  const self = r.tracker.progress.get(r.id);
  if (self === undefined) return;
  if (self.maybeUpdate(r.log.stableLastIndex()) && maybeCommit(r)) bcastAppend(r);
}

export function reportUnreachable(r: Raft, id: NodeId): void {
  if (r.role !== 'leader') return;
  const progress = r.tracker.progress.get(id);
  // Appends may have been lost: fall back to probing.
  if (progress !== undefined && progress.state === 'replicate') progress.becomeProbe();
}

export function reportSnapshot(r: Raft, id: NodeId, ok: boolean): void {
  if (r.role !== 'leader') return;
  const progress = r.tracker.progress.get(id);
  if (progress === undefined || progress.state !== 'snapshot') return;
  if (!ok) progress.pendingSnapshot = 0;
  progress.becomeProbe();
  // Probe again only after the next heartbeat answer shows the follower is reachable.
  progress.msgAppFlowPaused = true;
}
