/** Reading Services and EndpointSlices into the proxy's model. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serviceFixture as service, sliceFixture as slice } from './fixtures.ts';
import { servicePortsOf } from './model.ts';

test('each service port gets the endpoints of the slices of its service with the slice port of the same name', () => {
  const svc = service('web', { clusterIP: '10.43.0.10', ports: [{ name: 'http', port: 80, targetPort: 'web' }, { name: 'metrics', port: 9090, targetPort: 9090 }] });
  const slices = [
    slice('web', [{ ip: '10.42.0.6', node: 'n1' }, { ip: '10.42.0.5', node: 'n1' }], 8080, 'http', 'a'),
    slice('web', [{ ip: '10.42.1.5', node: 'n2' }], 8081, 'http', 'b'),
    slice('other', [{ ip: '10.42.9.9' }], 8080, 'http'),
  ];
  const ports = servicePortsOf(svc, slices);
  assert.deepEqual(ports.map((p) => [p.portName, p.protocol, p.port, p.endpoints.map((e) => `${e.ip}:${e.port}`)]), [
    ['http', 'TCP', 80, ['10.42.0.5:8080', '10.42.0.6:8080', '10.42.1.5:8081']],
    ['metrics', 'TCP', 9090, []],
  ]);
});

test('unset endpoint conditions read as ready and serving, not terminating', () => {
  const bare = { ...slice('web', []), endpoints: [{ addresses: ['10.42.0.5'] }] };
  const [port] = servicePortsOf(service('web', { clusterIP: '10.43.0.10' }), [bare]);
  assert.deepEqual(port?.endpoints, [{ ip: '10.42.0.5', port: 8080, nodeName: null, ready: true, serving: true, terminating: false }]);
});

test('an address listed in two slices keeps its ready entry', () => {
  const slices = [slice('web', [{ ip: '10.42.0.5', ready: false }], 8080, 'http', 'a'), slice('web', [{ ip: '10.42.0.5' }], 8080, 'http', 'b')];
  const [port] = servicePortsOf(service('web', { clusterIP: '10.43.0.10' }), slices);
  assert.equal(port?.endpoints.length, 1);
  assert.equal(port?.endpoints[0]?.ready, true);
});

test('affinity timeout, traffic policies, node ports and load-balancer ingress are read from the service', () => {
  const svc = service('web', {
    clusterIP: '10.43.0.10', type: 'LoadBalancer', externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Local', sessionAffinity: 'ClientIP',
    externalIPs: ['198.51.100.1', 'not-an-ip'], ports: [{ name: 'http', port: 80, nodePort: 30080 }],
  }, { loadBalancer: { ingress: [{ ip: '192.0.2.1' }, { hostname: 'lb.example.com' }] } });
  const [port] = servicePortsOf(svc, []);
  assert.deepEqual(
    port && { nodePort: port.nodePort, lb: port.loadBalancer, ips: port.loadBalancerIps, ext: port.externalIps, affinity: port.affinitySeconds, local: [port.externalPolicyLocal, port.internalPolicyLocal] },
    { nodePort: 30080, lb: true, ips: ['192.0.2.1'], ext: ['198.51.100.1'], affinity: 10800, local: [true, true] },
  );
});

test('services the proxy leaves alone give no ports: headless, ExternalName, no cluster IP, another proxy', () => {
  const other = service('web', { clusterIP: '10.43.0.10' });
  other.metadata.labels = { 'service.kubernetes.io/service-proxy-name': 'elsewhere' };
  for (const svc of [service('web', { clusterIP: 'None' }), service('web', { type: 'ExternalName', externalName: 'x.example' }), service('web', {}), other]) {
    assert.deepEqual(servicePortsOf(svc, [slice('web', [{ ip: '10.42.0.5' }])]), []);
  }
});

test('a ClusterIP service keeps no node port even if the object carries one', () => {
  const [port] = servicePortsOf(service('web', { clusterIP: '10.43.0.10', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }), []);
  assert.equal(port?.nodePort, 0);
});
