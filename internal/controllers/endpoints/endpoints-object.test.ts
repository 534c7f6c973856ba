/** The Endpoints object a Service should have. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { desiredEndpoints, endpointsNeedUpdate, endpointsObject, maxEndpointsAddresses } from './endpoints-object.ts';
import { pod, service } from './fixtures.ts';

const ref = (name: string) => ({ kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` });

test('ready pods are addresses and unready ones notReadyAddresses, sharing one subset when their ports agree', () => {
  const desired = desiredEndpoints(service(), [pod({ name: 'b', ip: '10.42.0.11' }), pod({ name: 'a', ip: '10.42.0.10' }), pod({ name: 'c', ip: '10.42.1.12', node: 'n2', ready: false })]);
  assert.deepEqual(desired.subsets, [{
    addresses: [
      { ip: '10.42.0.10', nodeName: 'n1', targetRef: ref('a') },
      { ip: '10.42.0.11', nodeName: 'n1', targetRef: ref('b') },
    ],
    notReadyAddresses: [{ ip: '10.42.1.12', nodeName: 'n2', targetRef: ref('c') }],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  }]);
  assert.deepEqual(desired.labels, { team: 'a' });
  assert.equal(desired.truncated, false);
});

test('pods whose named port resolves differently get separate subsets, and pods lacking the port are left out', () => {
  const pods = [pod({ name: 'a', ip: '10.42.0.10' }), pod({ name: 'b', ip: '10.42.0.11', ports: [{ name: 'http', containerPort: 9090 }] }), pod({ name: 'c', ip: '10.42.0.12', ports: [] })];
  const subsets = desiredEndpoints(service(), pods).subsets;
  assert.deepEqual(subsets.map((s) => [JSON.stringify(s.ports), (s.addresses as Array<{ ip: string }>).map((a) => a.ip)]), [
    ['[{"name":"http","port":8080,"protocol":"TCP"}]', ['10.42.0.10']],
    ['[{"name":"http","port":9090,"protocol":"TCP"}]', ['10.42.0.11']],
  ]);
});

test('publishNotReadyAddresses lists unready and terminating pods as ready addresses', () => {
  const pods = [pod({ name: 'a', ready: false }), pod({ name: 'b', ip: '10.42.0.11', deleting: true })];
  const [subset] = desiredEndpoints(service({ publishNotReadyAddresses: true }), pods).subsets;
  assert.deepEqual((subset?.addresses as Array<{ ip: string }>).map((a) => a.ip), ['10.42.0.10', '10.42.0.11']);
  assert.equal(subset?.notReadyAddresses, undefined);
  assert.deepEqual(desiredEndpoints(service(), pods).subsets.flatMap((s) => (s.notReadyAddresses as unknown[]) ?? []).length, 1);
});

test('a headless service is labelled headless, may have no ports, and gives pods naming it as subdomain a hostname', () => {
  const headless = service({ clusterIP: 'None', ports: [] });
  const member = pod({ name: 'a', spec: { hostname: 'db-0', subdomain: 'web' } });
  const desired = desiredEndpoints(headless, [member]);
  assert.deepEqual(desired.labels, { team: 'a', 'service.kubernetes.io/headless': '' });
  assert.deepEqual(desired.subsets, [{ addresses: [{ ip: '10.42.0.10', hostname: 'db-0', nodeName: 'n1', targetRef: ref('a') }] }]);
  assert.deepEqual(desiredEndpoints(service({ ports: [] }), [member]).subsets, []);
});

test('more than 1000 addresses are truncated and the Endpoints marked over capacity', () => {
  const pods = Array.from({ length: maxEndpointsAddresses + 5 }, (_, i) => pod({ name: `p${i}`, ip: `10.42.${Math.floor(i / 250)}.${(i % 250) + 1}` }));
  const desired = desiredEndpoints(service(), pods);
  assert.equal(desired.truncated, true);
  assert.equal((desired.subsets[0]?.addresses as unknown[]).length, maxEndpointsAddresses);
  assert.equal(endpointsObject(service(), desired).metadata.annotations?.['endpoints.kubernetes.io/over-capacity'], 'truncated');
});

test('an Endpoints object equal to the desired one needs no update; a changed label or address does', () => {
  const desired = desiredEndpoints(service(), [pod({ name: 'a' })]);
  const written = { ...endpointsObject(service(), desired), metadata: { name: 'web', namespace: 'default', resourceVersion: '7', labels: { team: 'a' } } };
  assert.equal(endpointsNeedUpdate(written, desired), false);
  assert.equal(endpointsNeedUpdate({ ...written, metadata: { ...written.metadata, labels: {} } }, desired), true);
  assert.equal(endpointsNeedUpdate(written, desiredEndpoints(service(), [pod({ name: 'a', ip: '10.42.0.99' })])), true);
  assert.equal(endpointsObject(service(), desired, written).metadata.resourceVersion, '7');
});
