/**
 * Linearizability checker for histories recorded by concurrent clients (Porcupine/Knossos
 * style): does some order of the operations, each placed between its call and its return,
 * satisfy the model's sequential specification? Used to check the replicated datastore
 * behind the API under faults, with `kvModel` for Kubernetes objects:
 *
 *   const history: Operation<KvInput, KvOutput>[] = [];   // one entry per request
 *   // GET -> { op: 'get' } answered { result: 'found', value, version: resourceVersion } or not-found;
 *   // POST -> create; PUT with metadata.resourceVersion -> cas; PUT without -> update;
 *   // DELETE (optionally preconditions.resourceVersion) -> delete; a timeout -> return: null.
 *   const result = checkOperations(kvModel, history, { timeoutMs: 30_000 });
 *   assert.equal(result.ok, true, result.ok === true ? '' : result.explanation);
 *
 * The search is exponential in the worst case; it stays fast while few operations are
 * pending at once per key. Operations with unknown outcome stay pending until the end unless
 * `unknownWindowMs` bounds when they can take effect, so use fresh keys often or set a window
 * when a fault makes many requests time out.
 */
import type { Model, Operation } from './linearizability-model.ts';
import { searchLinearization, type SearchLimits, type SearchOperation, type SearchResult } from './linearizability-search.ts';
import { explainViolation } from './linearizability-explain.ts';

export type { Model, Operation } from './linearizability-model.ts';
export { kvModel, type KvInput, type KvOutput, type KvState } from './linearizability-kv.ts';

/** Options of `checkOperations`. */
export interface CheckOptions {
  /** Overall time budget; past it the answer is `ok: 'unknown'`. Default 10 000 ms. */
  timeoutMs?: number;
  /** Clock in milliseconds; default `performance.now`. */
  now?: () => number;
  /** Most operations an explanation lists; default 60. */
  explainLimit?: number;
  /**
   * An assumption that makes histories with many unknown outcomes tractable: an operation
   * with unknown outcome took effect within this long after its call, or never. Default:
   * no assumption (it may take effect at any later time), which is exact but can be slow
   * when dozens of them are pending on one partition.
   */
  unknownWindowMs?: number;
}

/** A part of the history that no order explains. */
export interface Violation<I, O> {
  ok: false;
  /** The partition (key) that failed. */
  partition: string;
  /** Human-readable account: the failing operations in time order and how far an order got. */
  explanation: string;
  /** The longest order of operations the search could justify, in that order. */
  longestPrefix: Operation<I, O>[];
  /**
   * The operations of the shortest prefix of the partition (cut just after a return) that is
   * already not linearizable; absent when the budget ran out first or `verify` failed.
   */
  minimalPrefix?: Operation<I, O>[];
  /** The operation whose return ends `minimalPrefix`: the first answer nothing can explain. */
  culprit?: Operation<I, O>;
}

/** The verdict: linearizable, not (with an explanation), or undecided within the budget. */
export type CheckResult<I, O> =
  | { ok: true }
  | { ok: 'unknown'; partitions: string[]; explanation: string }
  | Violation<I, O>;

/**
 * Checks `history` against `model`, one partition at a time. Returns `ok: false` for the first
 * partition with no linearization, `ok: 'unknown'` when the time budget ran out before every
 * partition was decided, else `ok: true`. Throws on a malformed history (a return before its call).
 */
