/** A binary heap of keyed items: push, pop, peek and removal by key in O(log n). */

/** Ordered by `before`; at most one item per key. */
export class KeyedHeap<T> {
  readonly #items: T[] = [];
  readonly #index = new Map<string, number>();
  readonly #keyOf: (item: T) => string;
  readonly #before: (a: T, b: T) => boolean;

  /** `before(a, b)`: a comes out first. */
  constructor(keyOf: (item: T) => string, before: (a: T, b: T) => boolean) {
    this.#keyOf = keyOf;
    this.#before = before;
  }

  get size(): number {
    return this.#items.length;
  }

  has(key: string): boolean {
    return this.#index.has(key);
  }

  get(key: string): T | undefined {
    const at = this.#index.get(key);
    return at === undefined ? undefined : this.#items[at];
  }

  /** Adds the item, or replaces and re-sorts the one with the same key. */
  push(item: T): void {
    const key = this.#keyOf(item);
    const at = this.#index.get(key);
    if (at !== undefined) {
      this.#items[at] = item;
      this.#fix(at);
      return;
    }
    this.#items.push(item);
    this.#index.set(key, this.#items.length - 1);
    this.#up(this.#items.length - 1);
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  pop(): T | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.#removeAt(0);
    return top;
  }

  remove(key: string): T | undefined {
    const at = this.#index.get(key);
    if (at === undefined) return undefined;
    const item = this.#items[at];
    this.#removeAt(at);
    return item;
  }

  values(): readonly T[] {
    return this.#items;
  }

  #removeAt(at: number): void {
    const item = this.#items[at];
    const last = this.#items.pop();
    if (item !== undefined) this.#index.delete(this.#keyOf(item));
    if (at < this.#items.length && last !== undefined) {
      this.#items[at] = last;
      this.#index.set(this.#keyOf(last), at);
      this.#fix(at);
    }
  }

  #fix(at: number): void {
    if (!this.#up(at)) this.#down(at);
  }

  #swap(i: number, j: number): void {
    const a = this.#items[i];
    const b = this.#items[j];
    if (a === undefined || b === undefined) return;
    this.#items[i] = b;
    this.#items[j] = a;
    this.#index.set(this.#keyOf(b), i);
    this.#index.set(this.#keyOf(a), j);
  }

  #up(at: number): boolean {
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const item = this.#items[i];
      const above = this.#items[parent];
      if (item === undefined || above === undefined || !this.#before(item, above)) break;
      this.#swap(i, parent);
      i = parent;
    }
    return i !== at;
  }

  #down(at: number): void {
    let i = at;
    for (;;) {
      let best = i;
      let bestItem = this.#items[i];
      const left = this.#items[2 * i + 1];
      if (left !== undefined && bestItem !== undefined && this.#before(left, bestItem)) {
        best = 2 * i + 1;
        bestItem = left;
      }
      const right = this.#items[2 * i + 2];
      if (right !== undefined && bestItem !== undefined && this.#before(right, bestItem)) best = 2 * i + 2;
      if (best === i) return;
      this.#swap(i, best);
      i = best;
    }
  }
}
