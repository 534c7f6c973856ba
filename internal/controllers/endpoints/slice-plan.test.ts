/** The EndpointSlice reconciler's decisions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import { pod, service } from './fixtures.ts';
import { planSlices } from './slice-plan.ts';

const ipsOf = (slice: KubeObject | undefined): string[] => ((slice?.endpoints as JsonObject[] | undefined) ?? []).map((e) => (e.addresses as string[])[0] ?? '');
const pods = (n: number, base = 0) => Array.from({ length: n }, (_, i) => pod({ name: `p${base + i}`, ip: `10.42.${Math.floor((base + i) / 200)}.${((base + i) % 200) + 1}` }));
/** What the server would return for a created slice. */
const stored = (slice: KubeObject | undefined, name: string, resourceVersion = '5'): KubeObject => ({ ...(slice as KubeObject), metadata: { ...(slice as KubeObject).metadata, name, resourceVersion, generateName: undefined } });

test('a new service gets one slice listing its pods with conditions, node, pod reference, labels and owner', () => {
  const plan = planSlices(service(), [pod({ name: 'a' }), pod({ name: 'b', ip: '10.42.1.5', node: 'n2', ready: false })], []);
  assert.equal(plan.update.length + plan.remove.length, 0);
  assert.deepEqual(plan.create, [{
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: 'web-',
      namespace: 'default',
      labels: { team: 'a', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-svc-web', controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['10.42.0.10'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' }, nodeName: 'n1' },
      { addresses: ['10.42.1.5'], conditions: { ready: false, serving: false, terminating: false }, targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' }, nodeName: 'n2' },
    ],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  }]);
});

test('slices hold at most 100 endpoints', () => {
  const plan = planSlices(service(), pods(250), []);
  assert.deepEqual(plan.create.map((s) => ipsOf(s).length), [100, 100, 50]);
});

test('a terminating pod is serving but not ready, unless the service publishes not-ready addresses', () => {
  const leaving = [pod({ name: 'a', deleting: true })];
  const conditions = (svc: KubeObject) => (planSlices(svc, leaving, []).create[0]?.endpoints as JsonObject[])[0]?.conditions;
  assert.deepEqual(conditions(service()), { ready: false, serving: true, terminating: true });
  assert.deepEqual(conditions(service({ publishNotReadyAddresses: true })), { ready: true, serving: true, terminating: true });
});

test('pods whose named port resolves differently go into slices with different ports', () => {
  const plan = planSlices(service(), [pod({ name: 'a' }), pod({ name: 'b', ip: '10.42.0.11', ports: [{ name: 'http', containerPort: 9090 }] })], []);
  assert.deepEqual(plan.create.map((s) => [(s.ports as JsonObject[])[0]?.port, ipsOf(s)]), [[8080, ['10.42.0.10']], [9090, ['10.42.0.11']]]);
});

test('an unchanged slice is not written again', () => {
  const first = planSlices(service(), pods(3), []);
  const existing = stored(first.create[0], 'web-abc');
  assert.deepEqual(planSlices(service(), pods(3), [existing]), { create: [], update: [], remove: [] });
});

test('a changed endpoint and a new pod are written into the existing slice in one update', () => {
  const existing = stored(planSlices(service(), pods(3), []).create[0], 'web-abc');
  const now = [...pods(3).map((p, i) => (i === 1 ? pod({ name: 'p1', ip: '10.42.0.2', ready: false }) : p)), ...pods(1, 3)];
  const plan = planSlices(service(), now, [existing]);
  assert.equal(plan.create.length + plan.remove.length, 0);
  assert.equal(plan.update[0]?.metadata.name, 'web-abc');
  assert.equal(plan.update[0]?.metadata.resourceVersion, '5');
  assert.deepEqual(ipsOf(plan.update[0]), ['10.42.0.1', '10.42.0.2', '10.42.0.3', '10.42.0.4']);
  assert.equal(((plan.update[0]?.endpoints as JsonObject[])[1]?.conditions as JsonObject).ready, false);
});

test('new pods fill a full slice only up to 100 and the rest go into a new slice', () => {
  const existing = stored(planSlices(service(), pods(100), []).create[0], 'web-full');
  const plan = planSlices(service(), pods(105), [existing]);
  assert.equal(plan.update.length, 0);
  assert.deepEqual(plan.create.map(ipsOf), [['10.42.0.101', '10.42.0.102', '10.42.0.103', '10.42.0.104', '10.42.0.105']]);
});

test('when every pod is gone the last slice becomes the empty placeholder, and a placeholder stays as it is', () => {
  const existing = stored(planSlices(service(), pods(2), []).create[0], 'web-abc');
  const plan = planSlices(service(), [], [existing]);
  assert.equal(plan.create.length + plan.remove.length, 0);
  assert.equal(plan.update[0]?.metadata.name, 'web-abc');
  assert.deepEqual(plan.update[0]?.endpoints, []);
  assert.equal(plan.update[0]?.ports, undefined);
  assert.deepEqual(planSlices(service(), [], [stored(plan.update[0], 'web-abc')]), { create: [], update: [], remove: [] });
  assert.deepEqual(planSlices(service(), [], []).create.map(ipsOf), [[]]);
});

test('surplus slices are deleted, and a new service label rewrites the slices that carry the old ones', () => {
  const [a, b] = planSlices(service(), pods(150), []).create.map((s, i) => stored(s, `web-${i}`));
  assert.ok(a !== undefined && b !== undefined);
  const shrunk = planSlices(service(), pods(50), [a, b]);
  assert.deepEqual(shrunk.remove.map((s) => s.metadata.name), ['web-1']);
  assert.equal(shrunk.update.length, 1);
  const relabelled = service();
  relabelled.metadata.labels = { team: 'b' };
  const plan = planSlices(relabelled, pods(150), [a, b]);
  assert.deepEqual(plan.update.map((s) => s.metadata.labels?.team), ['b', 'b']);
});

test('a headless service labels its slices headless and gives subdomain pods a hostname', () => {
  const plan = planSlices(service({ clusterIP: 'None' }), [pod({ name: 'a', spec: { hostname: 'db-0', subdomain: 'web' } })], []);
  assert.equal(plan.create[0]?.metadata.labels?.['service.kubernetes.io/headless'], '');
  assert.equal((plan.create[0]?.endpoints as JsonObject[])[0]?.hostname, 'db-0');
});
