/** The failure explanation of the linearizability checker: enough to debug a history by eye. */
import type { Model, Operation } from './linearizability-model.ts';
import type { SearchResult } from './linearizability-search.ts';

/** What `explainViolation` renders. */
export interface ExplainInput<S, I, O> {
  model: Model<S, I, O>;
  partition: string;
  /** The operations searched (those running at a cut have an unknown outcome). */
  ops: readonly Operation<I, O>[];
  /** The position of each operation in the checked history, for `#n` labels. */
  numbers: readonly number[];
  result: SearchResult<S>;
  /** Index in `ops` of the operation whose return ends the shortest failing prefix, if known. */
  culprit: number | null;
  /** Most operations listed per section. */
  limit: number;
}

/** Renders a failed search: the culprit, the longest order found, what could not follow it, and the operations in call order. */
export function explainViolation<S, I, O>(x: ExplainInput<S, I, O>): string {
  const { model, ops, result } = x;
  const start = ops.reduce((min, op) => Math.min(min, op.call), Infinity);
  const time = (t: number | null) => (t === null ? 'no return' : `+${round(t - start)}`);
  const label = (i: number): string => {
    const op = ops[i];
    if (op === undefined) return `#?`;
    const input = model.describeInput?.(op.input) ?? JSON.stringify(op.input);
    const output =
      op.return === null || op.output === null
        ? 'unknown'
        : (model.describeOutput?.(op.output) ?? JSON.stringify(op.output));
    return `#${x.numbers[i] ?? '?'} client ${op.client} [${time(op.call)}, ${time(op.return)}] ${input} -> ${output}`;
  };
  const states = (set: readonly S[] | undefined) =>
    (set ?? []).map((s) => model.describeState?.(s) ?? JSON.stringify(s)).join(' or ');

  const lines = [`operations on ${JSON.stringify(x.partition)} are not linearizable`];
  if (x.culprit !== null) {
    lines.push(
      `the first answer that no order explains: ${label(x.culprit)}`,
      `(the shortest failing prefix ends with that return; ${ops.length} operations were called by then, ` +
        `those still running are taken as outcome unknown)`,
    );
  }
  const placed = new Map(result.longest.map((op, k) => [op, k + 1]));
  const shownSteps = Math.min(result.longest.length, Math.ceil(x.limit / 2));
  lines.push(`the longest order found places ${result.longest.length} of ${ops.length} operations; its last steps:`);
  if (shownSteps < result.longest.length) lines.push(`  … ${result.longest.length - shownSteps} earlier steps`);
  for (let k = result.longest.length - shownSteps; k < result.longest.length; k++) {
    lines.push(`  ${k + 1}. ${label(result.longest[k] ?? -1)}  => ${states(result.statesAfter[k])}`);
  }
  if (result.longest.length === 0) lines.push(`  (none; the initial state is ${states([model.init()])})`);
  lines.push('none of the operations pending after it can come next:');
  for (const i of result.candidates.slice(0, x.limit)) lines.push(`  ${label(i)}`);
  if (result.blocker !== null) {
    const blocker = `#${x.numbers[result.blocker] ?? '?'}`;
    lines.push(`  (${blocker} must come before everything called after its return, and it cannot come next)`);
  }

  // Without a shortest failing prefix, what matters ends where the search got stuck.
  const stuck = x.culprit === null && result.blocker !== null ? (ops[result.blocker]?.return ?? Infinity) : Infinity;
  const order = ops
    .map((_, i) => i)
    .filter((i) => (ops[i]?.call ?? 0) <= stuck)
    .sort((a, b) => (ops[a]?.call ?? 0) - (ops[b]?.call ?? 0) || a - b);
  lines.push(`operations in call order (times relative to the first call):`);
  if (order.length > x.limit) lines.push(`  … ${order.length - x.limit} earlier operations`);
  for (const i of order.slice(-x.limit)) {
    const k = placed.get(i);
    lines.push(`  ${label(i)}  ${k === undefined ? 'not placed' : `placed ${k}.`}${i === x.culprit ? '  <- culprit' : ''}`);
  }
  return lines.join('\n');
}

function round(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}
