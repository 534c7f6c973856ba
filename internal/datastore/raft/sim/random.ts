/**
 * A small seeded PRNG (mulberry32). Every random choice of a simulation run comes from one
 * of these, so a seed replays the same run exactly; Math.random is never used.
 */
import { mulberry32 } from '../../../util/seeded-random.ts';

export class Random {
  /** A float in [0, 1). */
  readonly next: () => number;

  constructor(seed: number) {
    // Spread small consecutive seeds apart so seed 1 and seed 2 do not start alike.
    this.next = mulberry32((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0);
  }

  /** An integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('Cannot pick from an empty list');
    return item;
  }

  /** A new generator seeded from this one: an independent stream that stays reproducible. */
  fork(): Random {
    return new Random(Math.floor(this.next() * 4294967296));
  }

  /** This generator as the `() => number` that RaftConfig.random expects. */
  asFunction(): () => number {
    return () => this.next();
  }
}
