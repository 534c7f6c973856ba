import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployment, replicaSet } from './fixtures.ts';
import { equalIgnoringHash, findNewReplicaSet, maxRevision, podTemplateHash, setNewReplicaSetAnnotations } from './deployment-revisions.ts';
import type { PodTemplate } from './workload-types.ts';

const template = (image: string): PodTemplate => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } });

describe('pod-template-hash', () => {
  it('is stable for equal templates whatever the key order, and changes with the template or a collision', () => {
    const a = template('img:1');
    const reordered: PodTemplate = { spec: { containers: [{ image: 'img:1', name: 'c' }] }, metadata: { labels: { app: 'web' } } };
    assert.equal(podTemplateHash(a), podTemplateHash(reordered));
    assert.match(podTemplateHash(a), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.notEqual(podTemplateHash(a), podTemplateHash(template('img:2')));
    assert.notEqual(podTemplateHash(a), podTemplateHash(a, 1));
  });
});

describe('the new ReplicaSet', () => {
  it('templates compare equal without the hash label, zero-valued metadata or null timestamps', () => {
    const stored: PodTemplate = { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' }, generation: 0 }, spec: { containers: [{ name: 'c', image: 'img:1' }] } };
    const restored: PodTemplate = { metadata: { labels: { app: 'web' }, creationTimestamp: null }, spec: { containers: [{ name: 'c', image: 'img:1' }], volumes: [] } };
    assert.equal(equalIgnoringHash(stored, restored), true);
    assert.equal(equalIgnoringHash(stored, template('img:2')), false);
    assert.equal(equalIgnoringHash(template('img:1'), { metadata: { labels: { app: 'web', extra: '' } }, spec: { containers: [{ name: 'c', image: 'img:1' }] } }), false);
  });

  it('is the oldest ReplicaSet whose template matches the Deployment', () => {
    const d = deployment('web', { image: 'img:2' });
    const older = replicaSet('older', { replicas: 0, created: 1 });
    older.spec.template = structuredClone(d.spec.template);
    const newer = replicaSet('newer', { replicas: 0, created: 2 });
    newer.spec.template = structuredClone(d.spec.template);
    const other = replicaSet('other', { replicas: 3, created: 0 });
    assert.equal(findNewReplicaSet(d, [newer, other, older])?.metadata.name, 'older');
    assert.equal(findNewReplicaSet(d, [other]), undefined);
  });

  it('gets the Deployment annotations (not kubectl\'s or the revision ones) and, when new, desired and max replicas', () => {
    const d = deployment('web', { replicas: 4 });
    d.metadata.annotations = { 'kubernetes.io/change-cause': 'v2', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '7' };
    const rs = replicaSet('web-x', { replicas: 0 });
    assert.equal(setNewReplicaSetAnnotations(d, rs, 3, false, 1), true);
    assert.deepEqual(rs.metadata.annotations, {
      'kubernetes.io/change-cause': 'v2',
      'deployment.kubernetes.io/revision': '3',
      'deployment.kubernetes.io/desired-replicas': '4',
      'deployment.kubernetes.io/max-replicas': '5',
    });
    assert.equal(setNewReplicaSetAnnotations(d, rs, 3, true, 1), false);
  });

  it('a rollback raises an old ReplicaSet\'s revision above every other and records the old number in revision-history', () => {
    const d = deployment('web');
    const first = replicaSet('web-1', { replicas: 0, revision: 1 });
    const second = replicaSet('web-2', { replicas: 3, revision: 2 });
    assert.equal(maxRevision([first, second]), 2);
    assert.equal(setNewReplicaSetAnnotations(d, first, maxRevision([second]) + 1, true, 1), true);
    assert.equal(first.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(first.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    setNewReplicaSetAnnotations(d, first, 5, true, 1);
    assert.equal(first.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1,3');
    // A revision already above the computed one is kept.
    assert.equal(setNewReplicaSetAnnotations(d, first, 4, true, 1), false);
    assert.equal(first.metadata.annotations?.['deployment.kubernetes.io/revision'], '5');
  });
});
