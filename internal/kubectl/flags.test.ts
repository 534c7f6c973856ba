import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../cli/usage-error.ts';
import { boolFlag, listFlag, parseFlags, stringFlag } from './flags.ts';
import { splitVerb } from './run.ts';

const specs = [
  { name: 'all-namespaces', short: 'A', kind: 'bool' },
  { name: 'watch', short: 'w', kind: 'bool' },
  { name: 'output', short: 'o', kind: 'string' },
  { name: 'filename', short: 'f', kind: 'list' },
  { name: 'wait', kind: 'bool', default: true },
] as const;

test('long, short, attached and bundled spellings all parse, among positionals', () => {
  const parsed = parseFlags(['pods', '-nkube-system', '-Aw', '--output=yaml', '-f', 'a', '-f=b', 'x', '--wait=false'], specs, 'get');
  assert.deepEqual(parsed.positionals, ['pods', 'x']);
  assert.equal(stringFlag(parsed, 'namespace'), 'kube-system');
  assert.equal(stringFlag(parsed, 'output'), 'yaml');
  assert.equal(boolFlag(parsed, 'all-namespaces'), true);
  assert.equal(boolFlag(parsed, 'watch'), true);
  assert.equal(boolFlag(parsed, 'wait'), false);
  assert.deepEqual(listFlag(parsed, 'filename'), ['a', 'b']);
});

test('unknown flags and missing values are usage errors', () => {
  assert.throws(() => parseFlags(['--bogus'], specs, 'get'), UsageError);
  assert.throws(() => parseFlags(['-o'], specs, 'get'), UsageError);
  assert.throws(() => parseFlags(['--watch=maybe'], specs, 'get'), UsageError);
});

test('the verb is found after global flags and their values', () => {
  assert.deepEqual(splitVerb(['--kubeconfig', 'kc', '-n', 'x', 'get', 'pods']), { verb: 'get', rest: ['--kubeconfig', 'kc', '-n', 'x', 'pods'] });
  assert.deepEqual(splitVerb(['--kubeconfig=kc']), { verb: undefined, rest: ['--kubeconfig=kc'] });
});
