/**
 * A per-key register with versions, shaped after the Kubernetes object API: every write
 * answers with the object's new resourceVersion, reads return value and version, and
 * conditional writes compare the version (update with metadata.resourceVersion, delete with
 * preconditions.resourceVersion).
 *
 * Versions are opaque labels chosen by the store; the model never invents one, it adopts
 * what writes answer. A write whose outcome is unknown (or whose answer carries no version)
 * leaves a state whose version is unknown. That state stands for the set of states
 * "this value, with any version not in `notVersions`", and every step below computes exactly
 * the subset of those states the answer allows:
 * - a read that reports version x keeps exactly the member with version x (allowed iff x is
 *   not excluded), so the unknown is fixed from then on;
 * - a compare on version e that succeeds keeps the member with version e (allowed iff e is
 *   not excluded) and then replaces it, so nothing about the old version survives;
 * - a compare on version e that fails keeps the members whose version is not e: e joins
 *   `notVersions` (or, when the conflict reports the current version, that version is adopted);
 * - an unknown-outcome compare may have matched (its write applies) or not; not matching is
 *   then kept as the unchanged state, because it cannot be told apart from never applying.
 * Each step is the exact image of the set, neither larger nor smaller (the last case widens
 * only by what never applying allows anyway), so a history is accepted with unknown versions
 * iff some choice of concrete versions makes it linearizable against the plain register: no
 * wrong history passes for lack of a version, and no right one fails. "May never have
 * applied" needs no state of its own: the checker may place an unknown operation after
 * everything else, where nothing observes it (or, with a window, leaves the state unchanged).
 *
 * Versions are not assumed fresh (an update that changes nothing keeps its resourceVersion in
 * Kubernetes). Instead `verify` checks that a version names one content: two observations of
 * the same version of a key with different values mean the store reused a version, which a
 * compare-and-swap could not detect (a write lost behind an ABA).
 */
import type { Model, Operation } from './linearizability-model.ts';
import { describeKvInput, describeKvOutput, describeKvState, verifyKvVersions } from './linearizability-kv-describe.ts';

/** An operation on one key. */
export type KvInput =
  | { op: 'get'; key: string }
  /** Write regardless of presence (upsert). */
  | { op: 'put'; key: string; value: string }
  /** Write only when absent: ok | exists. */
  | { op: 'create'; key: string; value: string }
  /** Write only when present, unconditionally (Kubernetes update without resourceVersion): ok | not-found. */
  | { op: 'update'; key: string; value: string }
  /** Write only when present with the expected version or value: ok | conflict | not-found. */
  | { op: 'cas'; key: string; value: string; expected: { version: string } | { value: string } }
  /** Remove, optionally only at the expected version: ok | not-found | conflict. */
  | { op: 'delete'; key: string; expectedVersion?: string };

/** An answer; `version` is the resourceVersion after a successful write, when the client saw it. */
export type KvOutput =
  | { result: 'found'; value: string; version?: string }
  | { result: 'ok'; version?: string }
  | { result: 'exists' }
  | { result: 'not-found' }
  /** A failed precondition; `value`/`version` are the current content when the store reported it. */
  | { result: 'conflict'; value?: string; version?: string };

/**
 * The register's state. `value` null means absent. `version` null with a value means unknown
 * (the last write's answer was not seen); it is then known to differ from every `notVersions`.
 */
export interface KvState {
  readonly value: string | null;
  readonly version: string | null;
  readonly notVersions: readonly string[];
}

const ABSENT: KvState = { value: null, version: null, notVersions: [] };

function written(value: string, output: KvOutput | null): KvState {
  const version = output !== null && output.result === 'ok' ? (output.version ?? null) : null;
  return { value, version, notVersions: [] };
}

/** Whether a present state can have version `v`. */
function mayHaveVersion(state: KvState, v: string): boolean {
  return state.version === null ? !state.notVersions.includes(v) : state.version === v;
}

/** The states consistent with a read (or conflict report) of `value`/`version` in a present state. */
function observe(state: KvState, value: string | undefined, version: string | undefined): KvState[] {
  if (state.value === null) return [];
  if (value !== undefined && value !== state.value) return [];
  if (version === undefined) return [state];
  if (!mayHaveVersion(state, version)) return [];
  return [{ value: state.value, version, notVersions: [] }];
}

/** The states after a precondition check of version `expected` failed. */
function excluded(state: KvState, expected: string): KvState {
  if (state.version !== null || state.notVersions.includes(expected)) return state;
  return { ...state, notVersions: [...state.notVersions, expected].sort() };
}

/** Steps a write guarded by a version or value comparison in a present state; `after` is its effect. */
function guarded(
  state: KvState,
  expected: { version: string } | { value: string },
  after: KvState,
  output: KvOutput | null,
): KvState[] {
  let canMatch: boolean;
  let canMiss: boolean;
  let miss = state;
  if ('version' in expected) {
    canMatch = mayHaveVersion(state, expected.version);
    canMiss = state.version !== expected.version;
    miss = excluded(state, expected.version);
  } else {
    canMatch = state.value === expected.value;
    canMiss = !canMatch;
  }
  // An unknown outcome that missed is left as the unchanged state rather than `miss`: it is
  // indistinguishable from never having applied, which is always possible and allows more.
  if (output === null) return [...(canMatch ? [after] : []), ...(canMiss ? [state] : [])];
  if (output.result === 'ok') return canMatch ? [after] : [];
  if (output.result === 'conflict' && canMiss) return observe(miss, output.value, output.version);
  return [];
}

function step(state: KvState, input: KvInput, output: KvOutput | null): KvState[] {
  const present = state.value !== null;
  if (!present && input.op !== 'put' && input.op !== 'create') {
    // Reads, updates, compares and deletes of an absent key change nothing and answer not-found.
    return output === null || output.result === 'not-found' ? [state] : [];
  }
  switch (input.op) {
    case 'get':
      if (output === null) return [state];
      return output.result === 'found' ? observe(state, output.value, output.version) : [];
    case 'put':
      return output === null || output.result === 'ok' ? [written(input.value, output)] : [];
    case 'create':
      if (present) return output === null || output.result === 'exists' ? [state] : [];
      return output === null || output.result === 'ok' ? [written(input.value, output)] : [];
    case 'update':
      return output === null || output.result === 'ok' ? [written(input.value, output)] : [];
    case 'cas':
      return guarded(state, input.expected, written(input.value, output), output);
    case 'delete':
      if (input.expectedVersion === undefined) return output === null || output.result === 'ok' ? [ABSENT] : [];
      return guarded(state, { version: input.expectedVersion }, ABSENT, output);
  }
}

/** The register model for Kubernetes-style object histories, partitioned by key. */
export const kvModel: Model<KvState, KvInput, KvOutput> = {
  init: () => ABSENT,
  step,
  hash: (s) => JSON.stringify([s.value, s.version, s.notVersions]),
  partition(history) {
    const parts = new Map<string, Operation<KvInput, KvOutput>[]>();
    for (const op of history) {
      const part = parts.get(op.input.key);
      if (part === undefined) parts.set(op.input.key, [op]);
      else part.push(op);
    }
    return parts;
  },
  readOnly: (input) => input.op === 'get',
  verify: verifyKvVersions,
  describeInput: describeKvInput,
  describeOutput: describeKvOutput,
  describeState: describeKvState,
};
