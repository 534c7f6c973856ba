import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '../../test/support/tmp.ts';
import { MvccStore } from '../datastore/mvcc/store.ts';
import { LeaseRenewals } from './lease-renewals.ts';
import { StorageRegistry } from './registry.ts';

const at = (seconds: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString().replace(/\.000Z$/, '.000000Z');

function setup(t: TestContext) {
  const store = MvccStore.open({ file: join(tempDir(t), 'state.db'), compactIntervalMs: 0 });
  t.after(() => store.close());
  const registry = new StorageRegistry({ store, now: Date.now, leaseRenewals: new LeaseRenewals(5 * 60_000) });
  const leases = registry.get('coordination.k8s.io', 'v1', 'leases');
  return { store, leases };
}

const lease = (namespace: string, renewTime: string, holder = 'pi-01') => ({
  metadata: { name: 'pi-01', namespace },
  spec: { holderIdentity: holder, leaseDurationSeconds: 40, renewTime },
});

describe('node lease renewals', () => {
  it('a renewal that only moves renewTime is served from memory and not written', async (t) => {
    const { store, leases } = setup(t);
    const created = await leases.create('kube-node-lease', lease('kube-node-lease', at(0)));
    const before = await store.currentRevision();
    for (let i = 1; i <= 5; i++) {
      const current = await leases.get('kube-node-lease', 'pi-01');
      await leases.update('kube-node-lease', 'pi-01', { ...lease('kube-node-lease', at(i * 10)), metadata: { ...current.metadata } });
    }
    assert.equal(await store.currentRevision(), before, 'no datastore write for renewals');
    const read = await leases.get('kube-node-lease', 'pi-01');
    assert.equal((read.spec as { renewTime: string }).renewTime, at(50));
    assert.equal(read.metadata.resourceVersion, created.metadata.resourceVersion);
    const listed = await leases.list({ namespace: 'kube-node-lease' });
    assert.equal((listed.items[0]?.spec as { renewTime: string }).renewTime, at(50));
  });

  it('a leader renewal in kube-system is kept in memory like a node heartbeat', async (t) => {
    const { store, leases } = setup(t);
    await leases.create('kube-system', lease('kube-system', at(0)));
    const before = await store.currentRevision();
    await leases.update('kube-system', 'pi-01', lease('kube-system', at(2)));
    assert.equal(await store.currentRevision(), before);
    assert.equal(((await leases.get('kube-system', 'pi-01')).spec as { renewTime: string }).renewTime, at(2));
  });

  it('a renewal past the flush interval, a holder change or a lease elsewhere is written', async (t) => {
    const { store, leases } = setup(t);
    await leases.create('kube-node-lease', lease('kube-node-lease', at(0)));
    let before = await store.currentRevision();
    await leases.update('kube-node-lease', 'pi-01', lease('kube-node-lease', at(301)));
    assert.equal(await store.currentRevision(), before + 1);
    before = await store.currentRevision();
    await leases.update('kube-node-lease', 'pi-01', lease('kube-node-lease', at(310), 'pi-02'));
    assert.equal(await store.currentRevision(), before + 1);
    await leases.create('default', lease('default', at(0)));
    before = await store.currentRevision();
    await leases.update('default', 'pi-01', lease('default', at(10)));
    assert.equal(await store.currentRevision(), before + 1);
  });
});
