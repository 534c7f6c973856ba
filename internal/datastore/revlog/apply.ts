/**
 * The deterministic apply function: turns one command into rows of the revision log
 * within the caller's SQLite transaction. Revisions are assigned here, one per write,
 * counting up from the log's head; nothing here reads the clock or any state outside
 * the database and the command.
 */
import type { Statement } from 'better-sqlite3';
import type { Command, CommandResult } from '../command.ts';
import { CompactedError, FutureRevisionError, InvalidArgumentError, LeaseNotFoundError } from '../errors.ts';
import { encodeKey, prefixRange } from '../keys.ts';
import type { Compare, KeyValue, Lease, Op, OpResult, TxnRequest, TxnResponse } from '../types.ts';
import type { SqliteDatabase } from '../../util/sqlite.ts';
import { kvColumns, toKeyValue, type KvRow } from './rows.ts';

export class Applier {
  readonly #db: SqliteDatabase;
  readonly #latestRow: Statement<[Buffer], KvRow>;
  readonly #liveInRange: Statement<[Buffer, Buffer], KvRow>;
  readonly #liveFrom: Statement<[Buffer], KvRow>;
  readonly #insert: Statement<[number, Buffer, number, number, number, number, number, Uint8Array | null]>;
  readonly #head: Statement<[], { seq: number }>;
  readonly #getMeta: Statement<[string], { value: number }>;
  readonly #setMeta: Statement<[number, string]>;
  readonly #leaseById: Statement<[number], { id: number; ttl_seconds: number; expires_at: number }>;
  readonly #insertLease: Statement<[number, number, number]>;
  readonly #updateLease: Statement<[number, number]>;
  readonly #deleteLease: Statement<[number]>;
  readonly #expiredLeases: Statement<[number], { id: number }>;
  readonly #keysOfLease: Statement<[number], KvRow>;
  /** The revision of the last row written; valid only while applying a batch. */
  #head_ = 0;
  /**
   * Newest row of each key read by the transaction being applied (null: no row), so that
   * a compare and a write on the same key read it once; emptied by every write.
   */
  readonly #read = new Map<string, KvRow | null>();

