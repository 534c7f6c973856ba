/** Lets one loop sleep until something it waits for may have happened (or its signal aborts). */
export class Waker {
  #wake: (() => void) | null = null;

  /** Resolves at the next `wake()` or when `signal` aborts. */
  sleep(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        this.#wake = null;
        resolve();
      };
      this.#wake = done;
      if (signal.aborted) done();
      else signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Ends the current sleep, if any. */
  wake(): void {
    this.#wake?.();
  }
}
