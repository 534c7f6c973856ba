import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import { defaulted, podSpec, summary, typeOf } from './fixtures.ts';
import { validateCreate, validateUpdate } from './index.ts';

const podType = typeOf('Pod');

function pod(edit: (spec: JsonObject, meta: KubeObject['metadata']) => void = () => {}): KubeObject {
  const object = defaulted('Pod', '', { spec: podSpec() });
  edit(object.spec as JsonObject, object.metadata);
  return object;
}

function container(spec: JsonObject, i = 0): JsonObject {
  return (spec.containers as JsonObject[])[i] as JsonObject;
}

test('a defaulted pod with one container passes validation', () => {
  assert.deepEqual(validateCreate(podType, pod()), []);
});

const cases: Array<[string, (spec: JsonObject, meta: KubeObject['metadata']) => void, string[]]> = [
  ['a pod without containers', (s) => { s.containers = []; }, ['spec.containers FieldValueRequired']],
  ['a container without image', (s) => { delete container(s).image; }, ['spec.containers[0].image FieldValueRequired']],
  ['a container name that is not a DNS label', (s) => { container(s).name = 'Web_1'; }, ['spec.containers[0].name FieldValueInvalid']],
  ['duplicate names across init and app containers', (s) => {
    s.initContainers = [{ name: 'web', image: 'busybox', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' }];
  }, ['spec.containers[0].name FieldValueDuplicate']],
  ['a container port out of range', (s) => { container(s).ports = [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 70000, protocol: 'TCP' }]; }, ['spec.containers[0].ports[1].containerPort FieldValueInvalid']],
  ['an unknown port protocol', (s) => { container(s).ports = [{ containerPort: 80, protocol: 'ICMP' }]; }, ['spec.containers[0].ports[0].protocol FieldValueNotSupported']],
  ['duplicate port names', (s) => { container(s).ports = [{ containerPort: 80, protocol: 'TCP', name: 'web' }, { containerPort: 81, protocol: 'TCP', name: 'web' }]; }, ['spec.containers[0].ports[1].name FieldValueDuplicate']],
  ['a port name that is not an IANA service name', (s) => { container(s).ports = [{ containerPort: 80, protocol: 'TCP', name: 'http--port' }]; }, ['spec.containers[0].ports[0].name FieldValueInvalid']],
  ['an env name with "="', (s) => { container(s).env = [{ name: 'A=B', value: '1' }]; }, ['spec.containers[0].env[0].name FieldValueInvalid']],
  ['an env var with both value and valueFrom', (s) => { container(s).env = [{ name: 'A', value: '1', valueFrom: { fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } } }]; }, ['spec.containers[0].env[0].valueFrom FieldValueInvalid']],
  ['a mount of an unknown volume', (s) => { container(s).volumeMounts = [{ name: 'nope', mountPath: '/x' }]; }, ['spec.containers[0].volumeMounts[0].name FieldValueNotFound']],
  ['two mounts at one path', (s) => { container(s).volumeMounts = [{ name: 'data', mountPath: '/x' }, { name: 'data', mountPath: '/x' }]; }, ['spec.containers[0].volumeMounts[1].mountPath FieldValueInvalid']],
  ['a request above its limit', (s) => { container(s).resources = { requests: { cpu: '2' }, limits: { cpu: '500m' } }; }, ['spec.containers[0].resources.requests[cpu] FieldValueInvalid']],
  ['a malformed quantity', (s) => { container(s).resources = { limits: { memory: '1GB' } }; }, ['spec.containers[0].resources.limits[memory] FieldValueInvalid']],
  ['a probe with two handlers', (s) => { container(s).livenessProbe = { exec: { command: ['true'] }, tcpSocket: { port: 80 }, periodSeconds: 10 }; }, ['spec.containers[0].livenessProbe.tcpSocket FieldValueForbidden']],
  ['a probe with no handler', (s) => { container(s).readinessProbe = { periodSeconds: 10 }; }, ['spec.containers[0].readinessProbe FieldValueRequired']],
  ['a liveness probe needing two successes', (s) => { container(s).livenessProbe = { exec: { command: ['true'] }, successThreshold: 2 }; }, ['spec.containers[0].livenessProbe.successThreshold FieldValueInvalid']],
  ['duplicate volume names', (s) => { s.volumes = [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }]; }, ['spec.volumes[1].name FieldValueDuplicate']],
  ['a volume with two sources', (s) => { s.volumes = [{ name: 'data', emptyDir: {}, hostPath: { path: '/tmp', type: '' } }]; }, ['spec.volumes[0].emptyDir FieldValueForbidden']],
  ['a configMap volume without a name', (s) => { s.volumes = [{ name: 'data', configMap: { defaultMode: 420 } }]; }, ['spec.volumes[0].configMap.name FieldValueRequired']],
  ['an unknown restart policy', (s) => { s.restartPolicy = 'Sometimes'; }, ['spec.restartPolicy FieldValueNotSupported']],
  ['an unknown DNS policy', (s) => { s.dnsPolicy = 'Custom'; }, ['spec.dnsPolicy FieldValueNotSupported']],
  ['a node selector with a bad label value', (s) => { s.nodeSelector = { disk: 'not ok' }; }, ['spec.nodeSelector FieldValueInvalid']],
  ['a toleration with an unknown effect', (s) => { s.tolerations = [{ key: 'a', operator: 'Exists', effect: 'Never' }]; }, ['spec.tolerations[0].effect FieldValueNotSupported']],
  ['an empty-key toleration with Equal', (s) => { s.tolerations = [{ operator: 'Equal', value: 'x' }]; }, ['spec.tolerations[0].operator FieldValueInvalid']],
  ['a negative grace period', (s) => { s.terminationGracePeriodSeconds = -1; }, ['spec.terminationGracePeriodSeconds FieldValueInvalid']],
  ['a zero active deadline', (s) => { s.activeDeadlineSeconds = 0; }, ['spec.activeDeadlineSeconds FieldValueInvalid']],
  ['an upper-case pod name', (_s, m) => { m.name = 'Web'; }, ['metadata.name FieldValueInvalid']],
  ['a label key with two slashes', (_s, m) => { m.labels = { 'a/b/c': 'x' }; }, ['metadata.labels FieldValueInvalid']],
  ['a label value over 63 characters', (_s, m) => { m.labels = { app: 'a'.repeat(64) }; }, ['metadata.labels FieldValueInvalid']],
  ['an annotation key with a bad prefix', (_s, m) => { m.annotations = { 'Ex ample.com/a': 'x' }; }, ['metadata.annotations FieldValueInvalid']],
  ['annotations over 256 KiB', (_s, m) => { m.annotations = { big: 'x'.repeat(262145) }; }, ['metadata.annotations FieldValueTooLong']],
  ['a missing namespace', (_s, m) => { delete m.namespace; }, ['metadata.namespace FieldValueRequired']],
];

