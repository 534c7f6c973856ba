/** Pod and Service readings of the endpoint controllers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pod, service } from './fixtures.ts';
import { resolveTargetPort, selectorMatches, serviceSelector, servicePorts, shouldPodBeInEndpoints } from './pods.ts';

test('a named targetPort resolves per pod to the container port of that name and protocol', () => {
  const [port] = servicePorts(service());
  assert.ok(port !== undefined);
  assert.equal(resolveTargetPort(port, pod({ name: 'a' })), 8080);
  assert.equal(resolveTargetPort(port, pod({ name: 'b', ports: [{ name: 'http', containerPort: 9090 }] })), 9090);
  assert.equal(resolveTargetPort(port, pod({ name: 'c', ports: [{ name: 'http', containerPort: 9090, protocol: 'UDP' }] })), null);
  assert.equal(resolveTargetPort(port, pod({ name: 'd', ports: [] })), null);
  const sidecar = pod({ name: 'e', ports: [], spec: { initContainers: [{ name: 's', image: 'x', restartPolicy: 'Always', ports: [{ name: 'http', containerPort: 7070 }] }] } });
  assert.equal(resolveTargetPort(port, sidecar), 7070);
});

test('a numeric or missing targetPort is the number itself or the service port', () => {
  const ports = servicePorts(service({ ports: [{ name: 'a', port: 80, targetPort: 8080 }, { name: 'b', port: 81 }] }));
  assert.deepEqual(ports.map((p) => resolveTargetPort(p, pod({ name: 'x' }))), [8080, 81]);
});

test('only services with a non-empty selector and not ExternalName get endpoints from the controller', () => {
  assert.deepEqual(serviceSelector(service()), { app: 'web' });
  assert.equal(serviceSelector(service({ selector: {} })), null);
  assert.equal(serviceSelector(service({ selector: null })), null);
  assert.equal(serviceSelector(service({ type: 'ExternalName', externalName: 'x.example' })), null);
  assert.ok(selectorMatches({ app: 'web' }, { app: 'web', tier: 'x' }));
  assert.ok(!selectorMatches({ app: 'web', tier: 'y' }, { app: 'web', tier: 'x' }));
});

test('pods without an address or finished are never listed; terminating ones only when asked', () => {
  assert.equal(shouldPodBeInEndpoints(pod({ name: 'a' }), false), true);
  assert.equal(shouldPodBeInEndpoints(pod({ name: 'b', ip: null }), true), false);
  assert.equal(shouldPodBeInEndpoints(pod({ name: 'c', phase: 'Succeeded' }), true), false);
  assert.equal(shouldPodBeInEndpoints(pod({ name: 'd', phase: 'Failed' }), true), false);
  assert.equal(shouldPodBeInEndpoints(pod({ name: 'e', deleting: true }), false), false);
  assert.equal(shouldPodBeInEndpoints(pod({ name: 'e', deleting: true }), true), true);
});
