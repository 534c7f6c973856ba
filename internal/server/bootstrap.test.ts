import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { tempDir } from '../../test/support/tmp.ts';
import { StorageRegistry } from '../apiserver/registry.ts';
import { MvccStore } from '../datastore/mvcc/store.ts';
import { parseIpv4Cidr } from '../util/ip.ts';
import { bootstrapCluster } from './bootstrap.ts';

it('bootstrap writes the kubernetes Service, Endpoints and EndpointSlice, and moves the endpoints when the API address changes', async (t) => {
  const store = MvccStore.open({ file: join(tempDir(t), 'state.db'), compactIntervalMs: 0 });
  t.after(() => store.close());
  const registry = new StorageRegistry({ store, now: Date.now });
  const serviceCidr = parseIpv4Cidr('10.43.0.0/16');
  assert.ok(serviceCidr);
  await bootstrapCluster(registry, { serviceCidr, apiAddress: '192.0.2.10', apiPort: 6443 });
  const slices = registry.get('discovery.k8s.io', 'v1', 'endpointslices');
  const endpoints = registry.get('', 'v1', 'endpoints');
  const first = await slices.get('default', 'kubernetes');
  assert.deepEqual(first.endpoints, [{ addresses: ['192.0.2.10'], conditions: { ready: true } }]);
  assert.equal(first.metadata.labels?.['kubernetes.io/service-name'], 'kubernetes');
  assert.equal(((await registry.get('', 'v1', 'services').get('default', 'kubernetes')).spec as { clusterIP?: string }).clusterIP, '10.43.0.1');

  const revision = await store.currentRevision();
  await bootstrapCluster(registry, { serviceCidr, apiAddress: '192.0.2.10', apiPort: 6443 });
  assert.equal(await store.currentRevision(), revision, 'a second start with nothing changed writes nothing');

  await bootstrapCluster(registry, { serviceCidr, apiAddress: '192.0.2.77', apiPort: 6443 });
  assert.deepEqual((await slices.get('default', 'kubernetes')).endpoints, [{ addresses: ['192.0.2.77'], conditions: { ready: true } }]);
  assert.deepEqual((await endpoints.get('default', 'kubernetes')).subsets, [{ addresses: [{ ip: '192.0.2.77' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
});
