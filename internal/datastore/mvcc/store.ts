/**
 * The MVCC store: etcd-like verbs over the revision log. Writes become commands
 * handed to a Proposer (group commit on one node; Raft later), reads go straight to
 * the log, watches to the process's one log follower. It also runs the two
 * maintenance loops: lease expiry and automatic compaction.
 */
import type { Command, CommandResult, Proposer } from '../command.ts';
import { ClosedError, InvalidArgumentError, KeyExistsError } from '../errors.ts';
import { RevLog } from '../revlog/revlog.ts';
import type {
  Backend,
  DeleteResult,
  GetResult,
  Lease,
  RangeOptions,
  RangeResult,
  TxnRequest,
  TxnResponse,
  UpdateResult,
  WatchOptions,
  Watcher,
} from '../types.ts';
import { GroupCommitProposer } from './group-commit.ts';
import { WatchHub, type WatchHubOptions } from './watch-hub.ts';

/**
 * How writes reach the revision log and how reads are made linearizable: group commit on
 * a lone store, Raft (internal/datastore/replicated) in a cluster, even of one server.
 */
export interface WritePath extends Proposer {
  /** Resolves once local reads see every write acknowledged anywhere before the call. */
  linearize(): Promise<void>;
  /** Whether this member runs the cluster-wide loops (lease expiry, compaction proposals). */
  leads(): boolean;
  /** Applies or fails what is pending, then refuses new proposals. */
  close(): Promise<void>;
}

/** Builds the write path; `notify` must be called after every commit to the log. */
export type WritePathFactory = (notify: () => void) => WritePath;

export interface StoreOptions {
  /** Path of the SQLite file (created if missing). */
  file: string;
  /** How often compaction runs, in ms (default 5 minutes; 0 turns it off). */
  compactIntervalMs?: number;
  /** Revisions of history kept by automatic compaction (default 1,000). */
  compactWindow?: number;
  /** Rows deleted per short transaction while reclaiming compacted history (default 500). */
  sweepBatch?: number;
  /** How often expired leases are looked for, in ms (default 1 s; 0 turns it off). */
  leaseCheckIntervalMs?: number;
  /** Wall clock in ms; injected for tests. */
  now?: () => number;
  /** Most commands committed in one transaction (default 1,000). */
  maxBatch?: number;
  watch?: WatchHubOptions;
  /** Run SQLite's full integrity check at open instead of the quick one. */
  fullCheck?: boolean;
  /** Where failures of the background loops are reported (default: process warnings). */
  warn?: (message: string) => void;
}

/** The options that concern the store over a log, not the opening of its file. */
export type LogStoreOptions = Omit<StoreOptions, 'file' | 'fullCheck' | 'maxBatch'>;

export class MvccStore implements Backend {
  readonly #log: RevLog;
  readonly #hub: WatchHub;
  readonly #writes: WritePath;
  readonly #now: () => number;
  readonly #warn: (message: string) => void;
  readonly #compactWindow: number;
  readonly #sweepBatch: number;
  readonly #timers: NodeJS.Timeout[] = [];
  #maintenance: Promise<void> | null = null;
  #closed = false;

