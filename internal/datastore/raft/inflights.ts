/**
 * The append messages in flight to one follower, by the last index each carried: the
 * leader stops sending once `capacity` are unacknowledged (flow control, like TCP's window).
 */
export class Inflights {
  readonly capacity: number;
  #indexes: number[] = [];

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  add(lastIndex: number): void {
    this.#indexes.push(lastIndex);
  }

  /** Acknowledges every message whose last index is at most `index`. */
  freeLE(index: number): void {
    let n = 0;
    while (n < this.#indexes.length && (this.#indexes[n] ?? Number.POSITIVE_INFINITY) <= index) n++;
    if (n > 0) this.#indexes = this.#indexes.slice(n);
  }

  /** Makes room for one more message, e.g. after a heartbeat shows the follower is alive. */
  freeFirstOne(): void {
    this.#indexes.shift();
  }

  full(): boolean {
    return this.#indexes.length >= this.capacity;
  }

  count(): number {
    return this.#indexes.length;
  }

  reset(): void {
    this.#indexes = [];
  }
}