export function checkOperations<S, I, O>(
  model: Model<S, I, O>,
  history: readonly Operation<I, O>[],
  options: CheckOptions = {},
): CheckResult<I, O> {
  validate(history);
  const now = options.now ?? (() => performance.now());
  const timeoutMs = options.timeoutMs ?? 10_000;
  const limits: SearchLimits = { deadline: now() + timeoutMs, now };
  const window = options.unknownWindowMs ?? Infinity;
  const numbers = new Map(history.map((op, i) => [op, i]));
  const parts = model.partition?.(history) ?? new Map([['all', history]]);
  const undecided: string[] = [];
  for (const [name, part] of parts) {
    // An unanswered read changes nothing and constrains nothing.
    const recorded = part.filter((op) => op.return !== null || model.readOnly?.(op.input) !== true);
    const broken = model.verify?.(recorded) ?? null;
    if (broken !== null) {
      const explanation = `operations on ${JSON.stringify(name)} are not consistent: ${broken}`;
      return { ok: false, partition: name, explanation, longestPrefix: [] };
    }
    const ops = recorded.map((op): SearchOperation<I, O> => (op.return === null ? { ...op, latest: op.call + window } : op));
    const full = searchLinearization(model, ops, limits);
    if (full.outcome === 'timeout') {
      undecided.push(name);
      continue;
    }
    if (full.outcome === 'linearizable') continue;
    const shown = minimalFailingPrefix(model, ops, recorded, limits) ?? {
      ops,
      originals: recorded,
      result: full,
      culprit: null,
    };
    const explanation = explainViolation({
      model,
      partition: name,
      ops: shown.ops,
      numbers: shown.originals.map((op) => numbers.get(op) ?? -1),
      result: shown.result,
      culprit: shown.culprit,
      limit: options.explainLimit ?? 60,
    });
    const longestPrefix = shown.result.longest.flatMap((i) => shown.originals[i] ?? []);
    const violation: Violation<I, O> = { ok: false, partition: name, explanation, longestPrefix };
    const culprit = shown.culprit === null ? undefined : shown.originals[shown.culprit];
    if (culprit !== undefined) {
      violation.minimalPrefix = [...shown.originals];
      violation.culprit = culprit;
    }
    return violation;
  }
  if (undecided.length === 0) return { ok: true };
  const explanation =
    `no verdict within ${timeoutMs} ms for ${undecided.length} of ${parts.size} partitions: ` +
    undecided.map((name) => JSON.stringify(name)).join(', ');
  return { ok: 'unknown', partitions: undecided, explanation };
}

function validate<I, O>(history: readonly Operation<I, O>[]): void {
  history.forEach((op, i) => {
    if (!Number.isFinite(op.call) || (op.return !== null && !(op.return >= op.call))) {
      throw new RangeError(
        `Cannot check a history with operation #${i} returning before its call: call ${op.call}, return ${op.return}`,
      );
    }
  });
}

interface FailingPrefix<S, I, O> {
  /** The prefix as searched: operations still running at the cut have an unknown outcome. */
  ops: readonly SearchOperation<I, O>[];
  /** The recorded operation behind each entry of `ops`. */
  originals: readonly Operation<I, O>[];
  result: SearchResult<S>;
  /** Index in `ops` of the operation whose return is the cut. */
  culprit: number;
}

/**
 * Binary search for the shortest failing prefix of `ops` (`recorded` are the operations as
 * recorded). Cutting a history just after its k-th return (keeping the operations called by
 * then, and giving those not yet returned an unknown outcome) gives a history that is
 * linearizable whenever a longer cut is, so failure is monotone in k. Null when the budget
 * runs out.
 */
function minimalFailingPrefix<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly SearchOperation<I, O>[],
  recorded: readonly Operation<I, O>[],
  limits: SearchLimits,
): FailingPrefix<S, I, O> | null {
  const returns = ops
    .map((op, i) => ({ i, at: op.return }))
    .filter((r): r is { i: number; at: number } => r.at !== null)
    .sort((a, b) => a.at - b.at || a.i - b.i);
  const rank = new Map(returns.map((r, k) => [r.i, k]));
  const attempt = (k: number): FailingPrefix<S, I, O> | null | 'timeout' => {
    const last = returns[k - 1];
    const until = last?.at ?? -Infinity;
    const originals: Operation<I, O>[] = [];
    const searched: SearchOperation<I, O>[] = [];
    let culprit = -1;
    ops.forEach((op, i) => {
      const original = recorded[i];
      if (op.call > until || original === undefined) return;
      const done = (rank.get(i) ?? Infinity) < k;
      if (!done && model.readOnly?.(op.input) === true) return;
      if (i === last?.i) culprit = originals.length;
      originals.push(original);
      // An answered operation still running at the cut may take effect at any later time.
      searched.push(done || op.return === null ? op : { ...original, return: null, output: null });
    });
    const result = searchLinearization(model, searched, limits);
    if (result.outcome === 'timeout') return 'timeout';
    return result.outcome === 'violation' ? { ops: searched, originals, result, culprit } : null;
  };
  // The empty cut is linearizable; the cut after the last return is as good as the whole part.
  let lo = 0;
  let hi = returns.length;
  let found: FailingPrefix<S, I, O> | null = null;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const outcome = attempt(mid);
    if (outcome === 'timeout') return null;
    if (outcome === null) {
      lo = mid;
    } else {
      hi = mid;
      found = outcome;
    }
  }
  if (found !== null) return found;
  const outcome = attempt(hi);
  return outcome === 'timeout' ? null : outcome;
}
