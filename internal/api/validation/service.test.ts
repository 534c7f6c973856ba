import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import { defaulted, summary, typeOf } from './fixtures.ts';
import { validateCreate, validateUpdate } from './index.ts';

const serviceType = typeOf('Service');

function service(spec: JsonObject): KubeObject {
  return defaulted('Service', '', { spec });
}

const base = { selector: { app: 'x' }, ports: [{ port: 80 }] };

test('a defaulted ClusterIP service passes validation and reads back like upstream', () => {
  const svc = service(base);
  assert.deepEqual(validateCreate(serviceType, svc), []);
  assert.deepEqual(svc.spec, {
    selector: { app: 'x' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], type: 'ClusterIP', sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
  });
});

test('NodePort services default the external traffic policy, ExternalName services get no IP family', () => {
  assert.equal((service({ ...base, type: 'NodePort' }).spec as JsonObject).externalTrafficPolicy, 'Cluster');
  const external = service({ type: 'ExternalName', externalName: 'example.com' });
  assert.deepEqual(validateCreate(serviceType, external), []);
  assert.equal((external.spec as JsonObject).ipFamilies, undefined);
});

test('a headless service may have no ports', () => {
  assert.deepEqual(validateCreate(serviceType, service({ clusterIP: 'None', selector: { app: 'x' } })), []);
});

const cases: Array<[string, JsonObject, string[]]> = [
  ['a service without ports', { selector: { app: 'x' } }, ['spec.ports FieldValueRequired']],
  ['unnamed ports when there are two', { ports: [{ port: 80 }, { port: 81 }] }, ['spec.ports[0].name FieldValueRequired', 'spec.ports[1].name FieldValueRequired']],
  ['duplicate port names', { ports: [{ port: 80, name: 'a' }, { port: 81, name: 'a' }] }, ['spec.ports[1].name FieldValueDuplicate']],
  ['a port out of range', { ports: [{ port: 70000, targetPort: 8080 }] }, ['spec.ports[0].port FieldValueInvalid']],
  ['a bad target port name', { ports: [{ port: 80, targetPort: 'Not_A_Name' }] }, ['spec.ports[0].targetPort FieldValueInvalid']],
  ['a node port on a ClusterIP service', { ports: [{ port: 80, nodePort: 30080 }] }, ['spec.ports[0].nodePort FieldValueForbidden']],
  ['an unknown type', { type: 'Magic', ports: [{ port: 80 }] }, ['spec.type FieldValueNotSupported']],
  ['an ExternalName service without a name', { type: 'ExternalName' }, ['spec.externalName FieldValueRequired']],
  ['a malformed cluster IP', { clusterIP: '10.0.0', ports: [{ port: 80 }] }, ['spec.clusterIP FieldValueInvalid']],
  ['a selector with a bad label value', { selector: { app: 'a b' }, ports: [{ port: 80 }] }, ['spec.selector FieldValueInvalid']],
  ['duplicate port and protocol', { ports: [{ port: 80, name: 'a' }, { port: 80, name: 'b' }] }, ['spec.ports[1] FieldValueDuplicate']],
];

for (const [name, spec, expected] of cases) {
  test(`${name} is invalid at the expected field`, () => {
    assert.deepEqual(summary(validateCreate(serviceType, service(spec))), expected);
  });
}

test('a service name must be a DNS-1035 label', () => {
  const svc = service(base);
  svc.metadata.name = '1abc';
  assert.deepEqual(summary(validateCreate(serviceType, svc)), ['metadata.name FieldValueInvalid']);
});

test('the cluster IP may not change, but an empty one keeps the allocated address', () => {
  const old = service({ ...base, clusterIP: '10.43.0.10' });
  assert.deepEqual(summary(validateUpdate(serviceType, service({ ...base, clusterIP: '10.43.0.11' }), old)), ['spec.clusterIPs[0] FieldValueInvalid']);
  assert.deepEqual(validateUpdate(serviceType, service(base), old), []);
});
