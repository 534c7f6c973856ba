import type { Entry, SnapshotMeta } from './types.ts';

/**
 * The tail of the log (and possibly a snapshot) that the driver has not yet confirmed as
 * durable. Entries below `offsetInProgress` (and the snapshot, when `snapshotInProgress`)
 * were handed out in a Ready and are being written; advance() makes them stable.
 */
export class UnstableLog {
  snapshot: SnapshotMeta | undefined;
  entries: Entry[] = [];
  /** Index of entries[0]; everything below it is in stable storage (or the snapshot). */
  offset: number;
  offsetInProgress: number;
  snapshotInProgress = false;

  constructor(offset: number) {
    this.offset = offset;
    this.offsetInProgress = offset;
  }

  /** First index of the log when a snapshot is pending, else undefined (ask storage). */
  maybeFirstIndex(): number | undefined {
    return this.snapshot === undefined ? undefined : this.snapshot.index + 1;
  }

  /** Last index held here, else undefined (ask storage). */
  maybeLastIndex(): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1;
    return this.snapshot?.index;
  }

  maybeTerm(index: number): number | undefined {
    if (index < this.offset) {
      return this.snapshot !== undefined && this.snapshot.index === index ? this.snapshot.term : undefined;
    }
    return this.entries[index - this.offset]?.term;
  }

  /** Whether nextEntries() would hand out any, without copying them. */
  hasNextEntries(): boolean {
    return this.offsetInProgress - this.offset < this.entries.length;
  }

  /** Entries not yet handed out for persisting. */
  nextEntries(): Entry[] {
    const start = this.offsetInProgress - this.offset;
    return start >= this.entries.length ? [] : this.entries.slice(start);
  }

  nextSnapshot(): SnapshotMeta | undefined {
    return this.snapshotInProgress ? undefined : this.snapshot;
  }

  /** Marks everything held here as handed out for persisting. */
  acceptInProgress(): void {
    if (this.entries.length > 0) this.offsetInProgress = this.offset + this.entries.length;
    if (this.snapshot !== undefined) this.snapshotInProgress = true;
  }

  /**
   * Entries up to `index` are durable. The term check guards against a suffix that was
   * replaced after it was handed out: the durable copy is then of the old entries.
   */
  stableTo(index: number, term: number): void {
    if (index < this.offset || this.maybeTerm(index) !== term) return;
    this.entries = this.entries.slice(index + 1 - this.offset);
    this.offset = index + 1;
    this.offsetInProgress = Math.max(this.offsetInProgress, this.offset);
  }

  stableSnapTo(index: number): void {
    if (this.snapshot !== undefined && this.snapshot.index === index) {
      this.snapshot = undefined;
      this.snapshotInProgress = false;
    }
  }

  restore(snapshot: SnapshotMeta): void {
    this.offset = snapshot.index + 1;
    this.offsetInProgress = this.offset;
    this.entries = [];
    this.snapshot = snapshot;
    this.snapshotInProgress = false;
  }

  /** Appends `entries`, replacing whatever is held from their first index on. */
  truncateAndAppend(entries: Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    const from = first.index;
    if (from === this.offset + this.entries.length) {
      this.entries = this.entries.concat(entries);
    } else if (from <= this.offset) {
      // Replaces everything here; stable storage truncates its own copy when it appends.
      this.offset = from;
      this.offsetInProgress = from;
      this.entries = [...entries];
    } else {
      this.entries = this.entries.slice(0, from - this.offset).concat(entries);
      this.offsetInProgress = Math.min(this.offsetInProgress, from);
    }
  }

  /** Entries [lo, hi) from the ones held here; the caller checks the bounds. */
  slice(lo: number, hi: number): Entry[] {
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}
