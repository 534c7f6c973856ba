/**
 * The SQLite revision log: one append-only table whose row id is the global revision.
 * It applies batches of commands in one transaction (one fsync for the whole batch),
 * answers reads at any revision since the compaction point, reads the log in order
 * for watchers, and reclaims the rows that compaction made unreachable.
 */
import type { Statement } from 'better-sqlite3';
import type { Command, CommandResult } from '../command.ts';
import { ClosedError, CompactedError, DatastoreError, FutureRevisionError, InvalidArgumentError } from '../errors.ts';
import { encodeKey, prefixRange } from '../keys.ts';
import type { GetResult, RangeOptions, RangeResult, WatchEvent } from '../types.ts';
import type { SqliteDatabase } from '../../util/sqlite.ts';
import { Applier } from './apply.ts';
import { eventColumns, kvColumns, toKeyValue, toWatchEvent, type EventRow, type KvRow } from './rows.ts';
import { openRevlogFile, type OpenOptions } from './schema.ts';

export type ApplyOutcome = { ok: true; result: CommandResult } | { ok: false; error: DatastoreError };

/** Which keys a log read selects: one key, or every key in [start, end) (end null: unbounded). */
export interface KeyFilter {
  start: Buffer;
  end: Buffer | null;
}

export function keyFilter(key: string, prefix: boolean): KeyFilter {
  if (prefix) return prefixRange(key);
  const start = encodeKey(key);
  return { start, end: Buffer.concat([start, Buffer.from([0])]) };
}

export class RevLog {
  readonly file: string;
  readonly #db: SqliteDatabase;
  readonly #applier: Applier;
  readonly #getAt: Statement<[Buffer, number], KvRow>;
  readonly #rangeStmts = new Map<string, Statement<unknown[], KvRow>>();
  readonly #countStmts = new Map<string, Statement<unknown[], { n: number }>>();
  readonly #afterStmts = new Map<string, Statement<unknown[], EventRow>>();
  readonly #sweepCandidates: Statement<[number, number, number], { revision: number; prev_revision: number; deleted: number }>;
  readonly #deleteRow: Statement<[number]>;
  readonly #getMeta: Statement<[string], { value: number }>;
  readonly #setMeta: Statement<[number, string]>;
  readonly #nextExpiry: Statement<[], { expires_at: number | null }>;
  #head: number;
  #compactRevision: number;
  #closed = false;
  /** Committed transactions and the commands in them, since open. */
  readonly stats = { batches: 0, commands: 0 };

