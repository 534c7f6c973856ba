/**
 * An informer keeps a Store in step with the server the way client-go's reflector
 * does: list (in pages), then watch from the list's resourceVersion with bookmarks;
 * a watch that ends is resumed from the last resourceVersion seen; 410 Expired
 * means that history is gone, so it lists again and reconciles the cache, telling
 * handlers about what changed meanwhile; other failures back off with a cap.
 */
import type { KubeObject } from '../apiserver/objects.ts';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { realClock, sleep, type Clock } from './clock.ts';
import { isExpired } from './errors.ts';
import type { ResourceClient } from './resource.ts';
import { objectKey, Store } from './store.ts';

/** Callbacks for cache changes; called in order, one at a time, after the store changed. */
export interface InformerHandlers<T extends KubeObject> {
  onAdd?(object: T): void;
  onUpdate?(previous: T, object: T): void;
  /** Gets the object's final state (from the watch) or its last known state (after a relist). */
  onDelete?(object: T): void;
}

export interface InformerOptions<T extends KubeObject> {
  /** Namespace to watch; null or omitted = all namespaces. */
  namespace?: string | null;
  labelSelector?: string;
  fieldSelector?: string;
  /** Objects per list page (default 500). */
  pageSize?: number;
  /** Cache to fill (default a new Store). */
  store?: Store<T>;
  clock?: Clock;
  /** Delays between failed attempts (default 800 ms doubling to 30 s, with jitter). */
  backoff?: BackoffOptions;
  /** How long the server keeps one watch open, in seconds (default random 300–600, as client-go). */
  watchTimeoutSeconds?: number | (() => number);
  /** Told about every failure the informer retries past, and about handler exceptions. */
  onError?: (error: unknown) => void;
}

type WatchOutcome = 'ended' | 'expired' | 'short';

/** Watches that end this soon with no event count as failures, so a misbehaving server is not hammered. */
const shortWatchMs = 1000;

/** A list-and-watch cache of one resource type; `run(signal)` drives it until the signal aborts. */
export class Informer<T extends KubeObject = KubeObject> {
  readonly store: Store<T>;
  readonly resource: ResourceClient<T>;
  readonly #options: InformerOptions<T>;
  readonly #clock: Clock;
  readonly #backoff: Backoff;
  readonly #handlers = new Set<InformerHandlers<T>>();
  readonly #syncWaiters = new Set<() => void>();
  #resourceVersion: string | undefined;
  #synced = false;
  #running = false;
  #relists = 0;
  #watches = 0;

  constructor(resource: ResourceClient<T>, options: InformerOptions<T> = {}) {
    this.resource = resource;
    this.#options = options;
    this.store = options.store ?? new Store<T>();
    this.#clock = options.clock ?? realClock;
    this.#backoff = new Backoff(options.backoff);
  }

