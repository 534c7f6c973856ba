/**
 * Background writes, at most `concurrency` at once and at most one per key at a time; a
 * write queued for a key that already has one waiting replaces it (only the newest
 * state of a pod is worth writing). Failures go to `onError`; nothing is retried here.
 */

export type Write = () => Promise<void>;

export class WriteQueue {
  readonly #concurrency: number;
  readonly #onError: (key: string, error: unknown) => void;
  readonly #waiting = new Map<string, Write>();
  readonly #running = new Set<string>();
  readonly #idle: Array<() => void> = [];

  constructor(concurrency: number, onError: (key: string, error: unknown) => void) {
    this.#concurrency = concurrency;
    this.#onError = onError;
  }

  /** Writes waiting and running. */
  get size(): number {
    return this.#waiting.size + this.#running.size;
  }

  /** Queues `write` for `key`, replacing a write for the key that has not started. */
  enqueue(key: string, write: Write): void {
    this.#waiting.set(key, write);
    this.#pump();
  }

  /** Resolves once nothing waits or runs. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    for (const [key, write] of this.#waiting) {
      if (this.#running.size >= this.#concurrency) return;
      if (this.#running.has(key)) continue;
      this.#waiting.delete(key);
      this.#running.add(key);
      write()
        .catch((error: unknown) => this.#onError(key, error))
        .finally(() => {
          this.#running.delete(key);
          this.#pump();
          if (this.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
        });
    }
  }
}
