/**
 * The Raft tables, kept in the revision log's own SQLite file so that applying an entry,
 * the rows it produces and the applied index commit in one transaction.
 *
 * - `raft_entry`: the log from the compaction point on (row id = Raft index).
 * - `raft_state`: named JSON values — `hard` (term, vote, commit), `snapshot` (the
 *   compaction point: index, term, membership), `applied`, `conf` and `members`
 *   (membership as of `applied`, and each member's peer address), `id` (this member).
 * - `raft_conf_history`: membership after each applied change, so the membership as of
 *   any compaction point is known.
 * - `raft_request_batch`: ids of the proposals applied within the last `requestWindow`
 *   entries, one row per applied batch (its last index, and its ids with their indexes).
 *   A member proposes again what it fears was lost with a leader; the copy that comes
 *   second changes nothing, on every member alike, since the table is part of the state.
 *
 * `applied`, `conf`, `members`, the history and the request ids describe the state machine and travel
 * with a snapshot of the file; `hard`, `snapshot`, `id` and the entries are this
 * member's own and never do.
 */
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../../util/sqlite.ts';
import type { ConfState, HardState, NodeId, SnapshotMeta } from '../raft/types.ts';

const schema = `
CREATE TABLE IF NOT EXISTS raft_entry (
  idx INTEGER PRIMARY KEY,
  term INTEGER NOT NULL,
  type INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS raft_state (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS raft_request_batch (
  idx INTEGER PRIMARY KEY,
  requests TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS raft_conf_history (
  idx INTEGER PRIMARY KEY,
  conf TEXT NOT NULL
);
`;

/** Member id → peer address (the context of the change that added it). */
export type Members = Record<NodeId, string>;

/** The state machine's side of the Raft tables: how far it applied, and who the members are. */
export interface AppliedState {
  applied: number;
  conf: ConfState;
  members: Members;
}

/** Entries for which an applied proposal's id is remembered. */
export const requestWindow = 20_000;

export const emptyConf = (): ConfState => ({ voters: [], learners: [] });

/** Creates the Raft tables when missing; idempotent. */
/** SQL that adds the ids of an earlier version's `raft_request` table (in `schema`) to main.raft_request_batch as one batch. */
export function carryOldRequests(schema: string): string {
  return `INSERT INTO main.raft_request_batch (idx, requests)
    SELECT max(idx), json_group_array(json_array(id, idx)) FROM (SELECT id, idx FROM ${schema}.raft_request ORDER BY idx) HAVING count(*) > 0`;
}

