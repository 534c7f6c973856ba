/**
 * Raft's stable storage in SQLite: the log, the hard state and the compaction point.
 * Raft reads it through the Storage interface; the driver records a Ready's worth of it
 * (`persist`) in a transaction that it syncs before any message of that Ready leaves.
 * New entries are held in memory until `flush`, just before that transaction commits, so
 * that a member with nobody to send them to (the only voter, no learners) can compact
 * them away as soon as they are applied, and never writes them twice: once in the log,
 * and once as the state they produced.
 * The terms of the kept entries are mirrored in memory, since Raft asks for them often.
 */
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../../util/sqlite.ts';
import {
  CompactedIndexError,
  UnavailableIndexError,
  type ConfState,
  type Entry,
  type EntryType,
  type HardState,
  type SnapshotMeta,
  type Storage,
} from '../raft/types.ts';
import { RaftStateTable } from './raft-state.ts';

interface EntryRow {
  idx: number;
  term: number;
  type: number;
  data: Buffer;
}

/** Newest entries kept in memory. */
const recentEntries = 512;

const typeCode: Record<EntryType, number> = { normal: 0, 'conf-change': 1 };

const toEntry = (row: EntryRow): Entry => ({
  index: row.idx,
  term: row.term,
  type: row.type === 1 ? 'conf-change' : 'normal',
  data: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength),
});

function* asEntries(rows: Iterable<EntryRow>): Generator<Entry> {
  for (const row of rows) yield toEntry(row);
}

export class SqliteRaftStorage implements Storage {
  readonly #db: SqliteDatabase;
  readonly state: RaftStateTable;
  readonly #range: Statement<[number, number], EntryRow>;
  readonly #insert: Statement<[number, number, number, Uint8Array]>;
  readonly #truncateFrom: Statement<[number]>;
  readonly #dropThrough: Statement<[number]>;
  #synchronous: 'FULL' | 'NORMAL' | '' = '';
  #hard: HardState;
  #snapshot: SnapshotMeta;
  /** Terms of entries firstIndex()..lastIndex(), in order. */
  #terms: number[];
  /**
   * The newest entries, contiguous up to lastIndex(): what Raft reads back to apply and
   * to send to members that keep up, without a trip to SQLite. Always holds every entry
   * not yet written.
   */
  #recent: Entry[] = [];
  /** The first index not yet written to the table (lastIndex() + 1 when all are). */
  #unwritten: number;

  readonly #entryData: (entry: Entry) => Uint8Array;

