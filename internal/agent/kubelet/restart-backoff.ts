/**
 * Per-key exponential back-off as the kubelet uses it for crashing containers and failing
 * image pulls: the first retry is immediate, then each retry waits twice as long as the one
 * before, up to a cap; a key quiet for `resetMs` starts over.
 */
import type { BackoffTimings } from './types.ts';

export const defaultRestartBackoff: BackoffTimings = { initialMs: 10_000, maxMs: 300_000, resetMs: 600_000 };

interface Entry {
  delayMs: number;
  lastMs: number;
}

/** Back-off state keyed by e.g. "<pod uid>/<container name>". */
export class RestartBackoff {
  readonly #timings: BackoffTimings;
  readonly #entries = new Map<string, Entry>();

  constructor(timings: Partial<BackoffTimings> = {}) {
    this.#timings = { ...defaultRestartBackoff, ...timings };
  }

  /**
   * When the key may be retried: undefined for now, else the time it may. `sinceMs` is when
   * the failure happened; a failure long after the last retry (it ran a while) resets the key.
   * The delay counts from the last retry, or from `anchorMs` when later: a crashed container
   * waits its delay from when it exited, as the kubelet does, however long it ran.
   */
  blockedUntil(key: string, sinceMs: number, nowMs: number, anchorMs = -Infinity): { untilMs: number; delayMs: number } | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (sinceMs - entry.lastMs > this.#timings.resetMs) {
      this.#entries.delete(key);
      return undefined;
    }
    const untilMs = Math.max(entry.lastMs, anchorMs) + entry.delayMs;
    return nowMs < untilMs ? { untilMs, delayMs: entry.delayMs } : undefined;
  }

  /** Records a retry made at `nowMs`; the next one waits twice as long (capped). */
  retried(key: string, nowMs: number): void {
    const entry = this.#entries.get(key);
    const fresh = !entry || nowMs - entry.lastMs > this.#timings.resetMs;
    const delayMs = fresh ? this.#timings.initialMs : Math.min(this.#timings.maxMs, entry.delayMs * 2);
    this.#entries.set(key, { delayMs, lastMs: nowMs });
  }

  /** Current delay of a key (0 when none), for messages. */
  delay(key: string): number {
    return this.#entries.get(key)?.delayMs ?? 0;
  }

  /** Forgets every key starting with `prefix` (a pod that is gone). */
  forget(prefix: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
  }
}