function ensureRaftTables(db: SqliteDatabase): void {
  db.exec(schema);
  // Files written before the ids were kept per batch: one batch of all their ids.
  const old = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'raft_request'`).get();
  if (old !== undefined) {
    db.transaction(() => {
      db.exec(`${carryOldRequests('main')}; DROP TABLE main.raft_request`);
    })();
  }
}

/** Typed access to `raft_state` and the membership history. */
export class RaftStateTable {
  readonly #get: Statement<[string], { value: string }>;
  readonly #put: Statement<[string, string]>;
  readonly #putHistory: Statement<[number, string]>;
  readonly #historyAt: Statement<[number], { conf: string }>;
  readonly #allHistory: Statement<[], { conf: string }>;

  constructor(db: SqliteDatabase) {
    ensureRaftTables(db);
    this.#get = db.prepare(`SELECT value FROM raft_state WHERE name = ?`);
    this.#put = db.prepare(`INSERT INTO raft_state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`);
    this.#putHistory = db.prepare(`INSERT OR REPLACE INTO raft_conf_history (idx, conf) VALUES (?, ?)`);
    this.#historyAt = db.prepare(`SELECT conf FROM raft_conf_history WHERE idx <= ? ORDER BY idx DESC LIMIT 1`);
    this.#allHistory = db.prepare(`SELECT conf FROM raft_conf_history`);
  }

  read<T>(name: string, fallback: T): T {
    const row = this.#get.get(name);
    return row === undefined ? fallback : (JSON.parse(row.value) as T);
  }

  write(name: string, value: unknown): void {
    this.#put.run(name, JSON.stringify(value));
  }

  hardState(): HardState {
    return this.read<HardState>('hard', { term: 0, vote: '', commit: 0 });
  }

  snapshot(): SnapshotMeta {
    return this.read<SnapshotMeta>('snapshot', { index: 0, term: 0, conf: emptyConf() });
  }

  applied(): AppliedState {
    return {
      applied: this.read<number>('applied', 0),
      conf: this.read<ConfState>('conf', emptyConf()),
      members: this.read<Members>('members', {}),
    };
  }

  /** Records the state machine's membership after applying a change at `index`. */
  writeMembership(index: number, conf: ConfState, members: Members): void {
    this.write('conf', conf);
    this.write('members', members);
    this.#putHistory.run(index, JSON.stringify(conf));
  }

  /** Every member any applied membership change ever named. */
  everMembers(): Set<NodeId> {
    const ids = new Set<NodeId>();
    for (const row of this.#allHistory.iterate()) {
      const conf = JSON.parse(row.conf) as ConfState;
      for (const id of [...conf.voters, ...conf.learners]) ids.add(id);
    }
    return ids;
  }

  /** Membership as of `index` (the newest change at or before it). */
  confAt(index: number): ConfState {
    const row = this.#historyAt.get(index);
    return row === undefined ? emptyConf() : (JSON.parse(row.conf) as ConfState);
  }
}

/**
 * The ids of the proposals applied within the window, in `raft_request_batch` and, for the
 * check made on every entry, in memory. Members apply in batches of their own, so their
 * rows differ; the ids and indexes in them, and so every decision, do not.
 */
export class AppliedRequests {
  readonly #all: Statement<[], { requests: string }>;
  readonly #insert: Statement<[number, string]>;
  readonly #forget: Statement<[number]>;
  /** Id → index applied at, in the order applied (empty until the first reload()). */
  #byId = new Map<string, number>();

  constructor(db: SqliteDatabase) {
    ensureRaftTables(db);
    this.#all = db.prepare(`SELECT requests FROM raft_request_batch ORDER BY idx`);
    this.#insert = db.prepare(`INSERT INTO raft_request_batch (idx, requests) VALUES (?, ?)`);
    this.#forget = db.prepare(`DELETE FROM raft_request_batch WHERE idx <= ?`);
  }

  /** Reads the ids back from the file (after a snapshot replaced the table). */
  reload(): void {
    this.#byId = new Map();
    for (const row of this.#all.iterate()) for (const [id, index] of JSON.parse(row.requests) as Array<[string, number]>) this.#set(id, index);
  }

  /**
   * Whether a proposal with this id was applied within the window before `index`. The
   * window is checked here, not left to pruning, so that members that prune at other
   * moments still decide alike.
   */
  seen(id: string, index: number): boolean {
    const applied = this.#byId.get(id);
    return applied !== undefined && applied > index - requestWindow;
  }

  /** Remembers the proposals of one applied batch, as [id, index] in index order. */
  remember(requests: Array<[string, number]>): void {
    const last = requests[requests.length - 1];
    if (last === undefined) return;
    this.#insert.run(last[1], JSON.stringify(requests));
    for (const [id, index] of requests) this.#set(id, index);
  }

  /** Drops the batches that end at or before `index` (outside every later window). */
  forgetBefore(index: number): void {
    this.#forget.run(index);
    for (const [id, applied] of this.#byId) {
      if (applied > index) break;
      this.#byId.delete(id);
    }
  }

  #set(id: string, index: number): void {
    // Re-inserted, so the map stays in the order applied.
    this.#byId.delete(id);
    this.#byId.set(id, index);
  }
}
