/** A token bucket (as Go's x/time/rate): `qps` tokens a second, at most `burst` saved up. */
import { sleep, type Clock } from './clock.ts';

export class TokenBucket {
  readonly qps: number;
  readonly burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;

  /** `qps` <= 0 or Infinity means no limit. */
  constructor(qps: number, burst: number, clock: Clock) {
    if (!(burst >= 1)) throw new RangeError(`Cannot build a token bucket with burst ${burst}: it must be at least 1`);
    this.qps = qps;
    this.burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#last = clock.now();
  }

  get unlimited(): boolean {
    return !(this.qps > 0) || this.qps === Infinity;
  }

  /**
   * Takes one token now, going into debt if none is left, and returns how many ms
   * the caller must wait before acting (0 when a token was there).
   */
  reserve(): number {
    if (this.unlimited) return 0;
    const now = this.#clock.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.qps);
    this.#last = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.qps) * 1000);
  }

  /** Gives back a reserved token (used when the wait for it was abandoned). */
  refund(): void {
    if (!this.unlimited) this.#tokens = Math.min(this.burst, this.#tokens + 1);
  }

  /** Waits for a token; resolves false (with the token returned) when `signal` aborts first. */
  async take(signal?: AbortSignal): Promise<boolean> {
    const wait = this.reserve();
    if (wait === 0) return true;
    const waited = await sleep(this.#clock, wait, signal);
    if (!waited) this.refund();
    return waited;
  }
}
