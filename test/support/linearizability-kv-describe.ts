/** Renderings of the key-value register for failure explanations, and its version invariant. */
import type { KvInput, KvOutput, KvState } from './linearizability-kv.ts';
import type { Operation } from './linearizability-model.ts';

const quote = (s: string): string => JSON.stringify(s);

/** e.g. `cas "b" if version 7`. The key is left out: explanations are per key. */
export function describeKvInput(input: KvInput): string {
  switch (input.op) {
    case 'get':
      return 'get';
    case 'put':
    case 'create':
    case 'update':
      return `${input.op} ${quote(input.value)}`;
    case 'cas':
      return 'version' in input.expected
        ? `cas ${quote(input.value)} if version ${input.expected.version}`
        : `cas ${quote(input.value)} if value ${quote(input.expected.value)}`;
    case 'delete':
      return input.expectedVersion === undefined ? 'delete' : `delete if version ${input.expectedVersion}`;
  }
}

/** e.g. `found "a" @7`, `conflict`. */
export function describeKvOutput(output: KvOutput): string {
  const at = (version: string | undefined) => (version === undefined ? '' : ` @${version}`);
  switch (output.result) {
    case 'found':
      return `found ${quote(output.value)}${at(output.version)}`;
    case 'ok':
      return `ok${at(output.version)}`;
    case 'conflict':
      return output.value === undefined && output.version === undefined
        ? 'conflict'
        : `conflict (current ${output.value === undefined ? '?' : quote(output.value)}${at(output.version)})`;
    default:
      return output.result;
  }
}

/** e.g. `absent`, `"a" @7`, `"a" @? (not 3, 4)`. */
export function describeKvState(state: KvState): string {
  if (state.value === null) return 'absent';
  if (state.version !== null) return `${quote(state.value)} @${state.version}`;
  const not = state.notVersions.length === 0 ? '' : ` (not ${state.notVersions.join(', ')})`;
  return `${quote(state.value)} @?${not}`;
}

/**
 * A version names one content of a key: returns a description of two answered operations that
 * saw the same version with different values, or null.
 */
export function verifyKvVersions(part: readonly Operation<KvInput, KvOutput>[]): string | null {
  const seen = new Map<string, { value: string; op: Operation<KvInput, KvOutput> }>();
  for (const op of part) {
    const pair = observedPair(op);
    if (pair === null) continue;
    const first = seen.get(pair.version);
    if (first === undefined) {
      seen.set(pair.version, { value: pair.value, op });
    } else if (first.value !== pair.value) {
      return (
        `version ${pair.version} was seen with value ${quote(first.value)} (${where(first.op)}) ` +
        `and with value ${quote(pair.value)} (${where(op)}): a version must name one content`
      );
    }
  }
  return null;
}

function observedPair(op: Operation<KvInput, KvOutput>): { value: string; version: string } | null {
  const { input, output } = op;
  if (op.return === null || output === null) return null;
  if (output.result === 'found' && output.version !== undefined) return { value: output.value, version: output.version };
  if (output.result === 'conflict' && output.value !== undefined && output.version !== undefined) {
    return { value: output.value, version: output.version };
  }
  if (output.result === 'ok' && output.version !== undefined && input.op !== 'get' && input.op !== 'delete') {
    return { value: input.value, version: output.version };
  }
  return null;
}

function where(op: Operation<KvInput, KvOutput>): string {
  const output = op.output === null ? 'unknown' : describeKvOutput(op.output);
  return `client ${op.client}: ${describeKvInput(op.input)} -> ${output}, called at ${op.call}`;
}