  constructor(db: SqliteDatabase) {
    this.#db = db;
    // `+?`: the same value and plan, but SQLite (built with STAT4) does not compile the
    // statement again on every new binding, as it does for a bare `?` here (4x the cost).
    this.#latestRow = db.prepare(`SELECT ${kvColumns} FROM kv WHERE key = +? ORDER BY revision DESC LIMIT 1`);
    const liveLatest = `SELECT ${kvColumns} FROM kv WHERE revision IN (
      SELECT max(revision) FROM kv WHERE key >= ? %END% GROUP BY key) AND deleted = 0 ORDER BY key`;
    this.#liveInRange = db.prepare(liveLatest.replace('%END%', 'AND key < ?'));
    this.#liveFrom = db.prepare(liveLatest.replace('%END%', ''));
    this.#insert = db.prepare(
      `INSERT INTO kv (revision, key, deleted, create_revision, prev_revision, version, lease, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#head = db.prepare(`SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'kv'), 0) AS seq`);
    this.#getMeta = db.prepare(`SELECT value FROM meta WHERE name = ?`);
    this.#setMeta = db.prepare(`UPDATE meta SET value = ? WHERE name = ?`);
    this.#leaseById = db.prepare(`SELECT id, ttl_seconds, expires_at FROM lease WHERE id = ?`);
    this.#insertLease = db.prepare(`INSERT INTO lease (id, ttl_seconds, expires_at) VALUES (?, ?, ?)`);
    this.#updateLease = db.prepare(`UPDATE lease SET expires_at = ? WHERE id = ?`);
    this.#deleteLease = db.prepare(`DELETE FROM lease WHERE id = ?`);
    this.#expiredLeases = db.prepare(`SELECT id FROM lease WHERE expires_at <= ? ORDER BY id`);
    this.#keysOfLease = db.prepare(
      `SELECT ${kvColumns} FROM kv k WHERE lease = ? AND deleted = 0
       AND NOT EXISTS (SELECT 1 FROM kv n WHERE n.key = k.key AND n.prev_revision = k.revision) ORDER BY key`,
    );
  }

  /** Reads the log's head from the database; call at the start of each batch. */
  loadHead(): number {
    this.#head_ = this.#head.get()?.seq ?? 0;
    return this.#head_;
  }

  get head(): number {
    return this.#head_;
  }

  apply(command: Command): CommandResult {
    switch (command.type) {
      case 'txn':
        return { type: 'txn', response: this.#txn(command.txn) };
      case 'compact':
        return { type: 'compact', compactRevision: this.#compact(command.revision) };
      case 'lease-grant':
        return { type: 'lease', lease: this.#grant(command.ttlSeconds, command.now) };
      case 'lease-keepalive':
        return { type: 'lease', lease: this.#keepAlive(command.id, command.now) };
      case 'lease-revoke':
        if (this.#leaseById.get(command.id) === undefined) throw new LeaseNotFoundError(command.id);
        this.#revoke(command.id);
        return { type: 'lease-revoke', revision: this.#head_ };
      case 'lease-expire': {
        const revoked = this.#expiredLeases.all(command.now).map((row) => row.id);
        for (const id of revoked) this.#revoke(id);
        return { type: 'lease-expire', revoked, revision: this.#head_ };
      }
    }
  }

  #txn(txn: TxnRequest): TxnResponse {
    try {
      const succeeded = txn.compare.every((compare) => this.#holds(compare));
      const ops = succeeded ? txn.success : txn.failure;
      const results = ops.map((op) => this.#op(op));
      return { succeeded, revision: this.#head_, results };
    } finally {
      this.#read.clear();
    }
  }

  /** The newest row of `key` (a tombstone included), or null when it has none. */
  #latest(key: string): KvRow | null {
    const known = this.#read.get(key);
    if (known !== undefined) return known;
    const row = this.#latestRow.get(encodeKey(key)) ?? null;
    this.#read.set(key, row);
    return row;
  }

  #holds(compare: Compare): boolean {
    const row = this.#latest(compare.key);
    const live = row === null || row.deleted === 1 ? null : row;
    if (compare.target === 'value') {
      if (live === null || !(compare.value instanceof Uint8Array)) return false;
      return compareResult(Buffer.compare(Buffer.from(live.value ?? new Uint8Array(0)), Buffer.from(compare.value)), compare.result);
    }
    if (typeof compare.value !== 'number') {
      throw new InvalidArgumentError(`Cannot compare ${compare.target} of ${JSON.stringify(compare.key)} with a byte value`);
    }
    const actual =
      live === null
        ? 0
        : compare.target === 'mod'
          ? live.revision
          : compare.target === 'create'
            ? live.create_revision
            : compare.target === 'version'
              ? live.version
              : live.lease;
    return compareResult(actual - compare.value, compare.result);
  }

  #op(op: Op): OpResult {
    switch (op.type) {
      case 'get': {
        const row = this.#latest(op.key);
        return { type: 'get', kv: row === null || row.deleted === 1 ? null : toKeyValue(row) };
      }
      case 'put':
        return this.#put(op.key, op.value, op.lease ?? 0);
      case 'delete': {
        const rows = op.prefix ? this.#liveWithPrefix(op.key) : [this.#latest(op.key)];
        const deleted: KeyValue[] = [];
        for (const row of rows) {
          if (row === null || row.deleted === 1) continue;
          this.#tombstone(row);
          deleted.push(toKeyValue(row));
        }
        return { type: 'delete', revision: this.#head_, deleted };
      }
    }
  }

  #put(key: string, value: Uint8Array, lease: number): OpResult {
    if (lease !== 0 && this.#leaseById.get(lease) === undefined) throw new LeaseNotFoundError(lease);
    const current = this.#latest(key);
    this.#read.clear();
    const encoded = encodeKey(key);
    const revision = this.#head_ + 1;
    const live = current !== null && current.deleted === 0 ? current : null;
    this.#insert.run(
      revision,
      encoded,
      0,
      live ? live.create_revision : revision,
      current ? current.revision : 0,
      live ? live.version + 1 : 1,
      lease,
      value,
    );
    this.#head_ = revision;
    return { type: 'put', revision, prevKv: live ? toKeyValue(live) : null };
  }

  #tombstone(row: KvRow): void {
    this.#read.clear();
    const revision = this.#head_ + 1;
    this.#insert.run(revision, row.key, 1, row.create_revision, row.revision, 0, 0, null);
    this.#head_ = revision;
  }

  #liveWithPrefix(prefix: string): KvRow[] {
    const { start, end } = prefixRange(prefix);
    return end === null ? this.#liveFrom.all(start) : this.#liveInRange.all(start, end);
  }

  #compact(revision: number): number {
    const current = this.#getMeta.get('compact_revision')?.value ?? 0;
    if (!Number.isSafeInteger(revision) || revision < 0) {
      throw new InvalidArgumentError(`Cannot compact at revision ${revision}: it must be a non-negative integer`);
    }
    if (revision > this.#head_) throw new FutureRevisionError(revision, this.#head_);
    if (revision < current) throw new CompactedError(revision, current);
    this.#setMeta.run(revision, 'compact_revision');
    return revision;
  }

  #grant(ttlSeconds: number, now: number): Lease {
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
      throw new InvalidArgumentError(`Cannot grant a lease with TTL ${ttlSeconds}: it must be a positive number of seconds`);
    }
    // Ids come from a counter that never goes back, so a revoked lease's id is never reused.
    const id = (this.#getMeta.get('last_lease')?.value ?? 0) + 1;
    this.#setMeta.run(id, 'last_lease');
    const expiresAt = now + ttlSeconds * 1000;
    this.#insertLease.run(id, ttlSeconds, expiresAt);
    return { id, ttlSeconds, expiresAt };
  }

  #keepAlive(id: number, now: number): Lease {
    const lease = this.#leaseById.get(id);
    if (lease === undefined) throw new LeaseNotFoundError(id);
    const expiresAt = now + lease.ttl_seconds * 1000;
    this.#updateLease.run(expiresAt, id);
    return { id, ttlSeconds: lease.ttl_seconds, expiresAt };
  }

  #revoke(id: number): void {
    for (const row of this.#keysOfLease.all(id)) this.#tombstone(row);
    this.#deleteLease.run(id);
  }

  /** Runs `fn` in a savepoint nested in the caller's transaction. */
  nested<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }
}

function compareResult(difference: number, result: Compare['result']): boolean {
  switch (result) {
    case '=':
      return difference === 0;
    case '!=':
      return difference !== 0;
    case '<':
      return difference < 0;
    case '>':
      return difference > 0;
  }
}
