/**
 * The data model and verbs of the datastore: an etcd-like, multi-version key-value
 * store whose history is a revision log. Keys are strings compared as UTF-8 bytes;
 * values are bytes.
 */

export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision of the write that created this incarnation of the key. */
  createRevision: number;
  /** Revision of the last write to the key. */
  modRevision: number;
  /** Writes since creation: 1 on create, +1 per update. */
  version: number;
  /** Lease the key is attached to, 0 for none. */
  lease: number;
}

export type CompareTarget = 'mod' | 'create' | 'version' | 'value' | 'lease';
export type CompareResult = '=' | '!=' | '<' | '>';

/**
 * A condition on the current state of one key. A missing key has mod, create,
 * version and lease 0; any comparison of the value of a missing key is false.
 */
export interface Compare {
  key: string;
  target: CompareTarget;
  result: CompareResult;
  value: number | Uint8Array;
}

export type Op =
  | { type: 'put'; key: string; value: Uint8Array; lease?: number }
  | { type: 'delete'; key: string; prefix?: boolean }
  | { type: 'get'; key: string };

export type OpResult =
  | { type: 'put'; revision: number; prevKv: KeyValue | null }
  | { type: 'delete'; revision: number; deleted: KeyValue[] }
  | { type: 'get'; kv: KeyValue | null };

/**
 * An atomic transaction: if every compare holds, the success ops run, else the
 * failure ops. Each write gets its own revision, consecutive, committed together.
 */
export interface TxnRequest {
  compare: Compare[];
  success: Op[];
  failure: Op[];
}

export interface TxnResponse {
  succeeded: boolean;
  /** The store's revision once the transaction applied. */
  revision: number;
  results: OpResult[];
}

export interface RangeOptions {
  /** Every key beginning with this prefix ('' for all keys). */
  prefix: string;
  /** Only keys strictly after this one: the continue point of a paginated list. */
  startAfter?: string;
  /** Read at this past revision; default the current one. */
  revision?: number;
  /** At most this many keys (0 or absent: no limit). */
  limit?: number;
  /** Return only the count, no keys. */
  countOnly?: boolean;
}

export interface RangeResult {
  /** The revision the range was read at. */
  revision: number;
  kvs: KeyValue[];
  /** Whether keys beyond the limit exist. */
  more: boolean;
  /** Number of keys in the range (after startAfter), regardless of limit. */
  count: number;
}

export interface GetResult {
  revision: number;
  kv: KeyValue | null;
}

export type WatchEventType = 'create' | 'update' | 'delete';

export interface WatchEvent {
  type: WatchEventType;
  /** The key after the event; for a delete, the key with an empty value at the delete's revision. */
  kv: KeyValue;
  /** The key before the event, for updates and deletes. */
  prevKv: KeyValue | null;
}

export interface WatchOptions {
  key: string;
  /** Watch every key that begins with `key`. */
  prefix?: boolean;
  /**
   * First revision to deliver. History from it is replayed, then live events follow.
   * Absent or 0: only events after the current revision.
   */
  startRevision?: number;
  signal?: AbortSignal;
}

/**
 * A stream of events in revision order, with no gaps and no duplicates, in batches.
 * Iteration ends when cancelled; it throws CompactedError when the start revision was
 * compacted, WatcherTooSlowError when the reader fell too far behind, ClosedError
 * when the store closes.
 */
export interface Watcher extends AsyncIterable<WatchEvent[]> {
  cancel(): void;
}

export interface Lease {
  id: number;
  ttlSeconds: number;
  /** Wall-clock time (ms since epoch) at which the lease and its keys expire. */
  expiresAt: number;
}

export interface UpdateResult {
  succeeded: boolean;
  revision: number;
  /** On success the new state; on failure the current state (null if the key is missing). */
  kv: KeyValue | null;
}

export interface DeleteResult {
  succeeded: boolean;
  revision: number;
  /** On success the deleted state; on failure the current state (null if the key is missing). */
  kv: KeyValue | null;
}

/**
 * A datastore backend: what the API server's registry talks to. The single-node store
 * and the Raft-replicated store both implement it and pass the same case suite
 * (backend.case.test.ts). Reads are linearizable: they see every write acknowledged
 * before they were issued.
 */
export interface Backend {
  currentRevision(): Promise<number>;
  compactRevision(): Promise<number>;
  get(key: string, options?: { revision?: number }): Promise<GetResult>;
  range(options: RangeOptions): Promise<RangeResult>;
  txn(request: TxnRequest): Promise<TxnResponse>;
  /** Creates the key; KeyExistsError if it exists. Returns the new revision. */
  create(key: string, value: Uint8Array, options?: { lease?: number }): Promise<number>;
  /** Writes the key if its mod revision is `expectedModRevision` (compare-and-swap). */
  update(key: string, value: Uint8Array, expectedModRevision: number, options?: { lease?: number }): Promise<UpdateResult>;
  /** Deletes the key, if given only when its mod revision is `expectedModRevision`. */
  delete(key: string, expectedModRevision?: number): Promise<DeleteResult>;
  watch(options: WatchOptions): Watcher;
  /** Forgets history before `revision`; reads and watches below it fail with CompactedError. */
  compact(revision: number): Promise<void>;
  grantLease(ttlSeconds: number): Promise<Lease>;
  keepAliveLease(id: number): Promise<Lease>;
  /** Deletes the lease and every key attached to it. */
  revokeLease(id: number): Promise<void>;
  close(): Promise<void>;
}
