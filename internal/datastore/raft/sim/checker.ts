import type { NodeId, ReadState } from '../types.ts';

/** A safety property of Raft was broken; `invariant` names it as the Raft paper (Figure 3) does. */
export class SafetyViolation extends Error {
  readonly invariant: string;
  constructor(invariant: string, detail: string) {
    super(`${invariant}: ${detail}`);
    this.invariant = invariant;
  }
}

/** A node's log as the checker needs it: the compaction point, and the term at each later index. */
export interface LogView {
  snapshotIndex: number;
  /** Term of the entry at `index` (> snapshotIndex), undefined past the end. */
  termAt(index: number): number | undefined;
  lastIndex: number;
}

interface LeaderRecord {
  term: number;
  id: NodeId;
  snapshotIndex: number;
  /** terms[k] is the term of index snapshotIndex + 1 + k when the leader was elected. */
  terms: number[];
}

/**
 * Observes a run from outside the nodes and throws a SafetyViolation the moment one of the
 * Raft paper's Figure 3 properties fails:
 *  - Election Safety: at most one leader per term;
 *  - Log Matching: entries with the same index and term have identical logs up to them;
 *  - Leader Completeness: an entry committed in term t is in every leader of a term > t;
 *  - State Machine Safety: all nodes apply the same entry at each index, in index order;
 * and for reads: a read index is never below an entry applied before the read was issued;
 * and a leader's commit index only moves onto entries of its own term (Figure 2).
 *
 * "Committed in term t" is taken from persisted commit indexes: the term stored beside a
 * commit index is at least the term in which the entries under it were committed, so the
 * Leader Completeness check may be weaker than the paper's but never reports a false alarm.
 */
export class InvariantChecker {
  private readonly leaderOfTerm = new Map<number, NodeId>();
  private readonly leaders: LeaderRecord[] = [];
  /** `${index}/${term}` → chain value of the log up to that entry. */
  private readonly chains = new Map<string, string>();
  /** By index: the entry's term, and the (upper bound of the) term it was committed in. */
  private readonly entryTerm: number[] = [0];
  private readonly commitTerm: number[] = [0];
  private committedUpTo = 0;
  /** By index: `${term}:${payload}` of the entry applied there. */
  private readonly appliedKeys: string[] = [''];
  private maxApplied = 0;
  private readonly readBounds = new Map<string, { node: NodeId; bound: number }>();
  /** Read states observed (answers to reads). */
  readsAnswered = 0;

  /** Highest index any node has applied. */
  get highestApplied(): number {
    return this.maxApplied;
  }

  /** Highest index any node has persisted as committed. */
  get highestCommitted(): number {
    return this.committedUpTo;
  }

  /** Number of distinct terms that had a leader. */
  get leaderTerms(): number {
    return this.leaderOfTerm.size;
  }

  /** A node reported itself leader of `term`; `log` is its log at that moment. */
  observeLeader(term: number, id: NodeId, log: LogView): void {
    const other = this.leaderOfTerm.get(term);
    if (other !== undefined && other !== id) {
      throw new SafetyViolation('Election Safety', `${other} and ${id} were both leader in term ${term}`);
    }
    if (other === id) return;
    this.leaderOfTerm.set(term, id);
    const terms: number[] = [];
    for (let i = log.snapshotIndex + 1; i <= log.lastIndex; i++) terms.push(log.termAt(i) ?? -1);
    const record: LeaderRecord = { term, id, snapshotIndex: log.snapshotIndex, terms };
    for (let i = 1; i <= this.committedUpTo; i++) {
      if ((this.commitTerm[i] ?? 0) < term) this.checkLeaderHas(record, i);
    }
    let at = this.leaders.length;
    while (at > 0 && (this.leaders[at - 1]?.term ?? 0) > term) at--;
    this.leaders.splice(at, 0, record);
  }

  private checkLeaderHas(leader: LeaderRecord, index: number): void {
    if (index <= leader.snapshotIndex) return;
    const want = this.entryTerm[index];
    const have = leader.terms[index - leader.snapshotIndex - 1];
    if (have !== want) {
      throw new SafetyViolation(
        'Leader Completeness',
        `entry ${index} (term ${String(want)}) was committed by term ${String(this.commitTerm[index])} ` +
          `but leader ${leader.id} of term ${leader.term} had ${have === undefined ? 'no entry' : `term ${have}`} there`,
      );
    }
  }

  /**
   * A node persisted commit index `commit` while in `term`; `log` is its log after that write
   * (every index up to `commit` is in it or was compacted after being applied).
   */
  observeCommit(node: NodeId, term: number, commit: number, log: LogView): void {
    for (let i = this.committedUpTo + 1; i <= commit; i++) {
      const entryTerm = log.termAt(i);
      if (entryTerm === undefined) {
        throw new SafetyViolation('Ready contract', `${node} persisted commit ${commit} but its log has no entry ${i}`);
      }
      this.entryTerm[i] = entryTerm;
      this.commitTerm[i] = term;
      this.committedUpTo = i;
      for (let k = this.leaders.length - 1; k >= 0; k--) {
        const leader = this.leaders[k];
        if (leader === undefined || leader.term <= term) break;
        this.checkLeaderHas(leader, i);
      }
    }
  }