  private constructor(log: RevLog, options: LogStoreOptions, writePath: WritePathFactory) {
    this.#log = log;
    this.#hub = new WatchHub(log, options.watch);
    this.#writes = writePath(() => this.#hub.notify());
    this.#now = options.now ?? Date.now;
    this.#warn = options.warn ?? ((message) => process.emitWarning(message));
    this.#compactWindow = options.compactWindow ?? 1000;
    this.#sweepBatch = options.sweepBatch ?? 500;
    if (!Number.isSafeInteger(this.#compactWindow) || this.#compactWindow < 0) {
      throw new InvalidArgumentError(`Cannot keep a compaction window of ${this.#compactWindow} revisions: it must be a non-negative integer`);
    }
    const compactEvery = options.compactIntervalMs ?? 5 * 60_000;
    if (compactEvery > 0) this.#every(compactEvery, () => this.#autoCompact());
    const leaseEvery = options.leaseCheckIntervalMs ?? 1000;
    if (leaseEvery > 0) this.#every(leaseEvery, () => this.expireLeases());
  }

  /** Opens the store on a single node: commands are applied locally with group commit. */
  static open(options: StoreOptions): MvccStore {
    const log = RevLog.open(options.file, { fullCheck: options.fullCheck ?? false });
    return new MvccStore(log, options, (notify) => new GroupCommitProposer(log, { maxBatch: options.maxBatch ?? 1000, onCommit: notify }));
  }

  /** Opens the store over an already open log whose writes go through `writePath` (Raft). */
  static withWritePath(log: RevLog, options: LogStoreOptions, writePath: WritePathFactory): MvccStore {
    return new MvccStore(log, options, writePath);
  }

  get file(): string {
    return this.#log.file;
  }

  async currentRevision(): Promise<number> {
    this.#assertOpen();
    // Linearizable like every read: a member behind the leader first catches up.
    await this.#linearize();
    return this.#log.head;
  }

  async compactRevision(): Promise<number> {
    this.#assertOpen();
    return this.#log.compactRevision;
  }

  async get(key: string, options: { revision?: number } = {}): Promise<GetResult> {
    if (!options.revision) await this.#linearize();
    return this.#log.get(key, options.revision);
  }

  async range(options: RangeOptions): Promise<RangeResult> {
    if (!options.revision) await this.#linearize();
    return this.#log.range(options);
  }

  async txn(request: TxnRequest): Promise<TxnResponse> {
    const result = await this.#propose({ type: 'txn', txn: request });
    if (result.type !== 'txn') throw unexpected('txn', result);
    return result.response;
  }

  async create(key: string, value: Uint8Array, options: { lease?: number } = {}): Promise<number> {
    const response = await this.txn({
      compare: [{ key, target: 'mod', result: '=', value: 0 }],
      success: [{ type: 'put', key, value, lease: options.lease ?? 0 }],
      failure: [],
    });
    const put = response.results[0];
    if (!response.succeeded || put?.type !== 'put') throw new KeyExistsError(key);
    return put.revision;
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number, options: { lease?: number } = {}): Promise<UpdateResult> {
    const lease = options.lease ?? 0;
    const response = await this.txn({
      compare: [{ key, target: 'mod', result: '=', value: expectedModRevision }],
      success: [{ type: 'put', key, value, lease }],
      failure: [{ type: 'get', key }],
    });
    const result = response.results[0];
    if (response.succeeded && result?.type === 'put') {
      const prev = result.prevKv;
      return {
        succeeded: true,
        revision: result.revision,
        kv: {
          key,
          value,
          createRevision: prev ? prev.createRevision : result.revision,
          modRevision: result.revision,
          version: prev ? prev.version + 1 : 1,
          lease,
        },
      };
    }
    return { succeeded: false, revision: response.revision, kv: result?.type === 'get' ? result.kv : null };
  }

  async delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    const response = await this.txn({
      compare: expectedModRevision === undefined ? [] : [{ key, target: 'mod', result: '=', value: expectedModRevision }],
      success: [{ type: 'delete', key }],
      failure: [{ type: 'get', key }],
    });
    const result = response.results[0];
    if (result?.type === 'delete') {
      const deleted = result.deleted[0] ?? null;
      return { succeeded: deleted !== null, revision: response.revision, kv: deleted };
    }
    return { succeeded: false, revision: response.revision, kv: result?.type === 'get' ? result.kv : null };
  }

  watch(options: WatchOptions): Watcher {
    return this.#hub.watch(options);
  }

