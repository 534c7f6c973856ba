import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../apiserver/objects.ts';
import { resourceTypes } from '../resources.ts';
import { defaulted, summary, typeOf } from './fixtures.ts';
import { validateCreate, validateUpdate } from './index.ts';
import { kindValidators } from './kinds.ts';

interface KindCase {
  kind: string;
  group: string;
  valid: JsonObject;
  invalid: Array<[string, JsonObject, string[]]>;
}

const selector = { matchLabels: { app: 'x' } };

const kinds: KindCase[] = [
  { kind: 'Node', group: '', valid: { spec: { podCIDR: '10.42.0.0/24', podCIDRs: ['10.42.0.0/24'], taints: [{ key: 'a', effect: 'NoSchedule' }] } }, invalid: [
    ['a malformed pod CIDR', { spec: { podCIDRs: ['10.42.0.0/33'] } }, ['spec.podCIDRs[0] FieldValueInvalid']],
    ['a taint without effect', { spec: { taints: [{ key: 'a' }] } }, ['spec.taints[0].effect FieldValueRequired']],
  ] },
  { kind: 'PersistentVolume', group: '', valid: { spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } }, invalid: [
    ['no capacity and a bad access mode', { spec: { accessModes: ['ReadWriteSometimes'], hostPath: { path: '/d' } } }, ['spec.accessModes FieldValueNotSupported', 'spec.capacity FieldValueRequired']],
    ['no volume source', { spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } }, ['spec FieldValueRequired']],
  ] },
  { kind: 'PersistentVolumeClaim', group: '', valid: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }, invalid: [
    ['no storage request or access mode', { spec: {} }, ['spec.accessModes FieldValueRequired', 'spec.resources[storage] FieldValueRequired']],
  ] },
  { kind: 'ResourceQuota', group: '', valid: { spec: { hard: { pods: '10', 'requests.cpu': '4' } } }, invalid: [
    ['a malformed quantity', { spec: { hard: { pods: 'ten' } } }, ['spec.hard[pods] FieldValueInvalid']],
  ] },
  { kind: 'LimitRange', group: '', valid: { spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { cpu: '100m' } }] } }, invalid: [
    ['min above max', { spec: { limits: [{ type: 'Container', max: { cpu: '1' }, min: { cpu: '2' } }] } }, ['spec.limits[0].defaultRequest[cpu] FieldValueInvalid', 'spec.limits[0].default[cpu] FieldValueInvalid', 'spec.limits[0].min[cpu] FieldValueInvalid']],
  ] },
  { kind: 'Event', group: '', valid: { involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'Started', type: 'Normal' }, invalid: [
    ['an involved object in another namespace', { involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } }, ['involvedObject.namespace FieldValueInvalid']],
  ] },
  { kind: 'Event', group: 'events.k8s.io', valid: { eventTime: '2024-01-01T00:00:00.000000Z', reportingController: 'skiff/kubelet', reportingInstance: 'n1', action: 'Start', reason: 'Started', type: 'Normal' }, invalid: [
    ['no reporting controller and an unknown type', { eventTime: '2024-01-01T00:00:00.000000Z', reportingInstance: 'n1', action: 'a', reason: 'r', type: 'Bad' }, ['reportingController FieldValueRequired', 'type FieldValueNotSupported']],
  ] },
  { kind: 'Endpoints', group: '', valid: { subsets: [{ addresses: [{ ip: '10.42.0.5' }], ports: [{ port: 80 }] }] }, invalid: [
    ['a malformed address', { subsets: [{ addresses: [{ ip: '10.42.0' }], ports: [{ port: 80 }] }] }, ['subsets[0].addresses[0].ip FieldValueInvalid']],
  ] },
  { kind: 'Ingress', group: 'networking.k8s.io', valid: { spec: { rules: [{ host: '*.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } }, invalid: [
    ['no rules or backend', { spec: {} }, ['spec.rules FieldValueInvalid']],
    ['a relative prefix path and no path type', { spec: { rules: [{ http: { paths: [{ path: 'api', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }, { path: '/', backend: { service: { name: 'web', port: { name: 'http' } } } }] } }] } }, ['spec.rules[0].http.paths[0].path FieldValueInvalid', 'spec.rules[0].http.paths[1].pathType FieldValueRequired']],
    ['a backend port with both name and number', { spec: { defaultBackend: { service: { name: 'web', port: { name: 'http', number: 80 } } } } }, ['spec.defaultBackend.service.port FieldValueInvalid']],
    ['an IP address as host', { spec: { rules: [{ host: '10.0.0.1' }] } }, ['spec.rules[0].host FieldValueInvalid']],
  ] },
  { kind: 'IngressClass', group: 'networking.k8s.io', valid: { spec: { controller: 'example.com/ingress' } }, invalid: [
    ['no controller', { spec: {} }, ['spec.controller FieldValueRequired']],
  ] },
  { kind: 'NetworkPolicy', group: 'networking.k8s.io', valid: { spec: { podSelector: selector, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 80, endPort: 90 }] }] } }, invalid: [
    ['a bad CIDR and an end port below the port', { spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0' } }], ports: [{ port: 90, endPort: 80 }] }] } }, ['spec.ingress[0].from[0].ipBlock.cidr FieldValueInvalid', 'spec.ingress[0].ports[0].endPort FieldValueInvalid']],
  ] },
  { kind: 'EndpointSlice', group: 'discovery.k8s.io', valid: { addressType: 'IPv4', endpoints: [{ addresses: ['10.42.0.5'] }], ports: [{ port: 80, name: 'http' }] }, invalid: [
    ['no address type and an endpoint without addresses', { endpoints: [{ addresses: [] }] }, ['addressType FieldValueRequired', 'endpoints[0].addresses FieldValueRequired']],
    ['an IPv6 address in an IPv4 slice', { addressType: 'IPv4', endpoints: [{ addresses: ['fd00::1'] }] }, ['endpoints[0].addresses[0] FieldValueInvalid']],
  ] },
  { kind: 'Lease', group: 'coordination.k8s.io', valid: { spec: { holderIdentity: 'n1', leaseDurationSeconds: 40 } }, invalid: [
    ['a zero duration', { spec: { leaseDurationSeconds: 0 } }, ['spec.leaseDurationSeconds FieldValueInvalid']],
  ] },
  { kind: 'HorizontalPodAutoscaler', group: 'autoscaling', valid: { spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5 } }, invalid: [
    ['max below min and no target name', { spec: { scaleTargetRef: { kind: 'Deployment' }, minReplicas: 3, maxReplicas: 2 } }, ['spec.maxReplicas FieldValueInvalid', 'spec.scaleTargetRef.name FieldValueRequired']],
  ] },
  { kind: 'PodDisruptionBudget', group: 'policy', valid: { spec: { minAvailable: '50%', selector } }, invalid: [
    ['both minAvailable and maxUnavailable', { spec: { minAvailable: 1, maxUnavailable: 1, selector } }, ['spec FieldValueInvalid']],
  ] },
  { kind: 'PriorityClass', group: 'scheduling.k8s.io', valid: { value: 1000 }, invalid: [
    ['a value above the user maximum', { value: 2_000_000_000 }, ['value FieldValueForbidden']],
  ] },
  { kind: 'StorageClass', group: 'storage.k8s.io', valid: { provisioner: 'rancher.io/local-path' }, invalid: [
    ['no provisioner', {}, ['provisioner FieldValueRequired']],
  ] },
  { kind: 'Role', group: 'rbac.authorization.k8s.io', valid: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }, invalid: [
    ['a rule without verbs and a non-resource URL', { rules: [{ apiGroups: [''], resources: ['pods'] }, { nonResourceURLs: ['/healthz'], verbs: ['get'] }] }, ['rules[0].verbs FieldValueRequired', 'rules[1].nonResourceURLs FieldValueInvalid']],
  ] },
  { kind: 'ClusterRole', group: 'rbac.authorization.k8s.io', valid: { rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] }, invalid: [
    ['a resource rule without groups', { rules: [{ resources: ['pods'], verbs: ['get'] }] }, ['rules[0].apiGroups FieldValueRequired']],
  ] },
  { kind: 'RoleBinding', group: 'rbac.authorization.k8s.io', valid: { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }, { kind: 'User', name: 'alice' }] }, invalid: [
    ['an unknown subject kind', { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'Robot', name: 'r2' }] }, ['subjects[0].kind FieldValueNotSupported']],
  ] },
  { kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io', valid: { roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'devs' }] }, invalid: [
    ['a Role reference and a service account without namespace', { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] }, ['roleRef.kind FieldValueNotSupported', 'subjects[0].namespace FieldValueRequired']],
  ] },
  { kind: 'ControllerRevision', group: 'apps', valid: { revision: 1, data: {} }, invalid: [
    ['a negative revision', { revision: -1 }, ['revision FieldValueInvalid']],
  ] },
  { kind: 'ServiceAccount', group: '', valid: { imagePullSecrets: [{ name: 'regcred' }] }, invalid: [
    ['a malformed secret name', { secrets: [{ name: 'Bad_Name' }] }, ['secrets[0].name FieldValueInvalid']],
  ] },
];

