/** The per-Service model cache the proxy rebuilds rules from. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serviceFixture as service, sliceFixture as slice } from './fixtures.ts';
import { ServicePortsCache } from './service-ports-cache.ts';

test('a Service whose object and slices are unchanged keeps its port objects; a new slice version gives new ones', () => {
  const cache = new ServicePortsCache();
  const web = service('web', { clusterIP: '10.43.0.10' });
  let slices = [slice('web', [{ ip: '10.42.0.5' }])];
  const first = cache.ports([web], () => slices);
  assert.equal(cache.ports([web], () => slices)[0], first[0]);
  slices = [{ ...slice('web', [{ ip: '10.42.0.6' }]), metadata: { ...slice('web', []).metadata, resourceVersion: '2' } }];
  const second = cache.ports([web], () => slices);
  assert.notEqual(second[0], first[0]);
  assert.equal(second[0]?.endpoints[0]?.ip, '10.42.0.6');
  assert.deepEqual(cache.ports([], () => []), []);
});
