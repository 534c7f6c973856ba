/** Compact builders for hand-written key-value histories in tests of the linearizability checker. */
import type { KvInput, KvOutput } from './linearizability-kv.ts';
import type { Operation } from './linearizability-model.ts';

/** client, call, return (null: outcome unknown), input, output. */
export type Row = [client: number, call: number, ret: number | null, input: KvInput, output: KvOutput | null];

/** The operations of `rows`, in order. */
export function kvHistory(...rows: Row[]): Operation<KvInput, KvOutput>[] {
  return rows.map(([client, call, ret, input, output]) => ({ client, input, call, return: ret, output }));
}

/** Inputs on key `k` unless another key is given. */
export const get = (key = 'k'): KvInput => ({ op: 'get', key });
export const put = (value: string, key = 'k'): KvInput => ({ op: 'put', key, value });
export const create = (value: string, key = 'k'): KvInput => ({ op: 'create', key, value });
export const update = (value: string, key = 'k'): KvInput => ({ op: 'update', key, value });
export const cas = (value: string, version: string, key = 'k'): KvInput => ({ op: 'cas', key, value, expected: { version } });
export const casValue = (value: string, expected: string, key = 'k'): KvInput => ({
  op: 'cas',
  key,
  value,
  expected: { value: expected },
});
export const del = (expectedVersion?: string, key = 'k'): KvInput =>
  expectedVersion === undefined ? { op: 'delete', key } : { op: 'delete', key, expectedVersion };

/** Outputs. */
export const found = (value: string, version?: string): KvOutput =>
  version === undefined ? { result: 'found', value } : { result: 'found', value, version };
export const ok = (version?: string): KvOutput => (version === undefined ? { result: 'ok' } : { result: 'ok', version });
export const exists: KvOutput = { result: 'exists' };
export const missing: KvOutput = { result: 'not-found' };
export const conflict = (value?: string, version?: string): KvOutput => ({
  result: 'conflict',
  ...(value === undefined ? {} : { value }),
  ...(version === undefined ? {} : { version }),
});
