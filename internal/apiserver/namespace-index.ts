/**
 * Which namespaces exist and are not terminating, kept in memory so that a write into a
 * namespace does not have to read the namespace first. It is built from one list and
 * kept current by a watch of the namespaces in the store (writes from anywhere) and by
 * the namespace storage's own commits (seen before the writer continues, so a caller
 * never finds its own namespace change missing). Only a positive answer is trusted:
 * anything else (not listed yet, missing, terminating, watch ended) means "ask the store".
 */
import { ClosedError } from '../datastore/errors.ts';
import type { Backend, WatchEvent } from '../datastore/types.ts';
import type { KubeObject } from './objects.ts';
import type { ResourceStorage } from './rest.ts';

export interface NamespaceIndexOptions {
  /** Least time between two attempts to (re)start the list and watch, in ms (default 1,000). */
  retryMs?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
}

/** What is known of one namespace, as of the revision of the write that said so. */
interface Entry {
  /** False: the namespace is gone (kept until the watch has passed its removal). */
  present: boolean;
  active: boolean;
  revision: number;
}

type State = 'idle' | 'starting' | 'synced' | 'closed';

export class NamespaceIndex {
  readonly #store: Backend;
  readonly #namespaces: ResourceStorage;
  readonly #prefix: string;
  readonly #retryMs: number;
  readonly #now: () => number;
  #entries = new Map<string, Entry>();
  #state: State = 'idle';
  #lastStart = Number.NEGATIVE_INFINITY;
  #abort: AbortController | null = null;
  #listed: Promise<void> | null = null;

  constructor(store: Backend, namespaces: ResourceStorage, options: NamespaceIndexOptions = {}) {
    this.#store = store;
    this.#namespaces = namespaces;
    this.#prefix = namespaces.watchPrefix(null);
    this.#retryMs = options.retryMs ?? 1000;
    this.#now = options.now ?? Date.now;
    namespaces.onCommitted((key, object, revision) => this.#observe(key, object, revision));
  }

  /**
   * True only when the namespace is known to exist and not to be terminating; false
   * means "not known here: ask the store". The first call starts the list and watch.
   */
  isActive(name: string): boolean {
    if (this.#state === 'synced') {
      const entry = this.#entries.get(name);
      return entry !== undefined && entry.present && entry.active;
    }
    this.#start();
    return false;
  }

  /** Starts following the namespaces if it does not yet; resolves once they are listed (or that failed). */
  ready(): Promise<void> {
    this.#start();
    return this.#listed ?? Promise.resolve();
  }

  /** Whether answers come from memory now. */
  get synced(): boolean {
    return this.#state === 'synced';
  }

  /** Stops following the namespaces; every later answer is "ask the store". */
  close(): void {
    this.#state = 'closed';
    this.#entries = new Map();
    this.#abort?.abort();
  }

  #start(): void {
    if (this.#state !== 'idle' || this.#now() - this.#lastStart < this.#retryMs) return;
    this.#state = 'starting';
    this.#lastStart = this.#now();
    const abort = new AbortController();
    this.#abort = abort;
    let listed: () => void = () => {};
    this.#listed = new Promise<void>((resolve) => (listed = resolve));
    void this.#follow(abort.signal, listed).finally(listed);
  }

  async #follow(signal: AbortSignal, listed: () => void): Promise<void> {
    try {
      const list = await this.#namespaces.list({ namespace: null });
      if (signal.aborted) return;
      const revision = Number(list.metadata.resourceVersion);
      const entries = new Map<string, Entry>();
      for (const item of list.items) {
        entries.set(item.metadata.name ?? '', { present: true, active: isActive(item), revision: Number(item.metadata.resourceVersion) });
      }
      // Commits seen after the list was read are newer than what it says.
      for (const [name, entry] of this.#entries) if (entry.revision > revision) entries.set(name, entry);
      // Everything after the listed revision arrives through the watch, in order.
      const watcher = this.#store.watch({ key: this.#prefix, prefix: true, startRevision: revision + 1, signal });
      this.#entries = entries;
      this.#state = 'synced';
      listed();
      for await (const events of watcher) {
        for (const event of events) this.#apply(event);
      }
    } catch (error) {
      if (error instanceof ClosedError) this.#state = 'closed';
    } finally {
      if (this.#state !== 'closed') {
        this.#state = 'idle';
        this.#entries = new Map();
      }
    }
  }

  /** A watch event: applied unless a newer commit was already seen. */
  #apply(event: WatchEvent): void {
    const name = event.kv.key.slice(this.#prefix.length);
    const revision = event.kv.modRevision;
    const known = this.#entries.get(name);
    if (known !== undefined && known.revision > revision) return;
    if (event.type === 'delete') {
      // The watch has reached the removal: no record of it is needed any more.
      this.#entries.delete(name);
      return;
    }
    if (known !== undefined && known.revision === revision && known.present) return;
    this.#entries.set(name, { present: true, active: isActive(this.#namespaces.watchEvent(event).object), revision });
  }

  /** A commit through the namespace storage, seen before its writer continues. */
  #observe(key: string, object: KubeObject | null, revision: number): void {
    // Before a list is under way there is nothing to keep current: the list will say it.
    if ((this.#state !== 'starting' && this.#state !== 'synced') || !key.startsWith(this.#prefix)) return;
    const name = key.slice(this.#prefix.length);
    const known = this.#entries.get(name);
    if (known !== undefined && known.revision >= revision) return;
    this.#entries.set(name, object === null ? { present: false, active: false, revision } : { present: true, active: isActive(object), revision });
  }
}

function isActive(namespace: KubeObject): boolean {
  return namespace.metadata.deletionTimestamp === undefined;
}
