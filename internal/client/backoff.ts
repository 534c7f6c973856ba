/**
 * Capped exponential backoff with jitter, as client-go's reflector uses between
 * failed list/watch attempts (800 ms doubling to 30 s by default).
 */

export interface BackoffOptions {
  /** First delay in ms (default 800). */
  initialMs?: number;
  /** Largest delay in ms, jitter included (default 30,000). */
  maxMs?: number;
  /** Growth per failure (default 2). */
  factor?: number;
  /** Extra random share of the delay, 0..1 (default 0.5: up to +50%). */
  jitter?: number;
  /** Source of randomness in [0, 1) (default Math.random). */
  random?: () => number;
}

/** Delays for consecutive failures; `reset()` after a success starts again from `initialMs`. */
export class Backoff {
  readonly #initial: number;
  readonly #max: number;
  readonly #factor: number;
  readonly #jitter: number;
  readonly #random: () => number;
  #failures = 0;

  constructor(options: BackoffOptions = {}) {
    this.#initial = options.initialMs ?? 800;
    this.#max = options.maxMs ?? 30_000;
    this.#factor = options.factor ?? 2;
    this.#jitter = options.jitter ?? 0.5;
    this.#random = options.random ?? Math.random;
    if (!(this.#initial > 0) || !(this.#max >= this.#initial)) {
      throw new RangeError(`Cannot back off from ${this.#initial} ms up to ${this.#max} ms: need 0 < initial <= max`);
    }
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    // Stop growing the exponent once past the cap so it never overflows to Infinity.
    const base = Math.min(this.#max, this.#initial * this.#factor ** this.#failures);
    if (base < this.#max) this.#failures++;
    return Math.min(this.#max, Math.round(base * (1 + this.#jitter * this.#random())));
  }

  /** Failures counted since the last reset. */
  get failures(): number {
    return this.#failures;
  }

  reset(): void {
    this.#failures = 0;
  }
}
