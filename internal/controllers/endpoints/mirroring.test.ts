import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../apiserver/objects.ts';
import { mirroredSlices, mirroringManager } from './mirroring.ts';

const endpoints = (labels: Record<string, string> = {}): KubeObject => ({
  metadata: { name: 'db', namespace: 'prod', uid: 'u-1', labels },
  subsets: [
    { addresses: [{ ip: '192.0.2.5', hostname: 'db-0' }], notReadyAddresses: [{ ip: '192.0.2.6' }], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] },
    { addresses: [{ ip: '192.0.2.9' }], ports: [{ port: 9187 }] },
  ],
});
const service = (selector?: Record<string, string>): KubeObject => ({ metadata: { name: 'db', namespace: 'prod' }, spec: { ports: [{ port: 5432 }], ...(selector ? { selector } : {}) } });

describe('EndpointSlice mirroring', () => {
  it('mirrors each subset of a selectorless service\'s Endpoints into a slice the Endpoints own', () => {
    const slices = mirroredSlices(endpoints(), service());
    assert.deepEqual([...slices.keys()], ['db-mirror-0', 'db-mirror-1']);
    const first = slices.get('db-mirror-0');
    assert.deepEqual(first?.metadata.labels, { 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': mirroringManager });
    assert.deepEqual(JSON.parse(JSON.stringify(first?.metadata.ownerReferences)), [{ apiVersion: 'v1', kind: 'Endpoints', name: 'db', uid: 'u-1', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(first?.endpoints, [
      { addresses: ['192.0.2.5'], conditions: { ready: true }, hostname: 'db-0' },
      { addresses: ['192.0.2.6'], conditions: { ready: false } },
    ]);
    assert.deepEqual(first?.ports, [{ name: 'pg', port: 5432, protocol: 'TCP' }]);
    assert.deepEqual(slices.get('db-mirror-1')?.ports, [{ name: '', port: 9187, protocol: 'TCP' }]);
  });

  it('mirrors nothing for a service with a selector, a missing service, or Endpoints marked skip-mirror', () => {
    assert.equal(mirroredSlices(endpoints(), service({ app: 'db' })).size, 0);
    assert.equal(mirroredSlices(endpoints(), undefined).size, 0);
    assert.equal(mirroredSlices(endpoints({ 'endpointslice.kubernetes.io/skip-mirror': 'true' }), service()).size, 0);
  });
});