  private constructor(file: string, db: SqliteDatabase) {
    this.file = file;
    this.#db = db;
    this.#applier = new Applier(db);
    // `+?` instead of `?` in statements read on every request: the same value and plan,
    // but SQLite (built with STAT4) then does not compile the statement again on every new
    // binding, which otherwise costs more than the read itself.
    this.#getAt = db.prepare(`SELECT ${kvColumns} FROM kv WHERE key = +? AND revision <= +? ORDER BY revision DESC LIMIT 1`);
    this.#sweepCandidates = db.prepare(
      `SELECT revision, prev_revision, deleted FROM kv WHERE revision > ? AND revision < ? ORDER BY revision LIMIT ?`,
    );
    this.#deleteRow = db.prepare(`DELETE FROM kv WHERE revision = ?`);
    this.#getMeta = db.prepare(`SELECT value FROM meta WHERE name = ?`);
    this.#setMeta = db.prepare(`UPDATE meta SET value = ? WHERE name = ?`);
    this.#nextExpiry = db.prepare(`SELECT min(expires_at) AS expires_at FROM lease`);
    this.#head = this.#applier.loadHead();
    this.#compactRevision = this.#meta('compact_revision');
  }

  /** Opens the log file; see openRevlogFile for the checks made. */
  static open(file: string, options: OpenOptions = {}): RevLog {
    return new RevLog(file, openRevlogFile(file, options));
  }

  /**
   * The connection itself, for the replicated store's own tables in the same file: its
   * Raft log and applied index then commit atomically with the rows they produce.
   */
  get database(): SqliteDatabase {
    this.#assertOpen();
    return this.#db;
  }

  /** Reloads the head and compact revision after the file's contents were replaced. */
  reload(): void {
    this.#head = this.#applier.loadHead();
    this.#compactRevision = this.#meta('compact_revision');
  }

  /** Revision of the newest row: the store's current revision. */
  get head(): number {
    return this.#head;
  }

  get compactRevision(): number {
    return this.#compactRevision;
  }

  /**
   * Applies the commands in order, in one transaction: one commit, one fsync. A command
   * that fails with a DatastoreError is rolled back alone and reported in its outcome;
   * any other error (disk full, I/O) rolls the whole batch back and is thrown. Called
   * within a transaction the caller opened, the batch is part of it (no savepoint of its
   * own): a thrown error leaves the caller to roll that transaction back.
   */
  applyBatch(commands: readonly Command[], within?: () => void): ApplyOutcome[] {
    this.#assertOpen();
    const body = (): ApplyOutcome[] => {
      this.#applier.loadHead();
      const outcomes = commands.map((command): ApplyOutcome => {
        const before = this.#applier.head;
        try {
          return { ok: true, result: this.#applier.nested(() => this.#applier.apply(command)) };
        } catch (error) {
          if (!(error instanceof DatastoreError)) throw error;
          this.#applier.loadHead();
          if (this.#applier.head !== before) throw new Error(`revision log head moved from ${before} to ${this.#applier.head} in a rolled-back command`);
          return { ok: false, error };
        }
      });
      // The replicated store records how far it applied the Raft log in this same
      // transaction, so a crash can never apply an entry twice or skip one.
      within?.();
      return outcomes;
    };
    try {
      const outcomes = this.#db.inTransaction ? body() : this.#db.transaction(body).immediate();
      this.stats.batches += 1;
      this.stats.commands += commands.length;
      this.#head = this.#applier.head;
      this.#compactRevision = this.#meta('compact_revision');
      return outcomes;
    } catch (error) {
      this.#head = this.#applier.loadHead();
      throw error;
    }
  }

  /** The key as of `revision` (default: now). */
  get(key: string, revision?: number): GetResult {
    const at = this.#readRevision(revision);
    const row = this.#getAt.get(encodeKey(key), at);
    return { revision: at, kv: row === undefined || row.deleted === 1 ? null : toKeyValue(row) };
  }

  range(options: RangeOptions): RangeResult {
    const at = this.#readRevision(options.revision);
    const { start, end } = prefixRange(options.prefix);
    const after = options.startAfter !== undefined ? encodeKey(options.startAfter) : null;
    const lower = after !== null && Buffer.compare(after, start) >= 0 ? 'key > ?' : 'key >= ?';
    const lowerValue = lower === 'key > ?' ? after : start;
    const where = `${lower}${end === null ? '' : ' AND key < ?'} AND revision <= ?`;
    const params: unknown[] = end === null ? [lowerValue, at] : [lowerValue, end, at];
    const latest = `SELECT max(revision) AS r FROM kv WHERE ${where} GROUP BY key`;
    if (options.countOnly) {
      const count = this.#count(latest, params);
      return { revision: at, kvs: [], more: false, count };
    }
    const limit = options.limit ?? 0;
    if (!Number.isSafeInteger(limit) || limit < 0) throw new InvalidArgumentError(`Cannot range with limit ${limit}: it must be a non-negative integer`);
    const sql = `SELECT ${kvColumns} FROM kv WHERE revision IN (${latest}) AND deleted = 0 ORDER BY key${limit > 0 ? ' LIMIT ?' : ''}`;
    let statement = this.#rangeStmts.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#rangeStmts.set(sql, statement);
    }
    const rows = limit > 0 ? statement.all(...params, limit + 1) : statement.all(...params);
    const more = limit > 0 && rows.length > limit;
    const kvs = (more ? rows.slice(0, limit) : rows).map(toKeyValue);
    const count = more ? this.#count(latest, params) : kvs.length;
    return { revision: at, kvs, more, count };
  }

  #count(latest: string, params: unknown[]): number {
    const sql = `SELECT count(*) AS n FROM kv WHERE revision IN (${latest}) AND deleted = 0`;
    let statement = this.#countStmts.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#countStmts.set(sql, statement);
    }
    return statement.get(...params)?.n ?? 0;
  }

  /**
   * Log rows with after < revision <= upTo selected by `filter`, oldest first, at most
   * `limit`, each with the value it replaced. Fails with CompactedError when rows after
   * `after` may already be gone.
   */
  readEvents(after: number, upTo: number, filter: KeyFilter | null, limit: number): WatchEvent[] {
    this.#assertOpen();
    if (after + 1 < this.#compactRevision) throw new CompactedError(after + 1, this.#compactRevision);
    const keyWhere = filter === null ? '' : filter.end === null ? ' AND c.key >= +?' : ' AND c.key >= +? AND c.key < +?';
    const sql = `SELECT ${eventColumns} FROM kv c LEFT JOIN kv p ON p.revision = c.prev_revision
      WHERE c.revision > +? AND c.revision <= +?${keyWhere} ORDER BY c.revision LIMIT ?`;
    let statement = this.#afterStmts.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#afterStmts.set(sql, statement);
    }
    const params: unknown[] = [after, upTo];
    if (filter !== null) {
      params.push(filter.start);
      if (filter.end !== null) params.push(filter.end);
    }
    params.push(limit);
    return statement.all(...params).map(toWatchEvent);
  }

  /** Wall-clock time of the next lease expiry, or null when no lease exists. */
  nextLeaseExpiry(): number | null {
    return this.#nextExpiry.get()?.expires_at ?? null;
  }

  /**
   * Deletes up to `maxRows` rows that compaction made unreachable, in one short
   * transaction; returns how many were deleted (0: nothing left to reclaim). A row
   * below the compact revision goes when a newer row for its key exists below the
   * compact revision too, or when it is a tombstone. Rows at or above the compact
   * revision, and the newest row of each key below it, stay: every read and watch
   * allowed after compaction still finds what it needs, previous values included.
   */
  sweep(maxRows: number): { deleted: number; done: boolean } {
    this.#assertOpen();
    const run = this.#db.transaction((): { deleted: number; done: boolean } => {
      const compact = this.#meta('compact_revision');
      const swept = this.#meta('swept_revision');
      if (swept + 1 >= compact) return { deleted: 0, done: true };
      const rows = this.#sweepCandidates.all(swept, compact, maxRows);
      let deleted = 0;
      for (const row of rows) {
        if (row.prev_revision !== 0) deleted += this.#deleteRow.run(row.prev_revision).changes;
        if (row.deleted === 1) deleted += this.#deleteRow.run(row.revision).changes;
      }
      const last = rows.at(-1);
      const done = rows.length < maxRows || last === undefined;
      this.#setMeta.run(done ? compact - 1 : last.revision, 'swept_revision');
      return { deleted, done };
    });
    return run.immediate();
  }

  /** Returns free pages to the file system and truncates the WAL. */
  reclaimSpace(): void {
    this.#assertOpen();
    this.#db.pragma('incremental_vacuum');
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Runs SQLite's integrity check; returns 'ok' or the problems found. */
  integrityCheck(): string {
    const rows = this.#db.pragma('integrity_check') as Array<Record<string, string>>;
    return rows.map((row) => Object.values(row)[0]).join('; ');
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  get closed(): boolean {
    return this.#closed;
  }

  #readRevision(revision: number | undefined): number {
    this.#assertOpen();
    if (revision === undefined || revision === 0) return this.#head;
    if (!Number.isSafeInteger(revision) || revision < 0) {
      throw new InvalidArgumentError(`Cannot read at revision ${revision}: it must be a non-negative integer`);
    }
    if (revision > this.#head) throw new FutureRevisionError(revision, this.#head);
    if (revision < this.#compactRevision) throw new CompactedError(revision, this.#compactRevision);
    return revision;
  }

  #meta(name: string): number {
    return this.#getMeta.get(name)?.value ?? 0;
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError();
  }

  /**
   * Copies the database to `file` with SQLite's online backup, a few pages per event-loop
   * turn: writes made meanwhile through this connection are carried into the copy, so it is
   * one consistent revision. The copy keeps this file's WAL journal mode.
   */
  async backupTo(file: string): Promise<void> {
    this.#assertOpen();
    await this.#db.backup(file);
  }
}
