import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import { defaulted, summary, template, typeOf } from './fixtures.ts';
import { validateCreate, validateUpdate } from './index.ts';

function workload(kind: string, spec: JsonObject): KubeObject {
  return defaulted(kind, 'apps', { spec: { selector: { matchLabels: { app: 'x' } }, template: template(), ...spec } });
}

for (const kind of ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']) {
  test(`a defaulted ${kind} passes validation`, () => {
    assert.deepEqual(validateCreate(typeOf(kind, 'apps'), workload(kind, {})), []);
  });

  test(`a ${kind} whose selector does not match its template is invalid`, () => {
    const causes = validateCreate(typeOf(kind, 'apps'), workload(kind, { selector: { matchLabels: { app: 'y' } } }));
    assert.deepEqual(summary(causes), ['spec.template.metadata.labels FieldValueInvalid']);
    assert.match(causes[0]?.message ?? '', /`selector` does not match template `labels`$/);
  });

  test(`a ${kind} selector may not change on update`, () => {
    const old = workload(kind, {});
    const next = workload(kind, { selector: { matchLabels: { app: 'x', tier: 'web' } }, template: template({ app: 'x', tier: 'web' }) });
    assert.deepEqual(summary(validateUpdate(typeOf(kind, 'apps'), next, old)), ['spec.selector FieldValueInvalid']);
  });
}

test('a Deployment reads back with upstream defaults', () => {
  const spec = workload('Deployment', {}).spec as JsonObject;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
});

test('a StatefulSet and a DaemonSet read back with upstream defaults', () => {
  const sts = workload('StatefulSet', {}).spec as JsonObject;
  assert.equal(sts.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(sts.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(sts.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  const ds = workload('DaemonSet', {}).spec as JsonObject;
  assert.deepEqual(ds.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
});

const deployment = typeOf('Deployment', 'apps');
const cases: Array<[string, JsonObject, string[]]> = [
  ['negative replicas', { replicas: -1 }, ['spec.replicas FieldValueInvalid']],
  ['a missing selector', { selector: null }, ['spec.selector FieldValueRequired']],
  ['an empty selector', { selector: {} }, ['spec.selector FieldValueInvalid']],
  ['a template restart policy other than Always', { template: { metadata: { labels: { app: 'x' } }, spec: { ...(template().spec as JsonObject), restartPolicy: 'Never' } } }, ['spec.template.spec.restartPolicy FieldValueNotSupported']],
  ['an unknown strategy type', { strategy: { type: 'Canary' } }, ['spec.strategy.type FieldValueNotSupported']],
  ['a rolling update on a Recreate strategy', { strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }, ['spec.strategy.rollingUpdate FieldValueForbidden']],
  ['zero surge and zero unavailability', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } }, ['spec.strategy.rollingUpdate.maxUnavailable FieldValueInvalid']],
  ['a malformed percentage', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '10 %', maxUnavailable: 1 } } }, ['spec.strategy.rollingUpdate.maxSurge FieldValueInvalid']],
  ['a progress deadline not above min ready seconds', { minReadySeconds: 700 }, ['spec.progressDeadlineSeconds FieldValueInvalid']],
  ['a bad selector expression', { selector: { matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'In' }] } }, ['spec.selector.matchExpressions[0].values FieldValueRequired', 'spec.template.metadata.labels FieldValueInvalid']],
];

for (const [name, spec, expected] of cases) {
  test(`a Deployment with ${name} is invalid at the expected field`, () => {
    assert.deepEqual(summary(validateCreate(deployment, workload('Deployment', spec))), expected);
  });
}

test('a Deployment reports invalid replicas in Kubernetes wording', () => {
  const causes = validateCreate(deployment, workload('Deployment', { replicas: -1 }));
  assert.equal(`${causes[0]?.field}: ${causes[0]?.message}`, 'spec.replicas: Invalid value: -1: must be greater than or equal to 0');
});

test('a StatefulSet update may change replicas and template but not the service name', () => {
  const sts = typeOf('StatefulSet', 'apps');
  const old = workload('StatefulSet', { serviceName: 'a' });
  assert.deepEqual(validateUpdate(sts, workload('StatefulSet', { serviceName: 'a', replicas: 3 }), old), []);
  assert.deepEqual(summary(validateUpdate(sts, workload('StatefulSet', { serviceName: 'b' }), old)), ['spec FieldValueForbidden']);
});

test('a StatefulSet container may mount a volume its claim templates provide, but not an undeclared one', () => {
  const tpl = template();
  const spec = tpl.spec as JsonObject;
  delete spec.volumes;
  const claims = [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }];
  assert.deepEqual(validateCreate(typeOf('StatefulSet', 'apps'), workload('StatefulSet', { template: tpl, volumeClaimTemplates: claims })), []);
  const causes = validateCreate(typeOf('Deployment', 'apps'), workload('Deployment', { template: tpl }));
  assert.deepEqual(summary(causes), ['spec.template.spec.containers[0].volumeMounts[0].name FieldValueNotFound']);
});
