import { TRANSFER_CONTEXT, campaign, handleVoteRequest } from './raft-election.ts';
import { bcastHeartbeat, onPersisted, stepLeader } from './raft-leader.ts';
import { stepCandidate, stepFollower } from './raft-follower.ts';
import { ProgressTracker } from './progress-tracker.ts';
import { RaftLog } from './raft-log.ts';
import { ReadOnly } from './read-only.ts';
import { seededRandom } from './seeded-random.ts';
import type { HardState, Message, NodeId, RaftConfig, ReadState, Role, SoftState } from './types.ts';

/** A message to send, without the fields that default (from, term, and the empty ones). */
export type Outgoing = Pick<Message, 'type' | 'to'> & Partial<Omit<Message, 'type' | 'to' | 'from'>>;

/**
 * The Raft state machine proper: terms, roles, elections and the dispatch of messages. The
 * leader's and followers' handling lives in raft-leader.ts and raft-follower.ts; RawNode
 * wraps this with the Ready/advance interface.
 */
export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = '';
  lead: NodeId = '';
  role: Role = 'follower';
  readonly log: RaftLog;
  readonly tracker: ProgressTracker;
  readonly readOnly = new ReadOnly();
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  /** Ticks since the last election timeout (leader) or since hearing from a leader or voting. */
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  readonly electionTimeout: number;
  readonly heartbeatTimeout: number;
  readonly maxSizePerMsg: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly random: () => number;
  /** The member leadership is being handed to ('' when none). */
  leadTransferee: NodeId = '';
  /** A leader accepts no new membership change until the entry at this index is applied. */
  pendingConfIndex = 0;
  /** Reads that arrived before the leader committed an entry of its term (thesis §6.4 step 1). */
  pendingReads: Array<{ from: NodeId; context: string }> = [];

  constructor(config: RaftConfig) {
    if (config.id === '') throw new Error('Cannot start raft as the node id is empty');
    this.id = config.id;
    this.electionTimeout = config.electionTicks ?? 10;
    this.heartbeatTimeout = config.heartbeatTicks ?? 1;
    if (!(this.heartbeatTimeout > 0 && this.electionTimeout > this.heartbeatTimeout)) {
      throw new Error(
        `Cannot start raft as electionTicks must exceed heartbeatTicks > 0: got ${this.electionTimeout} and ${this.heartbeatTimeout}`,
      );
    }
    this.maxSizePerMsg = config.maxSizePerMsg ?? 1024 * 1024;
    const maxInflight = config.maxInflightMsgs ?? 256;
    if (maxInflight < 1) throw new Error(`Cannot start raft as maxInflightMsgs must be positive: got ${maxInflight}`);
    this.preVote = config.preVote ?? true;
    this.checkQuorum = config.checkQuorum ?? true;
    this.random = config.random ?? seededRandom(config.id);

    this.log = new RaftLog(config.storage);
    this.tracker = new ProgressTracker(maxInflight);
    const { hardState, conf } = config.storage.initialState();
    this.tracker.setConf(conf, this.log.lastIndex() + 1);
    if (hardState.commit > this.log.lastIndex()) {
      throw new Error(
        `Cannot start raft as the stored commit index ${hardState.commit} is beyond the last stored index ${this.log.lastIndex()}`,
      );
    }
    this.log.committed = Math.max(this.log.committed, hardState.commit);
    const applied = Math.max(config.applied ?? 0, this.log.firstIndex() - 1);
    if (applied > this.log.committed) {
      throw new Error(`Cannot start raft as applied index ${applied} is beyond the commit index ${this.log.committed}`);
    }
    this.log.appliedTo(applied);
    this.term = hardState.term;
    this.vote = hardState.vote;
    this.becomeFollower(this.term, '');
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  softState(): SoftState {
    return { leader: this.lead, role: this.role };
  }

  send(message: Outgoing): void {
    const local = message.type === 'prop' || message.type === 'read-index';
    this.msgs.push({
      from: this.id,
      term: local ? 0 : this.term,
      logTerm: 0,
      index: 0,
      entries: [],
      commit: 0,
      reject: false,
      rejectHint: 0,
      ...message,
    });
  }

  /** Only voters campaign: learners and nodes that do not know their membership stay passive. */
  promotable(): boolean {
    return this.tracker.voters.has(this.id);
  }

  #reset(term: number): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = '';
    }
    this.lead = '';
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.leadTransferee = '';
    this.tracker.resetVotes();
    this.tracker.resetProgress(this.log.lastIndex() + 1);
    const self = this.tracker.progress.get(this.id);
    if (self !== undefined) self.match = this.log.stableLastIndex();
    this.pendingConfIndex = 0;
    this.readOnly.reset();
    this.pendingReads = [];
  }

  /** Election timeouts are drawn from [electionTimeout, 2 * electionTimeout) to break split votes (§5.2). */
  resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + Math.floor(this.random() * this.electionTimeout);
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.#reset(term);
    this.lead = lead;
    this.role = 'follower';
  }

  becomePreCandidate(): void {
    if (this.role === 'leader') throw new Error('Cannot become a pre-candidate as the leader');
    // Pre-vote changes neither term nor vote (thesis §9.6).
    this.tracker.resetVotes();
    this.lead = '';
    this.role = 'pre-candidate';
    this.electionElapsed = 0;
    this.resetRandomizedElectionTimeout();
  }

  becomeCandidate(): void {
    if (this.role === 'leader') throw new Error('Cannot become a candidate as the leader');
    this.#reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
  }

  becomeLeader(): void {
    if (this.role === 'follower') throw new Error('Cannot become the leader as a follower');
    this.#reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    const self = this.tracker.progress.get(this.id);
    if (self !== undefined) {
      self.becomeReplicate();
      self.recentActive = true;
    }
    // An empty entry of the new term lets earlier entries commit (§5.4.2) and ReadIndex start.
    const index = this.log.lastIndex() + 1;
    this.log.append([{ index, term: this.term, type: 'normal', data: new Uint8Array() }]);
    // No membership change until that entry is applied: a leader that has not committed
    // in its term must not change membership (the single-server change fix).
    this.pendingConfIndex = index;
  }

  tick(): void {
    if (this.role === 'leader') this.#tickHeartbeat();
    else this.#tickElection();
  }

  #tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      campaign(this, this.preVote ? 'pre-election' : 'election');
    }
  }

  #tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum && !this.tracker.quorumActive(this.id)) {
        this.becomeFollower(this.term, '');
        return;
      }
      // A transfer that did not finish within an election timeout is abandoned (§3.10).
      this.leadTransferee = '';
    }
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      bcastHeartbeat(this);
    }
  }

  /** Handles one message from a peer; never throws for stale, duplicate or reordered input. */
  step(m: Message): void {
    if (m.to !== this.id || m.from === this.id || m.from === '') return;
    if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'prevote') {
        const inLease = this.checkQuorum && this.lead !== '' && this.electionElapsed < this.electionTimeout;
        // Leader stickiness (thesis §4.2.3): while a leader is heard from, ignore disruptors.
        if (inLease && m.context !== TRANSFER_CONTEXT) return;
      }
      if (m.type === 'prevote' || (m.type === 'prevote-resp' && !m.reject)) {
        // Pre-vote traffic never moves terms; a granted pre-vote carries the future term.
      } else if (m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, '');
      }
    } else if (m.term < this.term && m.term !== 0) {
      if ((this.checkQuorum || this.preVote) && (m.type === 'app' || m.type === 'heartbeat')) {
        // A stale leader learns the newer term from this answer and steps down.
        this.send({ type: 'app-resp', to: m.from });
      } else if (m.type === 'prevote') {
        this.send({ type: 'prevote-resp', to: m.from, reject: true });
      }
      return;
    }

    if (m.type === 'vote' || m.type === 'prevote') {
      handleVoteRequest(this, m);
      return;
    }
    switch (this.role) {
      case 'leader':
        stepLeader(this, m);
        break;
      case 'candidate':
      case 'pre-candidate':
        stepCandidate(this, m);
        break;
      case 'follower':
        stepFollower(this, m);
        break;
    }
  }

  /** The driver made everything handed out so far durable (see RawNode.advance). */
  persisted(): void {
    onPersisted(this);
  }
}