  /** Compacts history before `revision`, then reclaims the space in the background. */
  async compact(revision: number): Promise<void> {
    const result = await this.#propose({ type: 'compact', revision });
    if (result.type !== 'compact') throw unexpected('compact', result);
    this.maintain().catch((error: unknown) => this.#warn(`reclaiming compacted history of ${this.file} failed: ${String(error)}`));
  }

  async grantLease(ttlSeconds: number): Promise<Lease> {
    const result = await this.#propose({ type: 'lease-grant', ttlSeconds, now: this.#now() });
    if (result.type !== 'lease') throw unexpected('lease-grant', result);
    return result.lease;
  }

  async keepAliveLease(id: number): Promise<Lease> {
    const result = await this.#propose({ type: 'lease-keepalive', id, now: this.#now() });
    if (result.type !== 'lease') throw unexpected('lease-keepalive', result);
    return result.lease;
  }

  async revokeLease(id: number): Promise<void> {
    const result = await this.#propose({ type: 'lease-revoke', id });
    if (result.type !== 'lease-revoke') throw unexpected('lease-revoke', result);
  }

  /** Revokes every lease that has expired by now, deleting its keys; returns their ids. */
  async expireLeases(): Promise<number[]> {
    if (this.#closed || !this.#writes.leads()) return [];
    const next = this.#log.nextLeaseExpiry();
    if (next === null || next > this.#now()) return [];
    const result = await this.#propose({ type: 'lease-expire', now: this.#now() });
    if (result.type !== 'lease-expire') throw unexpected('lease-expire', result);
    return result.revoked;
  }

  /**
   * Deletes the rows compaction made unreachable, a few hundred per transaction so
   * writers are never held up for long, then returns free pages to the file system.
   * Concurrent calls share one run.
   */
  maintain(): Promise<void> {
    if (this.#maintenance !== null) return this.#maintenance;
    const run = async (): Promise<void> => {
      while (!this.#closed) {
        const { done } = this.#log.sweep(this.#sweepBatch);
        if (done) break;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (!this.#closed) this.#log.reclaimSpace();
    };
    this.#maintenance = run().finally(() => {
      this.#maintenance = null;
    });
    return this.#maintenance;
  }

  /** Transactions committed and commands applied since open (for metrics and tests). */
  get commitStats(): { batches: number; commands: number } {
    return { ...this.#log.stats };
  }

  /** Number of watchers receiving live events (for metrics and tests). */
  get liveWatchers(): number {
    return this.#hub.watcherCount;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    for (const timer of this.#timers) clearInterval(timer);
    this.#closed = true;
    await this.#writes.close();
    // Its failure, if any, was reported where it was started.
    await this.#maintenance?.catch(() => undefined);
    this.#hub.close();
    this.#log.close();
  }

  async #autoCompact(): Promise<void> {
    const target = this.#log.head - this.#compactWindow;
    if (target > this.#log.compactRevision && this.#writes.leads()) await this.compact(target);
    await this.maintain();
  }

  #every(intervalMs: number, task: () => Promise<unknown>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running || this.#closed) return;
      running = true;
      task()
        .catch((error: unknown) => {
          if (!(error instanceof ClosedError)) this.#warn(`datastore maintenance of ${this.file} failed: ${String(error)}`);
        })
        .finally(() => {
          running = false;
        });
    }, intervalMs);
    timer.unref();
    this.#timers.push(timer);
  }

  #propose(command: Command): Promise<CommandResult> {
    if (this.#closed) return Promise.reject(new ClosedError());
    return this.#writes.propose(command);
  }

  #linearize(): Promise<void> {
    if (this.#closed) return Promise.reject(new ClosedError());
    return this.#writes.linearize();
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError();
  }

  /** Writes a consistent copy of the whole datastore to `file` while writes continue (see RevLog.backupTo). */
  async backupTo(file: string): Promise<void> {
    this.#assertOpen();
    await this.#log.backupTo(file);
  }
}

function unexpected(command: string, result: CommandResult): Error {
  return new Error(`the ${command} command returned a ${result.type} result`);
}