for (const { kind, group, valid, invalid } of kinds) {
  const type = typeOf(kind, group);
  test(`a well-formed ${group ? `${kind}.${group}` : kind} passes validation`, () => {
    assert.deepEqual(validateCreate(type, defaulted(kind, group, valid)), []);
  });
  for (const [name, body, expected] of invalid) {
    test(`a ${kind} with ${name} is invalid at the expected fields`, () => {
      assert.deepEqual(summary(validateCreate(type, defaulted(kind, group, body))), expected);
    });
  }
}

test('every served kind has a validator', () => {
  const missing = resourceTypes.map((t) => t.kind).filter((k) => kindValidators[k] === undefined);
  assert.deepEqual(missing, []);
});

test('RBAC names are path segments, so colons are allowed and slashes are not', () => {
  const type = typeOf('ClusterRole', 'rbac.authorization.k8s.io');
  const role = defaulted('ClusterRole', 'rbac.authorization.k8s.io', { rules: [] });
  role.metadata.name = 'system:controller:job';
  assert.deepEqual(validateCreate(type, role), []);
  role.metadata.name = 'a/b';
  assert.deepEqual(summary(validateCreate(type, role)), ['metadata.name FieldValueInvalid']);
});

const updates: Array<[string, string, string, JsonObject, JsonObject, string[]]> = [
  ['a binding may not change its role', 'RoleBinding', 'rbac.authorization.k8s.io', { roleRef: { kind: 'Role', name: 'a' } }, { roleRef: { kind: 'Role', name: 'b' } }, ['roleRef FieldValueInvalid']],
  ['a priority class may not change its value', 'PriorityClass', 'scheduling.k8s.io', { value: 1 }, { value: 2 }, ['value FieldValueForbidden']],
  ['a storage class may not change its provisioner', 'StorageClass', 'storage.k8s.io', { provisioner: 'a.io/x' }, { provisioner: 'b.io/x' }, ['provisioner FieldValueForbidden']],
  ['an endpoint slice may not change its address type', 'EndpointSlice', 'discovery.k8s.io', { addressType: 'IPv4' }, { addressType: 'IPv6' }, ['addressType FieldValueInvalid']],
  ['a claim may grow but not change access modes', 'PersistentVolumeClaim', '', { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }, { spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '2Gi' } } } }, ['spec FieldValueForbidden']],
  ['a node may not change its pod CIDRs', 'Node', '', { spec: { podCIDRs: ['10.42.0.0/24'] } }, { spec: { podCIDRs: ['10.42.1.0/24'] } }, ['spec.podCIDRs FieldValueForbidden']],
];

for (const [name, kind, group, before, after, expected] of updates) {
  test(name, () => {
    const type = typeOf(kind, group);
    assert.deepEqual(summary(validateUpdate(type, defaulted(kind, group, after), defaulted(kind, group, before))), expected);
  });
}

test('a claim may grow its storage request', () => {
  const type = typeOf('PersistentVolumeClaim');
  const spec = (storage: string): JsonObject => ({ spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } });
  assert.deepEqual(validateUpdate(type, defaulted('PersistentVolumeClaim', '', spec('2Gi')), defaulted('PersistentVolumeClaim', '', spec('1Gi'))), []);
});
