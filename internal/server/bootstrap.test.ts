import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir, type Cleanup } from '../../test/support/tmp.ts';
import { StorageRegistry } from '../apiserver/registry.ts';
import { MvccStore } from '../datastore/mvcc/store.ts';
import { parseIpv4Cidr } from '../util/ip.ts';
import { createLogger } from '../util/log.ts';
import { ApiEndpoints, masterLeasePrefix, type ApiAddress } from './api-endpoints.ts';
import { bootstrapCluster } from './bootstrap.ts';

const log = createLogger('error', () => {});
const https = (port: number) => [{ name: 'https', port, protocol: 'TCP' }];

function open(t: Cleanup, clock = { now: Date.now() }) {
  const store = MvccStore.open({ file: join(tempDir(t), 'state.db'), compactIntervalMs: 0, leaseCheckIntervalMs: 5, now: () => clock.now });
  t.after(() => store.close());
  const registry = new StorageRegistry({ store, now: () => clock.now });
  const endpoints = (self: ApiAddress, shared: boolean) => new ApiEndpoints({ registry, store, self, shared, log });
  const read = async () => ({
    subsets: (await registry.get('', 'v1', 'endpoints').get('default', 'kubernetes')).subsets,
    slices: Object.fromEntries(
      (await registry.get('discovery.k8s.io', 'v1', 'endpointslices').list({ namespace: 'default' })).items.map((slice) => [slice.metadata.name, slice.endpoints]),
    ),
  });
  return { store, registry, endpoints, read, clock };
}

describe('the kubernetes Service', () => {
  it('is created once, pointing at the API port, with the first address of the service range', async (t) => {
    const { store, registry } = open(t);
    const serviceCidr = parseIpv4Cidr('10.43.0.0/16');
    assert.ok(serviceCidr);
    await bootstrapCluster(registry, { serviceCidr, apiPort: 6443 });
    const service = await registry.get('', 'v1', 'services').get('default', 'kubernetes');
    const spec = service.spec as { clusterIP?: string; ports?: unknown };
    assert.equal(spec.clusterIP, '10.43.0.1');
    assert.deepEqual(spec.ports, [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }]);
    const revision = await store.currentRevision();
    await bootstrapCluster(registry, { serviceCidr, apiPort: 6443 });
    assert.equal(await store.currentRevision(), revision, 'a second start with nothing changed writes nothing');
  });

  it('on a lone server lists that server, follows its address, and is not rewritten when nothing changed', async (t) => {
    const { store, endpoints, read } = open(t);
    await endpoints({ ip: '192.0.2.10', port: 6443 }, false).register();
    assert.deepEqual(await read(), {
      subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: https(6443) }],
      slices: { kubernetes: [{ addresses: ['192.0.2.10'], conditions: { ready: true } }] },
    });
    const revision = await store.currentRevision();
    await endpoints({ ip: '192.0.2.10', port: 6443 }, false).register();
    assert.equal(await store.currentRevision(), revision);
    assert.equal((await store.range({ prefix: masterLeasePrefix })).count, 0, 'a lone server announces nothing');
    await endpoints({ ip: '192.0.2.77', port: 6443 }, false).register();
    assert.deepEqual((await read()).subsets, [{ addresses: [{ ip: '192.0.2.77' }], ports: https(6443) }]);
  });

  it('on an HA control plane lists every announced server, drops one that stops or stops renewing, and gives other ports their own slice', async (t) => {
    const { endpoints, read, clock } = open(t);
    const a = endpoints({ ip: '192.0.2.10', port: 6443 }, true);
    const b = endpoints({ ip: '192.0.2.9', port: 6443 }, true);
    const c = endpoints({ ip: '192.0.2.11', port: 7443 }, true);
    await a.register();
    await b.register();
    assert.deepEqual(await read(), {
      subsets: [{ addresses: [{ ip: '192.0.2.9' }, { ip: '192.0.2.10' }], ports: https(6443) }],
      slices: { kubernetes: [{ addresses: ['192.0.2.9'], conditions: { ready: true } }, { addresses: ['192.0.2.10'], conditions: { ready: true } }] },
    });
    await c.register();
    assert.deepEqual((await read()).slices['kubernetes-7443'], [{ addresses: ['192.0.2.11'], conditions: { ready: true } }]);
    await c.unregister();
    assert.deepEqual(Object.keys((await read()).slices), ['kubernetes'], 'the slice of the port no server uses any more is deleted');

    // b renews, a does not: a's announcement expires with its lease.
    clock.now += 10_000;
    await b.register();
    clock.now += 6_000;
    await waitFor(async () => (await b.addresses()).length === 1);
    await b.reconcile();
    assert.deepEqual((await read()).subsets, [{ addresses: [{ ip: '192.0.2.9' }], ports: https(6443) }]);
    // An expired server that comes back announces itself again.
    await a.register();
    assert.deepEqual((await read()).subsets, [{ addresses: [{ ip: '192.0.2.9' }, { ip: '192.0.2.10' }], ports: https(6443) }]);
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
