/**
 * Controller expectations, after Kubernetes' UIDTrackingControllerExpectations: a
 * controller that has sent creates or deletes records how many it expects to see come
 * back through its watch, and does not act on that object again until they all arrived
 * (or five minutes passed, in case some were lost), so a stale cache cannot make it
 * create or delete twice. Deletions are tracked by pod key so one counts only once.
 */
import type { Clock } from '../client/index.ts';

interface Expected {
  adds: number;
  /** Keys of the deletions still to be seen. */
  deletes: Set<string>;
  setAtMs: number;
}

/** The default time after which unmet expectations are ignored. */
export const expectationsTtlMs = 5 * 60_000;

/** Per-controller-key counts of creations and deletions still in flight. */
export class Expectations {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #byKey = new Map<string, Expected>();

  constructor(clock: Clock, ttlMs = expectationsTtlMs) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** True when nothing is awaited for `key` (never set, all seen, or expired): the controller may act. */
  satisfied(key: string): boolean {
    const expected = this.#byKey.get(key);
    if (expected === undefined) return true;
    if (expected.adds <= 0 && expected.deletes.size === 0) return true;
    return this.#clock.now() - expected.setAtMs > this.#ttlMs;
  }

  /** Awaits `count` creations (replacing whatever was awaited before). */
  expectCreations(key: string, count: number): void {
    this.#byKey.set(key, { adds: count, deletes: new Set(), setAtMs: this.#clock.now() });
  }

  /** Awaits the deletion of each of `podKeys` (replacing whatever was awaited before). */
  expectDeletions(key: string, podKeys: readonly string[]): void {
    this.#byKey.set(key, { adds: 0, deletes: new Set(podKeys), setAtMs: this.#clock.now() });
  }

  /** One awaited creation arrived, or will never come (the create failed or was skipped). */
  creationObserved(key: string): void {
    const expected = this.#byKey.get(key);
    if (expected !== undefined && expected.adds > 0) expected.adds--;
  }

  /** The deletion of `podKey` arrived, or will never come; a key not awaited is ignored. */
  deletionObserved(key: string, podKey: string): void {
    this.#byKey.get(key)?.deletes.delete(podKey);
  }

  /** Forgets `key` (its controller object is gone). */
  forget(key: string): void {
    this.#byKey.delete(key);
  }

  /** What is still awaited for `key`, for logs and tests. */
  pending(key: string): { adds: number; deletes: number } {
    const expected = this.#byKey.get(key);
    return { adds: Math.max(0, expected?.adds ?? 0), deletes: expected?.deletes.size ?? 0 };
  }
}
