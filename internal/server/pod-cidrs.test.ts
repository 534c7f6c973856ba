import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '../../test/support/tmp.ts';
import { StorageRegistry } from '../apiserver/registry.ts';
import { MvccStore } from '../datastore/mvcc/store.ts';
import { PodCidrAllocator } from './pod-cidrs.ts';

function registryFor(t: TestContext): StorageRegistry {
  const store = MvccStore.open({ file: join(tempDir(t), 'state.db'), compactIntervalMs: 0 });
  t.after(() => store.close());
  return new StorageRegistry({ store, now: Date.now });
}

const node = (name: string, podCIDR?: string) => ({ metadata: { name }, spec: podCIDR === undefined ? {} : { podCIDR, podCIDRs: [podCIDR] } });

describe('pod subnets of nodes', () => {
  it('hands out the lowest free /24, skipping those Nodes hold, and the same one again to the same node', async (t) => {
    const registry = registryFor(t);
    const nodes = registry.get('', 'v1', 'nodes');
    await nodes.create(null, node('server', '10.42.0.0/24'));
    await nodes.create(null, node('old', '10.42.1.0/24'));
    const allocator = new PodCidrAllocator(registry, '10.42.0.0/16');
    assert.equal(await allocator.allocate('server'), '10.42.0.0/24');
    assert.equal(await allocator.allocate('a'), '10.42.2.0/24');
    assert.equal(await allocator.allocate('a'), '10.42.2.0/24', 'a node that has not registered yet keeps its hand-out');
    assert.equal(await allocator.allocate('b'), '10.42.3.0/24');
  });

  it('never gives two machines joining at once the same subnet', async (t) => {
    const allocator = new PodCidrAllocator(registryFor(t), '10.42.0.0/16');
    const given = await Promise.all(['a', 'b', 'c', 'd'].map((name) => allocator.allocate(name)));
    assert.deepEqual([...new Set(given)].sort(), ['10.42.0.0/24', '10.42.1.0/24', '10.42.2.0/24', '10.42.3.0/24']);
  });

  it('two servers of one cluster handing out subnets at once never give the same one twice', async (t) => {
    const registry = registryFor(t);
    const first = new PodCidrAllocator(registry, '10.42.0.0/16');
    const second = new PodCidrAllocator(registry, '10.42.0.0/16');
    const given = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((name, i) => (i % 2 === 0 ? first : second).allocate(name)));
    assert.equal(new Set(given).size, 6, `handed out ${given.join(', ')}`);
    assert.equal(await second.allocate('a'), given[0], 'a hand-out made by one server is known to the other');
  });

  it('frees a deleted node’s subnet for the next machine and says so when the range is full', async (t) => {
    const registry = registryFor(t);
    const nodes = registry.get('', 'v1', 'nodes');
    const allocator = new PodCidrAllocator(registry, '10.42.0.0/23');
    await nodes.create(null, node('a', await allocator.allocate('a')));
    await nodes.create(null, node('b', await allocator.allocate('b')));
    await assert.rejects(allocator.allocate('c'), /all 2 \/24 subnets of the cluster CIDR are taken/);
    await nodes.delete(null, 'a');
    assert.equal(await allocator.allocate('c'), '10.42.0.0/24');
  });

  it('refuses a cluster CIDR smaller than one node subnet', (t) => {
    assert.throws(() => new PodCidrAllocator(registryFor(t), '10.42.0.0/25'), /want an IPv4 CIDR of \/24 or larger/);
  });
});
