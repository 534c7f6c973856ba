/**
 * Time as the client's loops see it. Everything that waits (rate limits, backoff,
 * delayed queue items) goes through a Clock so tests can drive time by hand.
 */

/** An opaque handle returned by `Clock.setTimeout`. */
export type TimerHandle = { readonly timer: unknown };

/** Wall-clock milliseconds and one-shot timers. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The process clock: Date.now and node timers. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => ({ timer: setTimeout(callback, ms) }),
  clearTimeout: (handle) => clearTimeout(handle.timer as NodeJS.Timeout),
};

/**
 * Waits `ms` on `clock`; resolves true when the time passed, false as soon as
 * `signal` aborts (never rejects, so loops just check the signal afterwards).
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve(false);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
