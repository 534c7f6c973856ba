/**
 * The linearizability search over one part of a history: Wing & Gong's backtracking over a
 * linked list of call and return entries, with Lowe's memo of (placed set, states) pairs that
 * were already explored, as in Porcupine. The search state is the set of states the object may
 * be in, so models may answer several next states.
 *
 * An operation with unknown outcome has its return at infinity: it may be placed anywhere
 * after its call, and placing it last is the same as it never taking effect. With a `latest`
 * time, that is its return instead, and placing it may also leave the states unchanged (it
 * never took effect).
 */
import type { Model, Operation } from './linearizability-model.ts';
import { buildList, lift, pendingCalls, unlift, type Entry } from './linearizability-list.ts';
import { remember, setKey, stepAll, toggle, union, zobristKeys, type Explored, type Memo } from './linearizability-memo.ts';

/** What the search found, and how far it got when it did not find a linearization. */
export interface SearchResult<S> {
  outcome: 'linearizable' | 'violation' | 'timeout';
  /** The longest linearization reached (indices of operations), in order; empty when linearizable. */
  longest: readonly number[];
  /** The possible states after each operation of `longest`. */
  statesAfter: readonly (readonly S[])[];
  /** Operations that were pending after `longest`, none of which could be placed next. */
  candidates: readonly number[];
  /** The operation whose return was reached without it being placed (the search had to back up). */
  blocker: number | null;
}

/** Limits of one search. */
export interface SearchLimits {
  /** Give up when `now()` passes this. */
  deadline: number;
  now: () => number;
}

/** An operation to search; one with unknown outcome may have a time by which it took effect, if ever. */
export type SearchOperation<I, O> = Operation<I, O> & { latest?: number };

interface Frame<S> {
  call: Entry;
  /** The frame below: frames form a persistent list, so keeping the longest order costs O(1). */
  parent: Frame<S> | null;
  /** States before this operation was placed. */
  before: readonly S[];
  explored: Explored<S>;
}

interface Best<S> {
  depth: number;
  top: Frame<S> | null;
  after: readonly S[];
  candidates: number[];
  blocker: number | null;
}

/** Searches for a linearization of `ops` against `model` within `limits`. */
export function searchLinearization<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly SearchOperation<I, O>[],
  limits: SearchLimits,
): SearchResult<S> {
  const equal = model.equal?.bind(model) ?? ((a: S, b: S) => model.hash(a) === model.hash(b));
  const returnTime = (i: number) => ops[i]?.return ?? ops[i]?.latest ?? Infinity;
  const head = buildList(ops, returnTime);
  const bits = new Uint32Array(Math.ceil(ops.length / 32) + 1);
  // Operations without any deadline: the memo may treat placing fewer of them as better.
  const free = new Uint32Array(bits.length);
  let unplacedBound = 0;
  ops.forEach((_, i) => {
    if (returnTime(i) === Infinity) toggle(free, i);
    else unplacedBound++;
  });
  const isFree = (i: number) => ((free[i >>> 5] ?? 0) & (1 << (i & 31))) !== 0;
  const zobrist = zobristKeys(ops.length);
  const memo: Memo<S> = new Map();
  let fingerprint = 0;
  let states: readonly S[] = [model.init()];
  let top: Frame<S> | null = null;
  let best: Best<S> = { depth: -1, top: null, after: states, candidates: [], blocker: null };
  let depth = 0;
  let iterations = 0;
  let entry = head.next;

  // Done when every operation with a deadline is placed: the free ones can all come last.
  while (entry !== null && unplacedBound > 0) {
    if ((++iterations & 255) === 0 && limits.now() > limits.deadline) return report(best, 'timeout');
    if (entry.call) {
      const i = entry.op;
      const op = ops[i];
      let next: readonly S[] = [];
      if (op !== undefined) {
        next = stepAll(model, equal, states, op.input, op.return === null ? null : op.output);
        if (op.return === null && !isFree(i)) next = union(equal, next, states);
      }
      if (next.length > 0) {
        toggle(bits, i);
        if (!isFree(i)) fingerprint ^= zobrist[i] ?? 0;
        const explored = remember(memo, equal, `${fingerprint}|${setKey(model, next)}`, bits, free, next);
        if (explored !== null) {
          top = { call: entry, parent: top, before: states, explored };
          depth++;
          if (!isFree(i)) unplacedBound--;
          states = next;
          lift(entry);
          entry = head.next;
          continue;
        }
        toggle(bits, i);
        if (!isFree(i)) fingerprint ^= zobrist[i] ?? 0;
      }
      entry = entry.next;
      continue;
    }
    // A return entry of an operation not yet placed: no order of what is placed works.
    if (depth > best.depth) best = { depth, top, after: states, candidates: pendingCalls(head, entry), blocker: entry.op };
    const frame = top;
    if (frame === null) return report(best, 'violation');
    top = frame.parent;
    depth--;
    frame.explored.done = true;
    states = frame.before;
    const i = frame.call.op;
    toggle(bits, i);
    if (!isFree(i)) {
      fingerprint ^= zobrist[i] ?? 0;
      unplacedBound++;
    }
    unlift(frame.call);
    entry = frame.call.next;
  }
  return { outcome: 'linearizable', longest: [], statesAfter: [], candidates: [], blocker: null };
}

/** The result for the longest order reached, rebuilt from its top frame. */
function report<S>(best: Best<S>, outcome: 'violation' | 'timeout'): SearchResult<S> {
  const longest: number[] = [];
  const statesAfter: (readonly S[])[] = [];
  let after = best.after;
  for (let frame = best.top; frame !== null; frame = frame.parent) {
    longest.push(frame.call.op);
    statesAfter.push(after);
    after = frame.before;
  }
  longest.reverse();
  statesAfter.reverse();
  return { outcome, longest, statesAfter, candidates: best.candidates, blocker: best.blocker };
}
