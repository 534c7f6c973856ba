/**
 * Event correlation in three steps, after client-go's EventCorrelator: similar events (one
 * object, type and reason, many messages) are combined once ten differ within ten minutes;
 * identical events share one Event object whose count grows; and each involved object has a
 * token bucket (burst 25, one token per five minutes) so a pod that is always failing cannot
 * flood the server. Every table is an LRU of bounded size. Pure apart from the clock.
 */
import type { Clock } from '../client/index.ts';
import type { EventInput, EventObjectReference } from './events.ts';

/** An event as it is to be written: a new object (count 1) or a bump of `name`. */
export interface CorrelatedEvent {
  input: EventInput;
  name: string;
  message: string;
  count: number;
  firstMs: number;
  lastMs: number;
}

export interface CorrelatorOptions {
  clock: Clock;
  /** Entries per table (default 4096). */
  cacheSize?: number;
  /** Writes an object may make at once (default 25). */
  burst?: number;
  /** One more write per this many ms (default 300 000). */
  refillMs?: number;
  /** Distinct messages of one reason before they are combined (default 10). */
  similarLimit?: number;
  /** How long distinct messages are remembered for that (default 600 000 ms). */
  similarWindowMs?: number;
}

const combinedPrefix = '(combined from similar events): ';

/** A Map that forgets its least recently used entries past `size`. */
class Lru<V> {
  readonly #size: number;
  readonly #map = new Map<string, V>();

  constructor(size: number) {
    this.#size = size;
  }

  get(key: string): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    for (const oldest of this.#map.keys()) {
      if (this.#map.size <= this.#size) break;
      this.#map.delete(oldest);
    }
  }

  get size(): number {
    return this.#map.size;
  }
}

export class EventCorrelator {
  readonly #clock: Clock;
  readonly #burst: number;
  readonly #refillMs: number;
  readonly #similarLimit: number;
  readonly #similarWindowMs: number;
  readonly #similar: Lru<{ messages: Set<string>; lastMs: number }>;
  readonly #events: Lru<CorrelatedEvent>;
  readonly #buckets: Lru<{ tokens: number; atMs: number }>;

  constructor(options: CorrelatorOptions) {
    const size = options.cacheSize ?? 4096;
    this.#clock = options.clock;
    this.#burst = options.burst ?? 25;
    this.#refillMs = options.refillMs ?? 300_000;
    this.#similarLimit = options.similarLimit ?? 10;
    this.#similarWindowMs = options.similarWindowMs ?? 600_000;
    this.#similar = new Lru(size);
    this.#events = new Lru(size);
    this.#buckets = new Lru(size);
  }

  /** Entries held, for tests of the bound. */
  get size(): number {
    return Math.max(this.#similar.size, this.#events.size, this.#buckets.size);
  }

  /** The write this occurrence calls for, or undefined when the object's budget is spent. */
  correlate(input: EventInput, newName: () => string): CorrelatedEvent | undefined {
    const now = this.#clock.now();
    const object = objectKey(input.object);
    const reasonKey = `${object}\u0000${input.type}\u0000${input.reason}`;
    let message = input.message;
    let key = `${reasonKey}\u0000${message}`;
    let similar = this.#similar.get(reasonKey);
    if (similar === undefined || now - similar.lastMs > this.#similarWindowMs) similar = { messages: new Set(), lastMs: now };
    similar.lastMs = now;
    if (!similar.messages.has(message)) {
      similar.messages.add(message);
      if (similar.messages.size >= this.#similarLimit) {
        // From here on the reason's events share one object under a combined message.
        for (const old of similar.messages) {
          if (similar.messages.size < this.#similarLimit) break;
          similar.messages.delete(old);
        }
        message = combinedPrefix + message;
        key = `${reasonKey}\u0000${combinedPrefix}`;
      }
    }
    this.#similar.set(reasonKey, similar);

    let event = this.#events.get(key);
    if (event === undefined) event = { input, name: newName(), message, count: 1, firstMs: now, lastMs: now };
    else event = { ...event, input, message, count: event.count + 1, lastMs: now };
    this.#events.set(key, event);

    // The budget is the whole object's (all its containers together), as client-go keys it.
    const budgetKey = objectKey({ ...input.object, fieldPath: undefined });
    const bucket = this.#buckets.get(budgetKey) ?? { tokens: this.#burst, atMs: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.atMs) / this.#refillMs);
    bucket.atMs = now;
    this.#buckets.set(budgetKey, bucket);
    if (bucket.tokens < 1) return undefined;
    bucket.tokens -= 1;
    return event;
  }
}

function objectKey(object: EventObjectReference): string {
  return [object.kind, object.apiVersion, object.namespace ?? '', object.name, object.uid ?? '', object.fieldPath ?? ''].join('\u0000');
}