  /**
   * A leader of `term` advanced its commit index to `commit`, whose entry has `entryTerm`.
   * A leader commits only by counting replicas of an entry of its own term (§5.4.2, Figure
   * 2); counting older entries is the Figure 8 error, which breaks Leader Completeness only
   * in rare schedules, so the rule itself is checked.
   */
  observeLeaderCommit(node: NodeId, term: number, commit: number, entryTerm: number): void {
    if (entryTerm !== term) {
      throw new SafetyViolation('Leader commit rule', `${node}, leader of term ${term}, advanced its commit index to ${commit}, an entry of term ${entryTerm}`);
    }
  }

  /** A node persisted an entry; `chain` summarises its whole log up to and including it. */
  observeLogEntry(node: NodeId, index: number, term: number, chain: string): void {
    const key = `${index}/${term}`;
    const known = this.chains.get(key);
    if (known === undefined) this.chains.set(key, chain);
    else if (known !== chain) {
      throw new SafetyViolation(
        'Log Matching',
        `${node} holds entry ${index} of term ${term} after a log that differs from another node's with the same entry`,
      );
    }
  }

  /** A node applied the entry at `index` (`key` = `${term}:${payload}`), right after `previous`. */
  observeApply(node: NodeId, previous: number, index: number, key: string): void {
    if (index !== previous + 1) {
      throw new SafetyViolation('State Machine Safety', `${node} applied entry ${index} right after entry ${previous}`);
    }
    if (index > this.committedUpTo) {
      throw new SafetyViolation('Ready contract', `${node} applied entry ${index} but no node ever persisted a commit index past ${this.committedUpTo}`);
    }
    const term = Number(key.slice(0, key.indexOf(':')));
    if (this.entryTerm[index] !== term) {
      throw new SafetyViolation(
        'State Machine Safety',
        `${node} applied entry ${index} of term ${term}, but the entry committed there has term ${String(this.entryTerm[index])}`,
      );
    }
    this.recordApplied(node, index, key);
  }

  private recordApplied(node: NodeId, index: number, key: string): void {
    const known = this.appliedKeys[index];
    if (known === undefined) {
      if (index !== this.appliedKeys.length) throw new Error(`applied index ${index} skips ahead of ${this.appliedKeys.length - 1}`);
      this.appliedKeys.push(key);
      this.maxApplied = index;
    } else if (known !== key) {
      throw new SafetyViolation('State Machine Safety', `${node} applied ${JSON.stringify(key)} at index ${index}, another node applied ${JSON.stringify(known)}`);
    }
  }

  /** A node replaced its state machine with a snapshot holding `keys` (index k+1 at keys[k]). */
  observeSnapshotInstall(node: NodeId, appliedBefore: number, keys: readonly string[]): void {
    if (keys.length <= appliedBefore) {
      throw new SafetyViolation('State Machine Safety', `${node} installed a snapshot at ${keys.length}, not past its applied index ${appliedBefore}`);
    }
    for (let i = 1; i <= keys.length; i++) {
      const key = keys[i - 1] ?? '';
      if (this.appliedKeys[i] !== key) {
        throw new SafetyViolation('State Machine Safety', `${node} installed a snapshot whose entry ${i} is ${JSON.stringify(key)}, not ${JSON.stringify(this.appliedKeys[i])}`);
      }
    }
  }

  /** A read was requested on `node` with correlation `context`. */
  readIssued(node: NodeId, context: string): void {
    this.readBounds.set(context, { node, bound: this.maxApplied });
  }

  /** A node answered a read with `state`. */
  observeReadState(node: NodeId, state: ReadState): void {
    this.readsAnswered++;
    const issued = this.readBounds.get(state.context);
    if (issued === undefined) {
      throw new SafetyViolation('Read index', `${node} returned a read state for context ${state.context}, which no one requested`);
    }
    if (state.index < issued.bound) {
      throw new SafetyViolation(
        'Read index',
        `read ${state.context} got index ${state.index}, below entry ${issued.bound} which was applied before the read was issued`,
      );
    }
  }

  /** The applied sequences of all nodes are prefixes of one another (checked at the end of a run). */
  checkPrefixes(sequences: ReadonlyMap<NodeId, readonly string[]>): void {
    let longest: readonly string[] = [];
    let longestNode = '';
    for (const [node, seq] of sequences) {
      if (seq.length > longest.length) {
        longest = seq;
        longestNode = node;
      }
    }
    for (const [node, seq] of sequences) {
      for (let i = 0; i < seq.length; i++) {
        if (seq[i] !== longest[i]) {
          throw new SafetyViolation(
            'State Machine Safety',
            `${node} applied ${JSON.stringify(seq[i])} at index ${i + 1}, ${longestNode} applied ${JSON.stringify(longest[i])}`,
          );
        }
      }
    }
  }
}
