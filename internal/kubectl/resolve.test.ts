import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubectlError } from './errors.ts';
import { qualifiedKind, resolveType, splitTypeAndNames } from './resolve.ts';

test('plural, singular, short name and kind all name the same type', () => {
  for (const text of ['deployments', 'deployment', 'deploy', 'Deployment', 'deployments.apps', 'deploy.v1.apps']) {
    const type = resolveType(text);
    assert.equal(`${type.group}/${type.plural}`, 'apps/deployments', text);
  }
});

test('the core group wins for events and the first listed version wins for hpa', () => {
  assert.equal(resolveType('events').group, '');
  assert.equal(resolveType('events.events.k8s.io').group, 'events.k8s.io');
  assert.equal(resolveType('hpa').version, 'v2');
  assert.equal(resolveType('hpa.v1.autoscaling').version, 'v1');
});

test('an unknown type fails with kubectl wording', () => {
  assert.throws(() => resolveType('frobs'), (e: unknown) => e instanceof KubectlError && e.message === 'the server doesn\'t have a resource type "frobs"');
});

test('type/name, comma lists and the all category expand to typed targets', () => {
  assert.deepEqual(splitTypeAndNames(['cm/a', 'deploy/b']).map((t) => `${qualifiedKind(t.type)} ${t.name}`), ['configmap a', 'deployment.apps b']);
  assert.deepEqual(splitTypeAndNames(['cm,secret', 'x']).map((t) => `${t.type.plural} ${t.name}`), ['configmaps x', 'secrets x']);
  const all = splitTypeAndNames(['all']).map((t) => t.type.plural);
  assert.ok(all.includes('pods') && all.includes('deployments'));
  assert.equal(all.filter((p) => p === 'horizontalpodautoscalers').length, 1);
});
