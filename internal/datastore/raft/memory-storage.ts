import { CompactedIndexError, UnavailableIndexError } from './types.ts';
import type { ConfState, Entry, HardState, SnapshotMeta, Storage } from './types.ts';

/**
 * Storage kept in memory: the twin of the durable storage for unit tests and simulations.
 * Writes follow the Ready contract: the driver appends, sets the hard state and applies
 * snapshots between ready() and advance().
 */
export class MemoryStorage implements Storage {
  #hardState: HardState = { term: 0, vote: '', commit: 0 };
  /** Everything up to and including snapshot.index is compacted away. */
  #snapshot: SnapshotMeta;
  /** Entries after the snapshot: #entries[k] has index snapshot.index + 1 + k. */
  #entries: Entry[] = [];

  /** A storage holding no entries; `conf` is the membership a restart starts from. */
  constructor(conf: ConfState = { voters: [], learners: [] }) {
    this.#snapshot = { index: 0, term: 0, conf: copyConf(conf) };
  }

  initialState(): { hardState: HardState; conf: ConfState } {
    return { hardState: { ...this.#hardState }, conf: copyConf(this.#snapshot.conf) };
  }

  entries(lo: number, hi: number, maxBytes: number = Number.POSITIVE_INFINITY): Entry[] {
    if (lo <= this.#snapshot.index) throw new CompactedIndexError(lo, this.firstIndex());
    if (hi > this.lastIndex() + 1) throw new UnavailableIndexError(hi - 1, this.lastIndex());
    const offset = this.#snapshot.index + 1;
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i < hi; i++) {
      const entry = this.#entries[i - offset];
      if (entry === undefined) break;
      bytes += entry.data.byteLength;
      // Always return at least one entry so a single oversized entry still makes progress.
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(entry);
    }
    return out;
  }

  term(index: number): number {
    if (index < this.#snapshot.index) throw new CompactedIndexError(index, this.firstIndex());
    if (index === this.#snapshot.index) return this.#snapshot.term;
    const entry = this.#entries[index - this.#snapshot.index - 1];
    if (entry === undefined) throw new UnavailableIndexError(index, this.lastIndex());
    return entry.term;
  }

  firstIndex(): number {
    return this.#snapshot.index + 1;
  }

  lastIndex(): number {
    return this.#snapshot.index + this.#entries.length;
  }

  snapshot(): SnapshotMeta {
    return { index: this.#snapshot.index, term: this.#snapshot.term, conf: copyConf(this.#snapshot.conf) };
  }

  /** Appends entries, first dropping any stored suffix from the first new index on. */
  append(entries: Entry[]): void {
    const first = entries[0];
    const last = entries.at(-1);
    if (first === undefined || last === undefined) return;
    if (last.index < this.firstIndex()) return;
    // Entries already folded into the snapshot are skipped.
    const kept = first.index < this.firstIndex() ? entries.slice(this.firstIndex() - first.index) : entries;
    const start = kept[0];
    if (start === undefined) return;
    if (start.index > this.lastIndex() + 1) {
      throw new Error(
        `Cannot append entries starting at index ${start.index} as the log ends at index ${this.lastIndex()}`,
      );
    }
    this.#entries = this.#entries.slice(0, start.index - this.#snapshot.index - 1).concat(kept);
  }

  setHardState(hardState: HardState): void {
    this.#hardState = { ...hardState };
  }

  /** Replaces the whole log by a snapshot received from the leader; older snapshots are ignored. */
  applySnapshot(meta: SnapshotMeta): void {
    if (meta.index <= this.#snapshot.index) return;
    this.#snapshot = { index: meta.index, term: meta.term, conf: copyConf(meta.conf) };
    this.#entries = [];
  }

  /**
   * Drops the entries up to `index` (which the driver has applied), remembering index, term
   * and the membership as of `index` as the snapshot meta. Compacting below the current
   * snapshot does nothing.
   */
  compact(index: number, conf: ConfState): void {
    if (index <= this.#snapshot.index) return;
    if (index > this.lastIndex()) {
      throw new Error(`Cannot compact the log to index ${index} as it ends at index ${this.lastIndex()}`);
    }
    const term = this.term(index);
    this.#entries = this.#entries.slice(index - this.#snapshot.index);
    this.#snapshot = { index, term, conf: copyConf(conf) };
  }
}

function copyConf(conf: ConfState): ConfState {
  return { voters: [...conf.voters], learners: [...conf.learners] };
}
