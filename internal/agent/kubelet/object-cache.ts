/**
 * The ConfigMaps and Secrets pods refer to, read through a short-lived cache: pod workers
 * resync every second and must not each ask the server every time, and when the server
 * cannot be reached the last copy read is used (as the kubelet keeps using what its cache
 * holds) so running pods keep their volumes and crashing containers still restart.
 */
import { realClock, type Clock } from '../../client/clock.ts';
import type { KubeObject } from '../../apiserver/objects.ts';
import type { ObjectLookup } from './types.ts';

/** Reads one object; null when it does not exist; throws when the server cannot say. */
export type ObjectFetcher = (kind: 'Secret' | 'ConfigMap', namespace: string, name: string) => Promise<KubeObject | null>;

export interface CachedLookupOptions {
  fetch: ObjectFetcher;
  clock?: Clock;
  /** How long a read answers later lookups without asking again (default 5000 ms). */
  ttlMs?: number;
  /** Entries unused for this long are dropped (default 600 000 ms). */
  keepMs?: number;
}

interface Entry {
  object: KubeObject | null;
  readMs: number;
  usedMs: number;
}

/** An ObjectLookup over `fetch` with a TTL, falling back to the last copy on failure. */
export class CachedLookup implements ObjectLookup {
  readonly #options: CachedLookupOptions;
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<KubeObject | null>>();

  constructor(options: CachedLookupOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
  }

  secret(namespace: string, name: string): Promise<KubeObject | null> {
    return this.#get('Secret', namespace, name);
  }

  configMap(namespace: string, name: string): Promise<KubeObject | null> {
    return this.#get('ConfigMap', namespace, name);
  }

  /** Entries held (for tests of the bound). */
  get size(): number {
    return this.#entries.size;
  }

  async #get(kind: 'Secret' | 'ConfigMap', namespace: string, name: string): Promise<KubeObject | null> {
    const key = `${kind}/${namespace}/${name}`;
    const now = this.#clock.now();
    const entry = this.#entries.get(key);
    if (entry) entry.usedMs = now;
    if (entry && now - entry.readMs < (this.#options.ttlMs ?? 5000)) return entry.object;
    let read = this.#inFlight.get(key);
    if (!read) {
      read = this.#options.fetch(kind, namespace, name).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, read);
    }
    try {
      const object = await read;
      this.#entries.set(key, { object, readMs: this.#clock.now(), usedMs: this.#clock.now() });
      this.#sweep();
      return object;
    } catch (error) {
      if (entry) return entry.object;
      throw error;
    }
  }

  #sweep(): void {
    const now = this.#clock.now();
    const keep = this.#options.keepMs ?? 600_000;
    for (const [key, entry] of this.#entries) if (now - entry.usedMs > keep) this.#entries.delete(key);
  }
}
