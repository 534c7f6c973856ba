import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/support/tmp.ts';
import { findResource } from '../api/resources.ts';
import { MvccStore } from '../datastore/mvcc/store.ts';
import { StorageRegistry } from './registry.ts';

function registry(t: Parameters<typeof tempDir>[0]): StorageRegistry {
  const store = MvccStore.open({ file: join(tempDir(t), 'state.db'), compactIntervalMs: 0 });
  t.after(() => store.close());
  return new StorageRegistry({ store, now: Date.now });
}

describe('versions sharing storage', () => {
  it('an events.k8s.io Event reads back as a core Event with the core field names, and the other way round', async (t) => {
    const reg = registry(t);
    const type = findResource('events.k8s.io', 'v1', 'events');
    assert.ok(type);
    await reg.of(type).create('default', {
      metadata: { name: 'e1' },
      regarding: { kind: 'Pod', name: 'web', namespace: 'default' },
      note: 'pulled the image',
      reason: 'Pulled',
      reportingController: 'skiff/kubelet',
      deprecatedCount: 2,
      type: 'Normal',
    });
    const core = await reg.get('', 'v1', 'events').get('default', 'e1');
    assert.equal(core.apiVersion, 'v1');
    assert.deepEqual(core.involvedObject, { kind: 'Pod', name: 'web', namespace: 'default' });
    assert.equal(core.message, 'pulled the image');
    assert.equal(core.reportingComponent, 'skiff/kubelet');
    assert.equal(core.count, 2);
    assert.equal(core.note, undefined);
    const back = await reg.of(type).get('default', 'e1');
    assert.equal(back.note, 'pulled the image');
    assert.equal(back.involvedObject, undefined);
  });

  it('an autoscaling/v1 CPU target is a v2 Resource metric and reads back as the v1 field', async (t) => {
    const reg = registry(t);
    await reg.get('autoscaling', 'v1', 'horizontalpodautoscalers').create('default', {
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
    });
    const v2 = await reg.get('autoscaling', 'v2', 'horizontalpodautoscalers').get('default', 'web');
    assert.deepEqual((v2.spec as { metrics: unknown }).metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    const v1 = await reg.get('autoscaling', 'v1', 'horizontalpodautoscalers').get('default', 'web');
    assert.equal((v1.spec as { targetCPUUtilizationPercentage: number }).targetCPUUtilizationPercentage, 70);
    assert.equal((v1.spec as { metrics?: unknown }).metrics, undefined);
  });
});
