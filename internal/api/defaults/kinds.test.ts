import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../apiserver/objects.ts';
import { defaulted } from '../validation/fixtures.ts';

test('volumes and claims default to Filesystem, Pending, and Retain for volumes', () => {
  const pv = defaulted('PersistentVolume', '', { spec: {} });
  assert.deepEqual(pv.spec, { persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' });
  assert.deepEqual(pv.status, { phase: 'Pending' });
  assert.deepEqual(defaulted('PersistentVolumeClaim', '', { spec: {} }).spec, { volumeMode: 'Filesystem' });
});

test('priority and storage classes get their policies', () => {
  assert.equal(defaulted('PriorityClass', 'scheduling.k8s.io', { value: 1 }).preemptionPolicy, 'PreemptLowerPriority');
  const sc = defaulted('StorageClass', 'storage.k8s.io', { provisioner: 'a.io/b' });
  assert.deepEqual([sc.reclaimPolicy, sc.volumeBindingMode], ['Delete', 'Immediate']);
});

test('network policies infer policy types and TCP ports', () => {
  const spec = defaulted('NetworkPolicy', 'networking.k8s.io', { spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] } }).spec as JsonObject;
  assert.deepEqual(spec.policyTypes, ['Ingress', 'Egress']);
  assert.deepEqual(spec.egress, [{ ports: [{ port: 53, protocol: 'TCP' }] }]);
});

test('role binding subjects get the API group their kind implies', () => {
  const rb = defaulted('RoleBinding', 'rbac.authorization.k8s.io', {
    roleRef: { kind: 'Role', name: 'r' },
    subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'default', namespace: 'default' }],
  });
  assert.deepEqual(rb.roleRef, { kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' });
  assert.deepEqual((rb.subjects as JsonObject[]).map((s) => s.apiGroup), ['rbac.authorization.k8s.io', '']);
});

test('an autoscaling/v2 HPA without metrics targets 80% CPU with at least one replica', () => {
  const spec = defaulted('HorizontalPodAutoscaler', 'autoscaling', { spec: { maxReplicas: 3 } }).spec as JsonObject;
  assert.equal(spec.minReplicas, 1);
  assert.deepEqual(spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
});

test('container limit ranges default limits from max and requests from limits', () => {
  const spec = defaulted('LimitRange', '', { spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }] } }).spec as JsonObject;
  assert.deepEqual(spec.limits, [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' }, default: { cpu: '2' }, defaultRequest: { cpu: '2', memory: '64Mi' } }]);
});

test('endpoint slice ports default to TCP with an empty name', () => {
  const slice = defaulted('EndpointSlice', 'discovery.k8s.io', { addressType: 'IPv4', ports: [{ port: 80 }] });
  assert.deepEqual(slice.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
});

test('a Service with ClientIP affinity gets the three-hour timeout and LoadBalancers allocate node ports', () => {
  const spec = defaulted('Service', '', { spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] } }).spec as JsonObject;
  assert.deepEqual(spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  assert.equal(spec.allocateLoadBalancerNodePorts, true);
  assert.equal(spec.externalTrafficPolicy, 'Cluster');
});

test('a headless Service without a selector may be dual-stack', () => {
  const spec = defaulted('Service', '', { spec: { clusterIP: 'None' } }).spec as JsonObject;
  assert.equal(spec.ipFamilyPolicy, 'RequireDualStack');
});
