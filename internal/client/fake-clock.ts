/** A Clock whose time moves only when a test calls `advance`; for deterministic tests of timing logic. */
import type { Clock, TimerHandle } from './clock.ts';

interface Pending {
  readonly handle: TimerHandle;
  readonly due: number;
  readonly seq: number;
  readonly callback: () => void;
}

/** Manual time: timers fire in due order (then creation order) during `advance`. */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #pending: Pending[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const handle: TimerHandle = { timer: this.#seq };
    this.#pending.push({ handle, due: this.#now + Math.max(0, ms), seq: this.#seq++, callback });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#pending = this.#pending.filter((p) => p.handle !== handle);
  }

  /** Number of timers not yet fired. */
  pendingTimers(): number {
    return this.#pending.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const next = this.#pending.reduce<Pending | undefined>(
        (best, p) => (best === undefined || p.due < best.due || (p.due === best.due && p.seq < best.seq) ? p : best),
        undefined,
      );
      if (next === undefined || next.due > target) break;
      this.#pending = this.#pending.filter((p) => p !== next);
      this.#now = next.due;
      next.callback();
    }
    this.#now = target;
  }
}