  /** `entryData` gives the bytes to write for an entry (default: its data as it is). */
  constructor(db: SqliteDatabase, entryData: (entry: Entry) => Uint8Array = (entry) => entry.data) {
    this.#db = db;
    this.#entryData = entryData;
    this.state = new RaftStateTable(db);
    this.#range = db.prepare(`SELECT idx, term, type, data FROM raft_entry WHERE idx >= ? AND idx < ? ORDER BY idx`);
    this.#insert = db.prepare(`INSERT OR REPLACE INTO raft_entry (idx, term, type, data) VALUES (?, ?, ?, ?)`);
    this.#truncateFrom = db.prepare(`DELETE FROM raft_entry WHERE idx >= ?`);
    this.#dropThrough = db.prepare(`DELETE FROM raft_entry WHERE idx <= ?`);
    this.#hard = this.state.hardState();
    this.#snapshot = this.state.snapshot();
    this.#terms = (db.prepare(`SELECT term FROM raft_entry WHERE idx > ? ORDER BY idx`).all(this.#snapshot.index) as Array<{ term: number }>).map(
      (row) => row.term,
    );
    this.#unwritten = this.lastIndex() + 1;
  }

  /** Whether this file has never held Raft state (a new member). */
  get empty(): boolean {
    return this.#hard.term === 0 && this.#snapshot.index === 0 && this.#terms.length === 0;
  }

  initialState(): { hardState: HardState; conf: ConfState } {
    return { hardState: { ...this.#hard }, conf: this.state.applied().conf };
  }

  entries(lo: number, hi: number, maxBytes = Number.POSITIVE_INFINITY): Entry[] {
    if (lo < this.firstIndex()) throw new CompactedIndexError(lo, this.firstIndex());
    if (hi > this.lastIndex() + 1) throw new UnavailableIndexError(hi - 1, this.lastIndex());
    const cachedFrom = this.#recent[0]?.index ?? Number.POSITIVE_INFINITY;
    const source = lo >= cachedFrom ? this.#recent.slice(lo - cachedFrom, hi - cachedFrom) : asEntries(this.#range.iterate(lo, hi));
    const out: Entry[] = [];
    let bytes = 0;
    for (const entry of source) {
      bytes += entry.data.byteLength;
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(entry);
    }
    return out;
  }

  term(index: number): number {
    if (index === this.#snapshot.index) return this.#snapshot.term;
    if (index < this.#snapshot.index) throw new CompactedIndexError(index, this.firstIndex());
    const term = this.#terms[index - this.#snapshot.index - 1];
    if (term === undefined) throw new UnavailableIndexError(index, this.lastIndex());
    return term;
  }

  firstIndex(): number {
    return this.#snapshot.index + 1;
  }

  lastIndex(): number {
    return this.#snapshot.index + this.#terms.length;
  }

  snapshot(): SnapshotMeta {
    return { index: this.#snapshot.index, term: this.#snapshot.term, conf: structuredClone(this.#snapshot.conf) };
  }

  /**
   * Records what a Ready asks to be durable, in the caller's transaction, whose commit
   * the caller syncs when mustSync() says so: a received snapshot (the log before it is
   * dropped), new entries (replacing a conflicting suffix), the hard state. `within` runs
   * in the same transaction (installing a snapshot's data). The entries reach the table
   * at `flush`, which the caller must call before it commits.
   */
  persist(hardState: HardState | undefined, entries: readonly Entry[], snapshot: SnapshotMeta | undefined, within?: () => void): void {
    if (hardState === undefined && entries.length === 0 && snapshot === undefined) return;
    const first = entries[0];
    const base = snapshot?.index ?? this.#snapshot.index;
    if (first !== undefined) {
      if (first.index <= base) throw new Error(`Cannot append entries from index ${first.index}: the log is compacted through ${base}`);
      const last = snapshot === undefined ? this.lastIndex() : base;
      if (first.index > last + 1) throw new Error(`Cannot append entries from index ${first.index}: the log ends at ${last}`);
    }
    // Rows from the first new entry on are replaced: drop those already written.
    const replaceFrom = first !== undefined && snapshot === undefined && first.index < this.#unwritten ? first.index : undefined;
    this.#inTransaction('persist');
    if (snapshot !== undefined) {
      this.#truncateFrom.run(0);
      this.state.write('snapshot', snapshot);
      within?.();
    }
    if (replaceFrom !== undefined) this.#truncateFrom.run(replaceFrom);
    if (hardState !== undefined) this.state.write('hard', hardState);
    if (snapshot !== undefined) {
      this.#snapshot = structuredClone(snapshot);
      this.#terms = [];
      this.#recent = [];
      this.#unwritten = snapshot.index + 1;
    }
    if (first !== undefined) {
      this.#terms.length = first.index - this.#snapshot.index - 1;
      for (const entry of entries) this.#terms.push(entry.term);
      this.#unwritten = Math.min(this.#unwritten, first.index);
      this.#remember(entries);
    }
    if (hardState !== undefined) this.#hard = { ...hardState };
  }

  /**
   * Writes the entries persist() recorded, in the caller's transaction, just before it
   * commits. With `compactThrough` (the applied index, on a member nobody needs entries
   * from) the log is first compacted through it, so applied entries are never written.
   */
  flush(compactThrough?: { index: number; conf: ConfState }): void {
    if (compactThrough !== undefined) this.compact(compactThrough.index, compactThrough.conf);
    const last = this.lastIndex();
    if (this.#unwritten > last) return;
    const cachedFrom = this.#recent[0]?.index ?? Number.POSITIVE_INFINITY;
    if (this.#unwritten < cachedFrom) throw new Error(`Cannot write Raft entries from index ${this.#unwritten}: only those from ${cachedFrom} are held`);
    for (const entry of this.#recent.slice(this.#unwritten - cachedFrom)) this.#insert.run(entry.index, entry.term, typeCode[entry.type], this.#entryData(entry));
    this.#unwritten = last + 1;
  }

  /**
   * Whether a Ready's writes must be synced before its messages leave. A moved commit
   * index alone need not be (as in etcd): after a crash it is learned again from the
   * leader, and nothing acknowledged depends on it being on disk.
   */
  mustSync(hardState: HardState | undefined, entries: readonly Entry[], snapshot: SnapshotMeta | undefined): boolean {
    const voteMoved = hardState !== undefined && (hardState.term !== this.#hard.term || hardState.vote !== this.#hard.vote);
    return entries.length > 0 || snapshot !== undefined || voteMoved;
  }

  /** Whether the next commits on this connection are synced (FULL) or not (NORMAL, still atomic). */
  synchronous(full: boolean): void {
    const mode = full ? 'FULL' : 'NORMAL';
    if (this.#synchronous === mode) return;
    this.#db.pragma(`synchronous = ${mode}`);
    this.#synchronous = mode;
  }

  /**
   * Drops the entries through `index` (already applied): the compaction point becomes
   * that index with its term and the membership as of then, in the caller's transaction.
   * Need not be synced: losing it in a crash only means the entries are dropped again later.
   */
  compact(index: number, conf: ConfState): void {
    if (index <= this.#snapshot.index) return;
    const meta: SnapshotMeta = { index, term: this.term(index), conf };
    this.#inTransaction('compact');
    if (this.#unwritten > this.#snapshot.index + 1) this.#dropThrough.run(index);
    this.state.write('snapshot', meta);
    this.#terms.splice(0, index - this.#snapshot.index);
    this.#snapshot = meta;
    this.#unwritten = Math.max(this.#unwritten, index + 1);
    const cachedFrom = this.#recent[0]?.index;
    if (cachedFrom !== undefined && cachedFrom <= index) this.#recent.splice(0, Math.min(this.#recent.length, index - cachedFrom + 1));
  }

  /** Writes here are part of the caller's transaction, which commits them (or rolls them back) together. */
  #inTransaction(what: string): void {
    if (!this.#db.inTransaction) throw new Error(`Cannot ${what} Raft storage outside a transaction`);
  }

  #remember(entries: readonly Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    const cachedFrom = this.#recent[0]?.index;
    // Keep the cache contiguous: drop a replaced suffix, or everything if there is a gap.
    if (cachedFrom === undefined || first.index < cachedFrom || first.index > cachedFrom + this.#recent.length) this.#recent = [];
    else this.#recent.length = first.index - cachedFrom;
    for (const entry of entries) this.#recent.push(entry);
    // Entries not yet written stay, however many.
    const keep = Math.max(recentEntries, this.lastIndex() + 1 - this.#unwritten);
    if (this.#recent.length > keep) this.#recent.splice(0, this.#recent.length - keep);
  }
}
