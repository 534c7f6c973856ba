import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../apiserver/objects.ts';
import { podChanged } from './pod-changes.ts';

const pod: KubeObject = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '10', labels: { app: 'web' }, annotations: { a: '1' } },
  spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'busybox:1' }] } as KubeObject['spec'],
  status: { phase: 'Pending' },
};
const with_ = (change: (p: KubeObject) => void): KubeObject => {
  const copy = structuredClone(pod);
  change(copy);
  return copy;
};

describe('pod changes the kubelet acts on', () => {
  it('ignores an update that only brings the status the agent wrote, with a new resourceVersion', () => {
    assert.equal(podChanged(pod, with_((p) => {
      p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
      p.metadata.resourceVersion = '11';
      p.metadata.managedFields = [{ manager: 'skiff-kubelet', operation: 'Update', subresource: 'status' }];
    })), false);
  });

  it('ignores a spec with the same content in another key order', () => {
    assert.equal(podChanged(pod, with_((p) => {
      p.spec = { containers: [{ image: 'busybox:1', name: 'app' }], nodeName: 'n1' } as KubeObject['spec'];
    })), false);
  });

  it('acts on a changed spec, labels, annotations, deletion or uid', () => {
    const changes: Array<[string, (p: KubeObject) => void]> = [
      ['spec', (p) => void ((p.spec as { activeDeadlineSeconds?: number }).activeDeadlineSeconds = 5)],
      ['labels', (p) => void (p.metadata.labels = { app: 'web', tier: 'front' })],
      ['annotations', (p) => void delete p.metadata.annotations],
      ['deletionTimestamp', (p) => void (p.metadata.deletionTimestamp = '2025-01-01T00:00:00Z')],
      ['deletionGracePeriodSeconds', (p) => void (p.metadata.deletionGracePeriodSeconds = 0)],
      ['uid', (p) => void (p.metadata.uid = 'u2')],
    ];
    for (const [what, change] of changes) assert.equal(podChanged(pod, with_(change)), true, what);
  });
});
