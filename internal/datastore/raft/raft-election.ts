import { bcastAppend } from './raft-leader.ts';
import type { Raft } from './raft.ts';
import type { Message, NodeId } from './types.ts';

/** Vote requests from a leadership transfer carry this context: they override leader stickiness. */
export const TRANSFER_CONTEXT = 'transfer';

export type CampaignKind = 'pre-election' | 'election' | 'transfer';

/**
 * Starts an election (§5.2): a pre-vote round first for 'pre-election' (thesis §9.6), which
 * asks for votes at term + 1 without moving the term; a real one otherwise. Only voters
 * campaign.
 */
export function campaign(r: Raft, kind: CampaignKind): void {
  if (!r.promotable()) return;
  let type: 'prevote' | 'vote';
  let term: number;
  if (kind === 'pre-election') {
    r.becomePreCandidate();
    type = 'prevote';
    term = r.term + 1;
  } else {
    r.becomeCandidate();
    type = 'vote';
    term = r.term;
  }
  r.tracker.recordVote(r.id, true);
  if (r.tracker.tallyVotes() === 'won') {
    wonElection(r);
    return;
  }
  const context = kind === 'transfer' ? TRANSFER_CONTEXT : undefined;
  for (const voter of [...r.tracker.voters].sort()) {
    if (voter === r.id) continue;
    r.send({ type, to: voter, term, index: r.log.lastIndex(), logTerm: r.log.lastTerm(), context });
  }
}

/** Counts one answer of the current (pre-)election; only voters' answers count. */
export function poll(r: Raft, from: NodeId, granted: boolean): void {
  r.tracker.recordVote(from, granted);
  const result = r.tracker.tallyVotes();
  if (result === 'won') wonElection(r);
  else if (result === 'lost') r.becomeFollower(r.term, '');
}

function wonElection(r: Raft): void {
  if (r.role === 'pre-candidate') {
    campaign(r, 'election');
  } else {
    r.becomeLeader();
    bcastAppend(r);
  }
}

/**
 * Answers a (pre-)vote request whose term is not behind ours. Learners answer too: the
 * candidate may already count them as voters, and it ignores answers of non-voters.
 */
export function handleVoteRequest(r: Raft, m: Message): void {
  const response = m.type === 'vote' ? 'vote-resp' : 'prevote-resp';
  // A vote once cast in a term is never changed; a pre-vote promises nothing.
  const canVote =
    r.vote === m.from || (r.vote === '' && r.lead === '') || (m.type === 'prevote' && m.term > r.term);
  // §5.4.1: only a candidate whose log is at least as up to date may win.
  if (canVote && r.log.isUpToDate(m.index, m.logTerm)) {
    r.send({ type: response, to: m.from, term: m.term });
    if (m.type === 'vote') {
      r.electionElapsed = 0;
      r.vote = m.from;
    }
  } else {
    r.send({ type: response, to: m.from, reject: true });
  }
}
