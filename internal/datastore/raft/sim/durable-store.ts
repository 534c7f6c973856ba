import {
  CompactedIndexError,
  UnavailableIndexError,
  type ConfState,
  type Entry,
  type HardState,
  type SnapshotMeta,
  type Storage,
} from '../types.ts';
import { chainNext, chainStart } from './digest.ts';
import { SafetyViolation, type LogView } from './checker.ts';

/** What a snapshot carries beside its metadata: the applied payloads and their chain value. */
export interface SnapshotData {
  meta: SnapshotMeta;
  /** keys[k] = `${term}:${payload}` of the entry at index k + 1. */
  keys: readonly string[];
  chain: string;
}

const noSnapshot: SnapshotMeta = { index: 0, term: 0, conf: { voters: [], learners: [] } };

function copyConf(conf: ConfState): ConfState {
  return { voters: [...conf.voters], learners: [...conf.learners] };
}

/**
 * Everything of one simulated node that survives a crash: hard state, log, newest snapshot
 * (metadata and data) and the state machine it has applied (an append-only list of entry
 * payloads, plus the membership as of the applied index). It is also the node's Storage:
 * Raft reads exactly what was made durable, nothing more.
 */
export class DurableStore implements Storage {
  hardState: HardState = { term: 0, vote: '', commit: 0 };
  private snap: SnapshotData = { meta: noSnapshot, keys: [], chain: chainStart };
  /** Entries snap.meta.index + 1 .. lastIndex, and the chain value after each. */
  private log: Entry[] = [];
  private chains: string[] = [];
  /** The state machine: applied payloads by index - 1, chain value, membership. */
  private appliedKeys: string[] = [];
  appliedChain = chainStart;
  appliedConf: ConfState = { voters: [], learners: [] };

  initialState(): { hardState: HardState; conf: ConfState } {
    return { hardState: { ...this.hardState }, conf: copyConf(this.appliedConf) };
  }

  firstIndex(): number {
    return this.snap.meta.index + 1;
  }

  lastIndex(): number {
    return this.snap.meta.index + this.log.length;
  }

  term(index: number): number {
    const offset = this.snap.meta.index;
    if (index < offset) throw new CompactedIndexError(index, offset + 1);
    if (index === offset) return this.snap.meta.term;
    const entry = this.log[index - offset - 1];
    if (entry === undefined) throw new UnavailableIndexError(index, this.lastIndex());
    return entry.term;
  }

  entries(lo: number, hi: number, maxBytes?: number): Entry[] {
    if (lo < this.firstIndex()) throw new CompactedIndexError(lo, this.firstIndex());
    if (hi > this.lastIndex() + 1) throw new UnavailableIndexError(hi - 1, this.lastIndex());
    const offset = this.snap.meta.index + 1;
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i < hi; i++) {
      const entry = this.log[i - offset];
      if (entry === undefined) break;
      bytes += entry.data.length;
      if (out.length > 0 && maxBytes !== undefined && bytes > maxBytes) break;
      out.push(entry);
    }
    return out;
  }

  snapshot(): SnapshotMeta {
    const meta = this.snap.meta;
    return { index: meta.index, term: meta.term, conf: copyConf(meta.conf) };
  }

  /** The newest snapshot with its data, as a leader streams it beside a 'snap' message. */
  snapshotData(): SnapshotData {
    return this.snap;
  }

  /** Highest index the state machine has applied. */
  get appliedIndex(): number {
    return this.appliedKeys.length;
  }

  /** The applied payloads in index order (index k + 1 at position k). */
  applied(): readonly string[] {
    return this.appliedKeys;
  }

  /** The chain value of the log up to `index`, if this log still holds it. */
  chainAt(index: number): string | undefined {
    const offset = this.snap.meta.index;
    if (index === offset) return this.snap.chain;
    return this.chains[index - offset - 1];
  }

  /** The log as the invariant checker reads it. */
  view(): LogView {
    return {
      snapshotIndex: this.snap.meta.index,
      lastIndex: this.lastIndex(),
      termAt: (index) => (index <= this.snap.meta.index ? undefined : this.log[index - this.snap.meta.index - 1]?.term),
    };
  }

  /**
   * Replaces log and state machine with a received snapshot (one durable write with the
   * rest of the Ready). The log is dropped whole, as Raft asks when a snapshot is installed.
   */
  installSnapshot(data: SnapshotData): void {
    this.snap = { meta: { ...data.meta, conf: copyConf(data.meta.conf) }, keys: data.keys, chain: data.chain };
    this.log = [];
    this.chains = [];
    this.appliedKeys = [...data.keys];
    this.appliedChain = data.chain;
    this.appliedConf = copyConf(data.meta.conf);
  }

  /**
   * Appends entries, replacing any suffix from the first one's index on. Returns the written
   * entries with their chain values; entries at or below the snapshot index are not written
   * (they are applied already) and are returned with `skipped` so the caller can check them.
   */
  append(entries: readonly Entry[]): { written: { entry: Entry; chain: string }[]; skipped: Entry[] } {
    const written: { entry: Entry; chain: string }[] = [];
    const skipped: Entry[] = [];
    const offset = this.snap.meta.index;
    for (const entry of entries) {
      if (entry.index <= offset) {
        skipped.push(entry);
        continue;
      }
      if (entry.index > this.lastIndex() + 1) {
        throw new SafetyViolation('Ready contract', `entry ${entry.index} to persist leaves a gap after the log's last index ${this.lastIndex()}`);
      }
      const at = entry.index - offset - 1;
      const replaced = this.log[at];
      if (replaced !== undefined && replaced.term !== entry.term && entry.index <= this.appliedIndex) {
        throw new SafetyViolation(
          'State Machine Safety',
          `entry ${entry.index} (term ${replaced.term}) was applied, then overwritten by one of term ${entry.term}`,
        );
      }
      this.log.length = at;
      this.chains.length = at;
      const previous = at === 0 ? this.snap.chain : (this.chains[at - 1] ?? chainStart);
      const chain = chainNext(previous, entry);
      this.log.push({ index: entry.index, term: entry.term, type: entry.type, data: entry.data });
      this.chains.push(chain);
      written.push({ entry, chain });
    }
    return { written, skipped };
  }

  /** Applies one entry to the state machine (durable at once, like a database transaction). */
  applyEntry(entry: Entry, key: string, conf: ConfState | undefined): void {
    this.appliedKeys.push(`${entry.term}:${key}`);
    this.appliedChain = chainNext(this.appliedChain, entry);
    if (conf !== undefined) this.appliedConf = copyConf(conf);
  }

  /**
   * Takes a snapshot at the applied index and drops the log up to it. Returns false when
   * there is nothing new to compact.
   */
  compact(): boolean {
    const index = this.appliedIndex;
    if (index <= this.snap.meta.index) return false;
    const term = this.term(index);
    const logChain = this.chainAt(index);
    if (logChain !== this.appliedChain) {
      throw new SafetyViolation('State Machine Safety', `the entries applied up to ${index} differ from the log's`);
    }
    const drop = index - this.snap.meta.index;
    this.snap = {
      meta: { index, term, conf: copyConf(this.appliedConf) },
      keys: this.appliedKeys.slice(),
      chain: this.appliedChain,
    };
    this.log = this.log.slice(drop);
    this.chains = this.chains.slice(drop);
    return true;
  }
}
