/**
 * Sets of model states and the memo of explored configurations (Lowe's cache) used by the
 * linearizability search.
 */
import type { Model } from './linearizability-model.ts';

/** A configuration the search reached: the placed operations (a bitset) and the possible states. */
export interface Explored<S> {
  bits: Uint32Array;
  states: readonly S[];
  /** Everything reachable from here was searched without completing. */
  done: boolean;
}

/** Configurations by a fingerprint of their placed operations that must match exactly. */
export type Memo<S> = Map<string, Explored<S>[]>;

/** The union of the model's steps from every state in `states`, without duplicates. */
export function stepAll<S, I, O>(
  model: Model<S, I, O>,
  equal: (a: S, b: S) => boolean,
  states: readonly S[],
  input: I,
  output: O | null,
): readonly S[] {
  const only = states.length === 1 ? states[0] : undefined;
  if (only !== undefined) {
    const next = model.step(only, input, output);
    if (next.length <= 1) return next;
  }
  const out: S[] = [];
  for (const state of states) for (const next of model.step(state, input, output)) add(out, equal, next);
  return out;
}

/** `a` with the members of `b` it lacks. */
export function union<S>(equal: (a: S, b: S) => boolean, a: readonly S[], b: readonly S[]): readonly S[] {
  const out = [...a];
  for (const s of b) add(out, equal, s);
  return out;
}

function add<S>(set: S[], equal: (a: S, b: S) => boolean, s: S): void {
  if (!set.some((seen) => equal(seen, s))) set.push(s);
}

/** A memo key for a set of states, independent of order. */
export function setKey<S, I, O>(model: Model<S, I, O>, states: readonly S[]): string {
  const only = states.length === 1 ? states[0] : undefined;
  if (only !== undefined) return model.hash(only);
  return states.map((s) => model.hash(s)).sort().join('\n');
}

/**
 * Records a configuration and returns its entry, or null when it need not be searched: the
 * same configuration was reached before, or a finished one with the same states that placed
 * a subset of it differing only in operations of `free` (unknown outcome, no deadline).
 * Whatever order would complete the larger one completes the smaller with those operations
 * appended at the end, where they have no return to respect and always have a next state.
 */
export function remember<S>(
  memo: Memo<S>,
  equal: (a: S, b: S) => boolean,
  key: string,
  bits: Uint32Array,
  free: Uint32Array,
  states: readonly S[],
): Explored<S> | null {
  let bucket = memo.get(key);
  if (bucket === undefined) {
    bucket = [];
    memo.set(key, bucket);
  }
  for (const seen of bucket) {
    const relation = compareBits(seen.bits, bits, free);
    if (relation === 'other' || (relation === 'subset' && !seen.done)) continue;
    if (sameSet(equal, seen.states, states)) return null;
  }
  const explored = { bits: bits.slice(), states, done: false };
  bucket.push(explored);
  return explored;
}

/** Whether `seen` equals `bits`, or is a subset of it that differs only in `free` operations. */
function compareBits(seen: Uint32Array, bits: Uint32Array, free: Uint32Array): 'equal' | 'subset' | 'other' {
  let equal = true;
  for (let i = 0; i < seen.length; i++) {
    const a = seen[i] ?? 0;
    const b = bits[i] ?? 0;
    if (a === b) continue;
    if ((a & ~b) !== 0 || ((a ^ b) & ~(free[i] ?? 0)) !== 0) return 'other';
    equal = false;
  }
  return equal ? 'equal' : 'subset';
}

function sameSet<S>(equal: (a: S, b: S) => boolean, a: readonly S[], b: readonly S[]): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => equal(x, y)));
}

/** Flips bit `i`. */
export function toggle(bits: Uint32Array, i: number): void {
  const word = i >>> 5;
  bits[word] = (bits[word] ?? 0) ^ (1 << (i & 31));
}

/** Fixed pseudo-random words, one per operation, so a set's fingerprint is kept by xor. */
export function zobristKeys(n: number): Uint32Array {
  const keys = new Uint32Array(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    keys[i] = x >>> 0;
  }
  return keys;
}
