import { CompactedIndexError, UnavailableIndexError } from './types.ts';
import type { Entry, SnapshotMeta, Storage } from './types.ts';
import { UnstableLog } from './unstable-log.ts';

/**
 * The node's view of the log: stable storage followed by the unstable tail, with the
 * commit index and how far the driver has applied.
 */
export class RaftLog {
  readonly storage: Storage;
  readonly unstable: UnstableLog;
  committed: number;
  /** Highest index handed out in Ready.committedEntries. */
  applying: number;
  /** Highest index the driver acknowledged as applied (advance()). */
  applied: number;

  constructor(storage: Storage) {
    this.storage = storage;
    this.unstable = new UnstableLog(storage.lastIndex() + 1);
    const first = storage.firstIndex();
    this.committed = first - 1;
    this.applying = first - 1;
    this.applied = first - 1;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** Term of the entry at `index`, or undefined when it is compacted or beyond the log. */
  term(index: number): number | undefined {
    if (index < this.firstIndex() - 1 || index > this.lastIndex()) return undefined;
    const unstable = this.unstable.maybeTerm(index);
    if (unstable !== undefined) return unstable;
    try {
      return this.storage.term(index);
    } catch (error) {
      if (error instanceof CompactedIndexError || error instanceof UnavailableIndexError) return undefined;
      throw error;
    }
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** §5.4.1: a log is at least as up to date if its last term is higher, or equal with an index at least as high. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ownTerm = this.lastTerm();
    return lastTerm > ownTerm || (lastTerm === ownTerm && lastIndex >= this.lastIndex());
  }

  /** Index of the first entry that is missing here or has another term; 0 when all match. */
  findConflict(entries: Entry[]): number {
    for (const entry of entries) {
      if (!this.matchTerm(entry.index, entry.term)) return entry.index;
    }
    return 0;
  }

  /**
   * The highest index at or below `index` whose term is at most `term`, with that term: the
   * last place where a log whose entry at `index` has term `term` could still match this
   * one. Skips a whole term per round trip when backtracking (thesis §3.5). A compacted
   * term gives 0 as the term.
   */
  findConflictByTerm(index: number, term: number): [number, number] {
    let at = Math.min(index, this.lastIndex());
    for (;;) {
      const found = this.term(at);
      if (found === undefined) return [at, 0];
      if (found <= term) return [at, found];
      at--;
    }
  }

  /**
   * Appends entries received after (index, logTerm) when that entry matches (§5.3); returns
   * the index of the last new entry, or undefined when the logs do not match there.
   */
  maybeAppend(index: number, logTerm: number, committed: number, entries: Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + entries.length;
    const conflict = this.findConflict(entries);
    if (conflict !== 0) {
      if (conflict <= this.committed) {
        throw new Error(`Cannot replace committed entry ${conflict} (commit index is ${this.committed})`);
      }
      this.append(entries.slice(conflict - index - 1));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(entries: Entry[]): number {
    const first = entries[0];
    if (first === undefined) return this.lastIndex();
    if (first.index - 1 < this.committed) {
      throw new Error(`Cannot append at index ${first.index} below the commit index ${this.committed}`);
    }
    this.unstable.truncateAndAppend(entries);
    return this.lastIndex();
  }

  commitTo(index: number): void {
    if (index <= this.committed) return;
    if (index > this.lastIndex()) {
      throw new Error(`Cannot commit index ${index} as the log ends at index ${this.lastIndex()}`);
    }
    this.committed = index;
  }

  /**
   * Entries [lo, hi) with at most about maxBytes of data (but at least one); undefined when
   * part of the range is compacted.
   */
  slice(lo: number, hi: number, maxBytes: number = Number.POSITIVE_INFINITY): Entry[] | undefined {
    if (lo < this.firstIndex()) return undefined;
    const end = Math.min(hi, this.lastIndex() + 1);
    if (lo >= end) return [];
    const offset = this.unstable.offset;
    let out: Entry[] = [];
    if (lo < offset) {
      try {
        out = this.storage.entries(lo, Math.min(end, offset), maxBytes);
      } catch (error) {
        if (error instanceof CompactedIndexError) return undefined;
        throw error;
      }
      if (out.length < Math.min(end, offset) - lo) return out;
    }
    if (end > offset) {
      let bytes = out.reduce((sum, entry) => sum + entry.data.byteLength, 0);
      for (const entry of this.unstable.slice(Math.max(lo, offset), end)) {
        bytes += entry.data.byteLength;
        if (out.length > 0 && bytes > maxBytes) break;
        out.push(entry);
      }
    }
    return out;
  }

  /**
   * The highest committed index that is durable or about to be handed out for persisting
   * together with it. Entries handed out by an earlier Ready and not yet acknowledged by
   * advance() are neither, so nothing from them on may be applied yet.
   */
  #maxAppliable(): number {
    const { unstable } = this;
    const unacknowledged =
      unstable.offsetInProgress > unstable.offset || (unstable.snapshot !== undefined && unstable.snapshotInProgress);
    return Math.min(this.committed, unacknowledged ? unstable.offset - 1 : this.lastIndex());
  }

  /** Committed entries not yet handed out. */
  nextCommittedEntries(): Entry[] {
    const lo = Math.max(this.applying + 1, this.firstIndex());
    const hi = this.#maxAppliable() + 1;
    if (lo >= hi) return [];
    return this.slice(lo, hi) ?? [];
  }

  hasNextCommittedEntries(): boolean {
    return Math.max(this.applying + 1, this.firstIndex()) <= this.#maxAppliable();
  }

  acceptApplying(index: number): void {
    this.applying = Math.max(this.applying, index);
  }

  appliedTo(index: number): void {
    this.applied = Math.max(this.applied, index);
    this.applying = Math.max(this.applying, this.applied);
  }

  /** Replaces the whole log by a snapshot (not yet durable: it comes out in the next Ready). */
  restore(snapshot: SnapshotMeta): void {
    this.committed = snapshot.index;
    this.unstable.restore(snapshot);
  }

  /**
   * The last index known durable and part of this log: where the leader's own replica
   * stands for counting a quorum.
   */
  stableLastIndex(): number {
    if (this.unstable.snapshot !== undefined) return 0;
    return Math.min(this.unstable.offset - 1, this.storage.lastIndex());
  }
}