  /**
   * Registers handlers; when the cache is already synced they first get onAdd for
   * every cached object, as client-go does. Returns a function that unregisters them.
   */
  addHandlers(handlers: InformerHandlers<T>): () => void {
    this.#handlers.add(handlers);
    if (this.#synced) for (const object of this.store.list()) this.#call(() => handlers.onAdd?.(object));
    return () => void this.#handlers.delete(handlers);
  }

  /** True once the first full list has been stored. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves true once synced, false if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (value: boolean): void => {
        this.#syncWaiters.delete(onSync);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onSync = (): void => done(true);
      const onAbort = (): void => done(false);
      this.#syncWaiters.add(onSync);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The resourceVersion the next watch starts from. */
  lastSyncResourceVersion(): string | undefined {
    return this.#resourceVersion;
  }

  /** How many full lists have been made (the first one included). */
  get listCount(): number {
    return this.#relists;
  }

  /** How many watch requests have been made. */
  get watchCount(): number {
    return this.#watches;
  }

  /** Lists and watches until `signal` aborts; resolves once every request it made has ended. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#running) throw new Error(`Cannot run the ${this.resource.spec.plural} informer twice at once`);
    this.#running = true;
    let needList = true;
    try {
      while (!signal.aborted) {
        try {
          if (needList) {
            await this.#listAndReplace(signal);
            needList = false;
            this.#backoff.reset();
            continue;
          }
          const outcome = await this.#watchOnce(signal);
          if (outcome === 'expired') needList = true;
          else if (outcome === 'short') await sleep(this.#clock, this.#backoff.next(), signal);
          else this.#backoff.reset();
        } catch (error) {
          if (signal.aborted) break;
          this.#report(error);
          if (isExpired(error) && !needList) {
            needList = true;
            continue;
          }
          await sleep(this.#clock, this.#backoff.next(), signal);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  async #listAndReplace(signal: AbortSignal): Promise<void> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = await this.resource.list(this.#namespace(), {
        labelSelector: this.#options.labelSelector,
        fieldSelector: this.#options.fieldSelector,
        limit: this.#options.pageSize ?? 500,
        continue: continueToken,
        signal,
      });
      items.push(...page.items);
      resourceVersion = page.metadata.resourceVersion;
      continueToken = page.metadata.continue || undefined;
    } while (continueToken !== undefined && !signal.aborted);
    if (signal.aborted) return;
    this.#relists++;
    this.#replace(items);
    this.#resourceVersion = resourceVersion;
    if (!this.#synced) {
      this.#synced = true;
      for (const waiter of [...this.#syncWaiters]) waiter();
    }
  }

  /** Makes the store equal to a fresh list and tells handlers the difference. */
  #replace(items: T[]): void {
    const seen = new Set<string>();
    for (const object of items) {
      seen.add(objectKey(object));
      const previous = this.store.upsert(object);
      if (previous === undefined) this.#emit((h) => h.onAdd?.(object));
      else if (previous.metadata.resourceVersion !== object.metadata.resourceVersion) {
        this.#emit((h) => h.onUpdate?.(previous, object));
      }
    }
    for (const key of this.store.keys()) {
      if (seen.has(key)) continue;
      const gone = this.store.removeKey(key);
      if (gone !== undefined) this.#emit((h) => h.onDelete?.(gone));
    }
  }

  async #watchOnce(signal: AbortSignal): Promise<WatchOutcome> {
    const started = this.#clock.now();
    let events = 0;
    this.#watches++;
    const watch = this.resource.watch(this.#namespace(), {
      resourceVersion: this.#resourceVersion,
      labelSelector: this.#options.labelSelector,
      fieldSelector: this.#options.fieldSelector,
      allowBookmarks: true,
      timeoutSeconds: this.#watchTimeout(),
      signal,
    });
    for await (const event of watch) {
      events++;
      if (event.type === 'ERROR') {
        if (isExpired(event.error)) return 'expired';
        throw event.error;
      }
      const object = event.object;
      if (event.type === 'ADDED' || event.type === 'MODIFIED') {
        const previous = this.store.upsert(object);
        if (previous === undefined) this.#emit((h) => h.onAdd?.(object));
        else this.#emit((h) => h.onUpdate?.(previous, object));
      } else if (event.type === 'DELETED') {
        this.store.remove(object);
        this.#emit((h) => h.onDelete?.(object));
      }
      const rv = object.metadata.resourceVersion;
      if (rv !== undefined && rv !== '') this.#resourceVersion = rv;
    }
    if (signal.aborted) return 'ended';
    return events === 0 && this.#clock.now() - started < shortWatchMs ? 'short' : 'ended';
  }

  #namespace(): string | null {
    return this.#options.namespace ?? null;
  }

  #watchTimeout(): number {
    const option = this.#options.watchTimeoutSeconds;
    if (typeof option === 'number') return option;
    if (typeof option === 'function') return option();
    return Math.floor(300 * (1 + Math.random()));
  }

  #emit(call: (handlers: InformerHandlers<T>) => void): void {
    for (const handlers of this.#handlers) this.#call(() => call(handlers));
  }

  #call(call: () => void): void {
    try {
      call();
    } catch (error) {
      // A failing handler must not stop the cache from following the server.
      this.#report(error);
    }
  }

  #report(error: unknown): void {
    if (this.#options.onError) this.#options.onError(error);
    else process.emitWarning(`${this.resource.spec.plural} informer: ${error instanceof Error ? error.message : String(error)}`);
  }
}
