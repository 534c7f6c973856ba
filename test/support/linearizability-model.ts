/**
 * Linearizability checking: the shape of a recorded concurrent history and of the
 * sequential specification it is checked against.
 */

/**
 * One operation of a concurrent history: client `client` called with `input` at time `call`
 * and got `output` at time `return`. Times come from one monotonic clock.
 */
export interface Operation<I, O> {
  client: number;
  input: I;
  call: number;
  /**
   * Null when the outcome is unknown (the request timed out, the connection died): the
   * operation may have taken effect at any point after `call`, or never.
   */
  return: number | null;
  /** The answer; ignored (unconstrained) when `return` is null. */
  output: O | null;
}

/**
 * A sequential specification of an object. States are values: `step` must not mutate the
 * state it is given, and must be deterministic (the search replays steps and memoizes them).
 */
export interface Model<S, I, O> {
  /** The state before the first operation. */
  init(): S;
  /**
   * Every state the object can be in after performing `input` in `state` and answering
   * `output`; empty when that answer is impossible in that state. A list rather than one
   * state because an answer can leave several possibilities (an unknown outcome may or may
   * not have applied). With `output` null (unknown outcome) the list must never be empty.
   */
  step(state: S, input: I, output: O | null): readonly S[];
  /** A memo key: equal states give equal strings (different states may collide if `equal` is given). */
  hash(state: S): string;
  /** State equality; when absent, states with equal hashes are equal. */
  equal?(a: S, b: S): boolean;
  /**
   * Splits a history into parts over independent objects (e.g. by key); linearizability is
   * local, so the history is linearizable iff every part is. Default: one part named "all".
   */
  partition?(history: readonly Operation<I, O>[]): ReadonlyMap<string, readonly Operation<I, O>[]>;
  /** True when `input` never changes the state; such an operation with unknown outcome is dropped. */
  readOnly?(input: I): boolean;
  /**
   * Invariants of the whole part beyond the sequential specification, checked before the
   * search; returns what is wrong, or null.
   */
  verify?(part: readonly Operation<I, O>[]): string | null;
  /** Renderings for failure explanations; JSON when absent. */
  describeInput?(input: I): string;
  describeOutput?(output: O): string;
  describeState?(state: S): string;
}
