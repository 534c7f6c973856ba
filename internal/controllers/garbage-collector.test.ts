import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { eventually } from '../../test/support/poll.ts';
import { tempDir } from '../../test/support/tmp.ts';
import { StorageRegistry } from '../apiserver/registry.ts';
import { ApiError } from '../apiserver/status.ts';
import { MvccStore } from '../datastore/mvcc/store.ts';
import { createLogger } from '../util/log.ts';
import { GarbageCollector } from './garbage-collector.ts';
import { NamespaceFinalizer } from './namespace-finalizer.ts';

async function cluster(t: TestContext) {
  const store = MvccStore.open({ file: join(tempDir(t), 'state.db'), compactIntervalMs: 0 });
  const registry = new StorageRegistry({ store, now: Date.now });
  const stop = new AbortController();
  const log = createLogger('error');
  const runs = [new GarbageCollector(registry, store, log).run(stop.signal), new NamespaceFinalizer(registry, store, log).run(stop.signal)];
  t.after(async () => {
    stop.abort();
    await Promise.allSettled(runs);
    store.close();
  });
  const configMaps = registry.get('', 'v1', 'configmaps');
  await registry.get('', 'v1', 'namespaces').create(null, { metadata: { name: 'default' }, spec: { finalizers: ['kubernetes'] } });
  const owner = await configMaps.create('default', { metadata: { name: 'owner' } });
  const dependent = await configMaps.create('default', {
    metadata: {
      name: 'dependent',
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid ?? '', blockOwnerDeletion: true }],
    },
  });
  const exists = async (name: string): Promise<boolean> => {
    try {
      await configMaps.get('default', name);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.code === 404) return false;
      throw error;
    }
  };
  return { registry, configMaps, owner, dependent, exists };
}

describe('garbage collector', () => {
  it('background deletion: the owner goes at once, then its dependents', async (t) => {
    const { configMaps, exists } = await cluster(t);
    const result = await configMaps.delete('default', 'owner', { propagationPolicy: 'Background' });
    assert.equal(result.deleted, true);
    await eventually('the dependent to be collected', async () => !(await exists('dependent')));
  });

  it('foreground deletion: the owner stays, marked, until its blocking dependents are gone', async (t) => {
    const { configMaps, exists } = await cluster(t);
    const result = await configMaps.delete('default', 'owner', { propagationPolicy: 'Foreground' });
    assert.equal(result.deleted, false);
    assert.ok(result.object.metadata.deletionTimestamp);
    assert.deepEqual(result.object.metadata.finalizers, ['foregroundDeletion']);
    await eventually('both to be gone', async () => !(await exists('dependent')) && !(await exists('owner')));
  });

  it('orphan deletion: dependents lose the owner reference and stay', async (t) => {
    const { configMaps, exists } = await cluster(t);
    await configMaps.delete('default', 'owner', { propagationPolicy: 'Orphan' });
    await eventually('the owner to be gone', async () => !(await exists('owner')));
    const dependent = await configMaps.get('default', 'dependent');
    assert.equal(dependent.metadata.ownerReferences, undefined);
  });

  it('an object whose owner never existed is collected', async (t) => {
    const { configMaps, exists } = await cluster(t);
    await configMaps.create('default', {
      metadata: { name: 'stray', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: 'no-such-uid' }] },
    });
    await eventually('the stray object to be collected', async () => !(await exists('stray')));
    assert.equal(await exists('owner'), true);
  });

  it('deleting a namespace deletes its objects, then the namespace', async (t) => {
    const { registry, exists } = await cluster(t);
    const namespaces = registry.get('', 'v1', 'namespaces');
    const marked = await namespaces.delete(null, 'default', {});
    assert.equal(marked.deleted, false);
    await eventually('the namespace content to be gone', async () => !(await exists('owner')) && !(await exists('dependent')));
    await eventually('the namespace to be gone', async () => {
      try {
        await namespaces.get(null, 'default');
        return false;
      } catch (error) {
        return error instanceof ApiError && error.code === 404;
      }
    });
  });
});
