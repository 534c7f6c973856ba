import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '../../test/support/tmp.ts';
import { MvccStore } from '../datastore/mvcc/store.ts';
import { StorageRegistry } from './registry.ts';

function registry(t: TestContext): StorageRegistry {
  const store = MvccStore.open({ file: join(tempDir(t), 'state.db'), compactIntervalMs: 0 });
  t.after(() => store.close());
  return new StorageRegistry({ store, now: Date.now });
}

describe('resource storage', () => {
  it('names follow each kind\'s rule: RBAC names may hold colons, other names may not', async (t) => {
    const reg = registry(t);
    const role = await reg.get('rbac.authorization.k8s.io', 'v1', 'clusterroles').create(null, { metadata: { name: 'system:reader' }, rules: [] });
    assert.equal(role.metadata.name, 'system:reader');
    await assert.rejects(reg.get('', 'v1', 'configmaps').create('default', { metadata: { name: 'system:reader' } }), { code: 422 });
  });

  it('generation moves when the spec changes, not when only its key order does', async (t) => {
    const deployments = registry(t).get('apps', 'v1', 'deployments');
    const spec = { replicas: 1, selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } } } };
    await deployments.create('default', { metadata: { name: 'd' }, spec });
    const reordered = { template: spec.template, selector: spec.selector, replicas: 1 };
    assert.equal((await deployments.update('default', 'd', { metadata: { name: 'd' }, spec: reordered })).metadata.generation, 1);
    assert.equal((await deployments.update('default', 'd', { metadata: { name: 'd' }, spec: { ...spec, replicas: 2 } })).metadata.generation, 2);
  });

  it('a write pinned to a resourceVersion whose object is deleted meanwhile is 404, not a conflict', async (t) => {
    const configMaps = registry(t).get('', 'v1', 'configmaps');
    const created = await configMaps.create('default', { metadata: { name: 'race' }, data: { v: '1' } });
    const attempt = configMaps.guaranteedUpdate('default', 'race', { operation: 'update' }, async (current) => {
      // The object goes away between the read and the write.
      await configMaps.delete('default', 'race');
      return { ...current, data: { v: '2' } };
    }, { retry: false });
    await assert.rejects(attempt, { code: 404 });
    assert.ok(created.metadata.resourceVersion);
  });
});
