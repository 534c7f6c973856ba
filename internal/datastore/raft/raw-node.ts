import { applyConfChange, validateConfChange } from './conf-change.ts';
import { campaign } from './raft-election.ts';
import { handleReadIndex, propose, reportSnapshot, reportUnreachable, transferLeadership } from './raft-leader.ts';
import { Raft } from './raft.ts';
import { ProposalDroppedError, encodeConfChange } from './types.ts';
import type {
  ConfChange,
  ConfState,
  Entry,
  HardState,
  Message,
  NodeId,
  RaftConfig,
  Ready,
  Role,
  SoftState,
} from './types.ts';

/** A snapshot of the node's state for monitoring and tests. */
export interface RaftStatus {
  id: NodeId;
  term: number;
  vote: NodeId;
  commit: number;
  applied: number;
  leader: NodeId;
  role: Role;
  conf: ConfState;
  /** The leader's view of each member's replication; empty on other roles. */
  progress: Map<NodeId, { match: number; next: number; state: 'probe' | 'replicate' | 'snapshot'; recentActive: boolean }>;
  /** The member leadership is being transferred to ('' when none). */
  transferee: NodeId;
}

/** What ready() handed out and advance() will acknowledge. */
interface HandedOut {
  lastEntry: { index: number; term: number } | undefined;
  snapshotIndex: number | undefined;
  lastCommitted: number | undefined;
}

/**
 * The driver's handle on one Raft member: feed it ticks, messages and requests; take a
 * Ready, persist, send, apply, then advance() (see types.ts for the order).
 */
export class RawNode {
  readonly #raft: Raft;
  #prevSoft: SoftState;
  #prevHard: HardState;
  #handedOut: HandedOut = { lastEntry: undefined, snapshotIndex: undefined, lastCommitted: undefined };

  /** Starts from what `config.storage` holds; throws when the stored state is inconsistent. */
  constructor(config: RaftConfig) {
    this.#raft = new Raft(config);
    this.#prevSoft = this.#raft.softState();
    this.#prevHard = this.#raft.hardState();
  }

  /** Advances logical time by one tick (heartbeats, election timeouts, check-quorum). */
  tick(): void {
    this.#raft.tick();
  }

  /** Starts an election now (with a pre-vote round if enabled); a no-op for leaders, learners and non-members. */
  campaign(): void {
    const r = this.#raft;
    if (r.role === 'leader') return;
    campaign(r, r.preVote ? 'pre-election' : 'election');
  }

  /** Proposes an entry; throws ProposalDroppedError when it cannot be taken now. */
  propose(data: Uint8Array): void {
    this.#propose({ index: 0, term: 0, type: 'normal', data });
  }

  /** Proposes one membership change; throws ProposalDroppedError while another is pending or when it is invalid. */
  proposeConfChange(change: ConfChange): void {
    // A leader validates it where it appends it (propose); a follower before forwarding it.
    if (this.#raft.role !== 'leader') validateConfChange(this.#raft, change);
    this.#propose({ index: 0, term: 0, type: 'conf-change', data: encodeConfChange(change) });
  }

  #propose(entry: Entry): void {
    const r = this.#raft;
    if (!r.promotable()) throw new ProposalDroppedError(`${r.id} is not a voter`);
    if (r.role === 'leader') {
      propose(r, [entry]);
      return;
    }
    if (r.lead === '') throw new ProposalDroppedError('no leader is known');
    r.send({ type: 'prop', to: r.lead, entries: [entry] });
  }

