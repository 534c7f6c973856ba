import { Progress } from './progress.ts';
import type { ConfState, NodeId } from './types.ts';

export type VoteResult = 'won' | 'lost' | 'pending';

/**
 * Membership (voters and learners), the leader's per-member progress, and the votes of an
 * election. Quorums are majorities of voters only: learners never count.
 */
export class ProgressTracker {
  readonly voters = new Set<NodeId>();
  readonly learners = new Set<NodeId>();
  readonly progress = new Map<NodeId, Progress>();
  readonly votes = new Map<NodeId, boolean>();
  readonly maxInflight: number;

  constructor(maxInflight: number) {
    this.maxInflight = maxInflight;
  }

  /** Replaces the membership; every member starts probing at `next`. */
  setConf(conf: ConfState, next: number): void {
    this.voters.clear();
    this.learners.clear();
    this.progress.clear();
    for (const id of conf.voters) this.addVoter(id, next);
    for (const id of conf.learners) if (!this.voters.has(id)) this.addLearner(id, next);
  }

  conf(): ConfState {
    return { voters: [...this.voters].sort(), learners: [...this.learners].sort() };
  }

  isMember(id: NodeId): boolean {
    return this.voters.has(id) || this.learners.has(id);
  }

  addLearner(id: NodeId, next: number): Progress {
    this.learners.add(id);
    const progress = new Progress(next, this.maxInflight);
    this.progress.set(id, progress);
    return progress;
  }

  addVoter(id: NodeId, next: number): Progress {
    this.learners.delete(id);
    this.voters.add(id);
    const existing = this.progress.get(id);
    if (existing !== undefined) return existing;
    const progress = new Progress(next, this.maxInflight);
    this.progress.set(id, progress);
    return progress;
  }

  remove(id: NodeId): void {
    this.voters.delete(id);
    this.learners.delete(id);
    this.progress.delete(id);
    this.votes.delete(id);
  }

  /** Starts every member's progress afresh (a new term): probing from `next`, nothing known to match. */
  resetProgress(next: number): void {
    for (const id of this.progress.keys()) this.progress.set(id, new Progress(next, this.maxInflight));
  }

  quorum(): number {
    return Math.floor(this.voters.size / 2) + 1;
  }

  /** Whether `ids` include a majority of the voters. */
  hasQuorum(ids: Iterable<NodeId>): boolean {
    let count = 0;
    for (const id of ids) if (this.voters.has(id)) count++;
    return this.voters.size > 0 && count >= this.quorum();
  }

  /** The highest index a majority of voters has (§5.3); 0 without voters. */
  committed(): number {
    const matches: number[] = [];
    for (const id of this.voters) matches.push(this.progress.get(id)?.match ?? 0);
    matches.sort((a, b) => b - a);
    return matches[this.quorum() - 1] ?? 0;
  }

  resetVotes(): void {
    this.votes.clear();
  }

  /** Records a voter's answer; the first answer of each voter counts. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.voters.has(id) || this.votes.has(id)) return;
    this.votes.set(id, granted);
  }

  tallyVotes(): VoteResult {
    let granted = 0;
    let rejected = 0;
    for (const value of this.votes.values()) {
      if (value) granted++;
      else rejected++;
    }
    const quorum = this.quorum();
    if (this.voters.size > 0 && granted >= quorum) return 'won';
    if (this.voters.size - rejected < quorum) return 'lost';
    return 'pending';
  }

  /**
   * Whether a majority of voters (counting `self`) was heard from since the last call;
   * clears the marks for the next round (check-quorum, thesis §6.2).
   */
  quorumActive(self: NodeId): boolean {
    const active: NodeId[] = [];
    for (const [id, progress] of this.progress) {
      if (id === self || progress.recentActive) active.push(id);
      if (id !== self) progress.recentActive = false;
    }
    return this.hasQuorum(active);
  }
}
