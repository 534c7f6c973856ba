/**
 * Retry delays for work queue items, with client-go's defaults: per-item
 * exponential backoff (5 ms doubling to 1000 s) combined with an overall token
 * bucket (10 qps, burst 100), whichever asks for the longer wait.
 */
import type { Clock } from './clock.ts';
import { TokenBucket } from './token-bucket.ts';

/** Decides how long an item waits before it is retried. */
export interface RateLimiter<K> {
  /** The delay for the next retry of `item` (each call counts one more failure). */
  when(item: K): number;
  /** Clears the failure history of `item`. */
  forget(item: K): void;
  /** Failures counted for `item`. */
  retries(item: K): number;
}

/** base × 2^failures, capped at `maxMs`, counted per item. */
export class ItemExponentialRateLimiter<K> implements RateLimiter<K> {
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #failures = new Map<K, number>();

  constructor(baseMs = 5, maxMs = 1_000_000) {
    this.#baseMs = baseMs;
    this.#maxMs = maxMs;
  }

  when(item: K): number {
    const failures = this.#failures.get(item) ?? 0;
    this.#failures.set(item, failures + 1);
    // 2^1024 is Infinity, so cap the exponent before multiplying.
    const delay = this.#baseMs * 2 ** Math.min(failures, 62);
    return Math.min(delay, this.#maxMs);
  }

  forget(item: K): void {
    this.#failures.delete(item);
  }

  retries(item: K): number {
    return this.#failures.get(item) ?? 0;
  }
}

/** One token bucket shared by all items: bounds the overall retry rate. */
export class BucketRateLimiter<K> implements RateLimiter<K> {
  readonly #bucket: TokenBucket;

  constructor(qps: number, burst: number, clock: Clock) {
    this.#bucket = new TokenBucket(qps, burst, clock);
  }

  when(_item: K): number {
    return this.#bucket.reserve();
  }

  forget(_item: K): void {}

  retries(_item: K): number {
    return 0;
  }
}

/** The longest delay any of `limiters` asks for. */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  readonly #limiters: readonly RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    this.#limiters = limiters;
  }

  when(item: K): number {
    return this.#limiters.reduce((longest, limiter) => Math.max(longest, limiter.when(item)), 0);
  }

  forget(item: K): void {
    for (const limiter of this.#limiters) limiter.forget(item);
  }

  retries(item: K): number {
    return this.#limiters.reduce((most, limiter) => Math.max(most, limiter.retries(item)), 0);
  }
}

/** client-go's DefaultControllerRateLimiter. */
export function defaultControllerRateLimiter<K>(clock: Clock): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(new ItemExponentialRateLimiter<K>(5, 1_000_000), new BucketRateLimiter<K>(10, 100, clock));
}