  /** Applies a committed membership change (called by the driver in log order); returns the new membership. */
  applyConfChange(change: ConfChange): ConfState {
    return applyConfChange(this.#raft, change);
  }

  /** Feeds one message from a peer. Stale, duplicate, reordered or unknown-sender messages are ignored. */
  step(message: Message): void {
    this.#raft.step(message);
  }

  /**
   * Requests a linearizable read (thesis §6.4); the answer comes out as a ReadState with this
   * `context` once leadership is confirmed. Contexts must be unique across the cluster. Dropped
   * without an answer when no leader is known: the caller retries after its own timeout.
   */
  readIndex(context: string): void {
    const r = this.#raft;
    if (r.role === 'leader') handleReadIndex(r, r.id, context);
    else if (r.lead !== '') r.send({ type: 'read-index', to: r.lead, context });
  }

  /** On the leader, hands leadership to voter `to` (§3.10); a no-op elsewhere. */
  transferLeadership(to: NodeId): void {
    transferLeadership(this.#raft, to);
  }

  /** The transport could not reach `id`: the leader goes back to probing it. */
  reportUnreachable(id: NodeId): void {
    reportUnreachable(this.#raft, id);
  }

  /**
   * The snapshot sent to `id` was installed (`ok`) or failed. The leader sends `id` nothing
   * else until it hears this or the follower's answer, so report every lost snapshot.
   */
  reportSnapshot(id: NodeId, ok: boolean): void {
    reportSnapshot(this.#raft, id, ok);
  }

  /** Whether ready() has anything to hand out. */
  hasReady(): boolean {
    const r = this.#raft;
    return (
      !sameSoft(r.softState(), this.#prevSoft) ||
      !sameHard(r.hardState(), this.#prevHard) ||
      r.log.unstable.hasNextEntries() ||
      r.log.unstable.nextSnapshot() !== undefined ||
      r.msgs.length > 0 ||
      r.readStates.length > 0 ||
      r.log.hasNextCommittedEntries()
    );
  }

  /** Hands out everything new since the last ready(); each item comes out once. */
  ready(): Ready {
    const r = this.#raft;
    const { unstable } = r.log;
    const entries = unstable.nextEntries();
    const snapshot = unstable.nextSnapshot();
    const committedEntries = r.log.nextCommittedEntries();
    const rd: Ready = { entries, committedEntries, messages: r.msgs, readStates: r.readStates };
    const soft = r.softState();
    if (!sameSoft(soft, this.#prevSoft)) rd.softState = soft;
    this.#prevSoft = soft;
    const hard = r.hardState();
    if (!sameHard(hard, this.#prevHard)) rd.hardState = hard;
    this.#prevHard = hard;
    if (snapshot !== undefined) rd.snapshot = snapshot;
    r.msgs = [];
    r.readStates = [];

    unstable.acceptInProgress();
    const lastEntry = entries.at(-1);
    if (lastEntry !== undefined) this.#handedOut.lastEntry = { index: lastEntry.index, term: lastEntry.term };
    if (snapshot !== undefined) this.#handedOut.snapshotIndex = snapshot.index;
    const lastCommitted = committedEntries.at(-1);
    if (lastCommitted !== undefined) {
      r.log.acceptApplying(lastCommitted.index);
      this.#handedOut.lastCommitted = lastCommitted.index;
    }
    return rd;
  }

  /**
   * Acknowledges every Ready handed out so far: its hard state, entries and snapshot are
   * durable and its committed entries applied.
   */
  advance(): void {
    const r = this.#raft;
    const { lastEntry, snapshotIndex, lastCommitted } = this.#handedOut;
    this.#handedOut = { lastEntry: undefined, snapshotIndex: undefined, lastCommitted: undefined };
    if (snapshotIndex !== undefined) {
      r.log.unstable.stableSnapTo(snapshotIndex);
      r.log.appliedTo(snapshotIndex);
    }
    if (lastEntry !== undefined) r.log.unstable.stableTo(lastEntry.index, lastEntry.term);
    if (lastCommitted !== undefined) r.log.appliedTo(lastCommitted);
    r.persisted();
  }

  status(): RaftStatus {
    const r = this.#raft;
    const progress: RaftStatus['progress'] = new Map();
    if (r.role === 'leader') {
      for (const [id, p] of r.tracker.progress) {
        progress.set(id, { match: p.match, next: p.next, state: p.state, recentActive: p.recentActive });
      }
    }
    return {
      id: r.id,
      term: r.term,
      vote: r.vote,
      commit: r.log.committed,
      applied: r.log.applied,
      leader: r.lead,
      role: r.role,
      conf: r.tracker.conf(),
      progress,
      transferee: r.leadTransferee,
    };
  }
}

function sameSoft(a: SoftState, b: SoftState): boolean {
  return a.leader === b.leader && a.role === b.role;
}

function sameHard(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