for (const [name, edit, expected] of cases) {
  test(`${name} is invalid at the expected field`, () => {
    assert.deepEqual(summary(validateCreate(podType, pod(edit))), expected);
  });
}

test('invalid causes use Kubernetes wording', () => {
  const causes = validateCreate(podType, pod((s) => { container(s).ports = [{ containerPort: 70000, protocol: 'TCP' }]; }));
  assert.equal(causes[0]?.message, 'Invalid value: 70000: must be between 1 and 65535, inclusive');
  const restart = validateCreate(podType, pod((s) => { s.restartPolicy = 'Sometimes'; }));
  assert.equal(restart[0]?.message, 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"');
});

test('a pod update may change images and add tolerations', () => {
  const old = pod();
  const next = pod((s) => {
    container(s).image = 'nginx:1.28';
    (s.tolerations as JsonObject[]).push({ key: 'a', operator: 'Exists', effect: 'NoSchedule' });
  });
  assert.deepEqual(validateUpdate(podType, next, old), []);
});

test('a pod update may not change other spec fields', () => {
  const causes = validateUpdate(podType, pod((s) => { s.restartPolicy = 'Never'; }), pod());
  assert.deepEqual(summary(causes), ['spec FieldValueForbidden']);
  assert.match(causes[0]?.message ?? '', /^Forbidden: pod updates may not change fields other than/);
});

test('a pod update may not remove a toleration or extend the active deadline', () => {
  const old = pod((s) => { s.activeDeadlineSeconds = 10; });
  const next = pod((s) => { s.activeDeadlineSeconds = 20; s.tolerations = []; });
  assert.deepEqual(summary(validateUpdate(podType, next, old)), [
    'spec.activeDeadlineSeconds FieldValueInvalid', 'spec.tolerations FieldValueForbidden',
  ]);
});
