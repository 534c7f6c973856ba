/**
 * Remembers the slices this controller just wrote, so a sync never plans from a cache
 * that has not yet seen them (which would create duplicate slices or undo a write).
 * An expectation is met once the informer shows that write, and given up after a while
 * in case the event was missed.
 */
import type { KubeObject } from '../../apiserver/objects.ts';
import { objectKey, type Store } from '../../client/index.ts';

const expiryMs = 10_000;

interface Expectation {
  /** The resourceVersion written, or null for a delete. */
  resourceVersion: number | null;
  at: number;
}

export class SliceTracker {
  /** service key → slice key → expectation */
  readonly #expected = new Map<string, Map<string, Expectation>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** This controller wrote `slice` (as the server returned it) for Service `serviceKey`. */
  expect(serviceKey: string, slice: KubeObject): void {
    this.#of(serviceKey).set(objectKey(slice), { resourceVersion: Number(slice.metadata.resourceVersion ?? 0), at: this.#now() });
  }

  /** This controller deleted `slice`. */
  expectDeleted(serviceKey: string, slice: KubeObject): void {
    this.#of(serviceKey).set(objectKey(slice), { resourceVersion: null, at: this.#now() });
  }

  /** The informer stored `slice`: expectations it meets are dropped. */
  observe(slice: KubeObject): void {
    const key = objectKey(slice);
    const seen = Number(slice.metadata.resourceVersion ?? 0);
    for (const expectations of this.#expected.values()) {
      const expectation = expectations.get(key);
      if (expectation?.resourceVersion !== null && expectation !== undefined && seen >= expectation.resourceVersion) expectations.delete(key);
    }
  }

  /** The informer removed `slice`. */
  observeDeleted(slice: KubeObject): void {
    const key = objectKey(slice);
    for (const expectations of this.#expected.values()) expectations.delete(key);
  }

  /** Whether `store` still lacks a recent write for Service `serviceKey`. */
  stale(serviceKey: string, store: Store): boolean {
    const expectations = this.#expected.get(serviceKey);
    if (expectations === undefined) return false;
    const now = this.#now();
    for (const [key, expectation] of expectations) {
      if (now - expectation.at > expiryMs) {
        expectations.delete(key);
        continue;
      }
      const cached = store.get(key);
      if (expectation.resourceVersion === null ? cached !== undefined : cached === undefined || Number(cached.metadata.resourceVersion ?? 0) < expectation.resourceVersion) return true;
      expectations.delete(key);
    }
    if (expectations.size === 0) this.#expected.delete(serviceKey);
    return false;
  }

  /** Drops what was expected for a Service that is gone. */
  forget(serviceKey: string): void {
    this.#expected.delete(serviceKey);
  }

  #of(serviceKey: string): Map<string, Expectation> {
    let expectations = this.#expected.get(serviceKey);
    if (expectations === undefined) this.#expected.set(serviceKey, (expectations = new Map()));
    return expectations;
  }
}
