/**
 * A controller work queue with client-go's guarantees: a key is queued at most
 * once; a key being processed is never handed to a second worker, and a key
 * added while it is processed is queued again when `done` is called; retries
 * wait per the rate limiter; delayed adds keep only the earliest time per key.
 */
import { realClock, type Clock, type TimerHandle } from './clock.ts';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.ts';

export interface WorkQueueOptions<K> {
  clock?: Clock;
  /** Default: per-item 5 ms → 1000 s backoff combined with a 10 qps / 100 burst bucket. */
  rateLimiter?: RateLimiter<K>;
}

interface Waiting {
  readonly readyAt: number;
  readonly timer: TimerHandle;
}

/** A rate-limited, deduplicating queue of keys; workers loop on `get()` until it returns undefined. */
export class WorkQueue<K = string> {
  readonly #clock: Clock;
  readonly #limiter: RateLimiter<K>;
  readonly #queue: K[] = [];
  /** Keys that need processing: queued, or re-added while processing. */
  readonly #dirty = new Set<K>();
  readonly #processing = new Set<K>();
  readonly #waiting = new Map<K, Waiting>();
  readonly #getters: Array<(item: K | undefined) => void> = [];
  #shuttingDown = false;

  constructor(options: WorkQueueOptions<K> = {}) {
    this.#clock = options.clock ?? realClock;
    this.#limiter = options.rateLimiter ?? defaultControllerRateLimiter<K>(this.#clock);
  }

  /** Queues `item` unless it is already queued; ignored after shutDown. */
  add(item: K): void {
    if (this.#shuttingDown || this.#dirty.has(item)) return;
    this.#dirty.add(item);
    if (this.#processing.has(item)) return;
    this.#hand(item);
  }

  /** Adds `item` after `ms`; a second call for a waiting item keeps the earlier time. */
  addAfter(item: K, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) {
      this.add(item);
      return;
    }
    const readyAt = this.#clock.now() + ms;
    const waiting = this.#waiting.get(item);
    if (waiting !== undefined) {
      if (waiting.readyAt <= readyAt) return;
      this.#clock.clearTimeout(waiting.timer);
    }
    const timer = this.#clock.setTimeout(() => {
      this.#waiting.delete(item);
      this.add(item);
    }, ms);
    this.#waiting.set(item, { readyAt, timer });
  }

  /** Adds `item` after the delay the rate limiter gives for its next retry. */
  addRateLimited(item: K): void {
    this.addAfter(item, this.#limiter.when(item));
  }

  /** Ends backoff for `item` (call after it was processed successfully). */
  forget(item: K): void {
    this.#limiter.forget(item);
  }

  /** Retries counted for `item` since it was last forgotten. */
  numRequeues(item: K): number {
    return this.#limiter.retries(item);
  }

  /**
   * The next item, marked as processing until `done(item)`; waits while the queue is
   * empty. After shutDown the items still queued are handed out, then undefined.
   */
  get(): Promise<K | undefined> {
    const item = this.#take();
    if (item !== undefined || this.#shuttingDown) return Promise.resolve(item);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Marks `item` processed; if it was added meanwhile it is queued again. */
  done(item: K): void {
    this.#processing.delete(item);
    if (this.#dirty.has(item)) this.#hand(item);
  }

  /** Queued items (not the ones processing or waiting for a delay). */
  len(): number {
    return this.#queue.length;
  }

  /** Stops accepting items, drops delayed ones, and wakes idle workers with undefined. */
  shutDown(): void {
    this.#shuttingDown = true;
    for (const waiting of this.#waiting.values()) this.#clock.clearTimeout(waiting.timer);
    this.#waiting.clear();
    for (const getter of this.#getters.splice(0)) getter(undefined);
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Gives `item` to a waiting worker, or queues it. */
  #hand(item: K): void {
    const getter = this.#getters.shift();
    if (getter === undefined) {
      this.#queue.push(item);
      return;
    }
    this.#dirty.delete(item);
    this.#processing.add(item);
    getter(item);
  }

  #take(): K | undefined {
    if (this.#queue.length === 0) return undefined;
    const item = this.#queue.shift() as K;
    this.#dirty.delete(item);
    this.#processing.add(item);
    return item;
  }
}
