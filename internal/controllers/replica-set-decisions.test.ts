import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { atMs, pod, replicaSet } from './fixtures.ts';
import { deletionOrder, podFromTemplate, podsToDelete, replicaDiff, replicaSetStatus, slowStartBatch, slowStartBatches, statusDiffers } from './replica-set-decisions.ts';

const names = (pods: { metadata: { name?: string } }[]): string[] => pods.map((p) => p.metadata.name ?? '');

describe('ReplicaSet decisions', () => {
  it('the difference to create or delete is capped at 500 per sync', () => {
    assert.equal(replicaDiff(0, 3), 3);
    assert.equal(replicaDiff(10, 2), -8);
    assert.equal(replicaDiff(0, 2000), 500);
    assert.equal(replicaDiff(900, 0), -500);
    assert.equal(replicaDiff(4, 4), 0);
  });

  it('slow start creates in batches of 1, 2, 4, … with the remainder last', () => {
    assert.deepEqual(slowStartBatches(0), []);
    assert.deepEqual(slowStartBatches(1), [1]);
    assert.deepEqual(slowStartBatches(10), [1, 2, 4, 3]);
    assert.deepEqual(slowStartBatches(15), [1, 2, 4, 8]);
  });

  it('slow start stops after the first batch with a failure and counts what succeeded', async () => {
    let calls = 0;
    const result = await slowStartBatch(20, async () => {
      calls++;
      // The 4th call is in the third batch (calls 4–7): that batch finishes, no later one starts.
      if (calls === 4) throw new Error('quota exceeded');
    });
    assert.equal(calls, 7);
    assert.equal(result.succeeded, 6);
    assert.match(String(result.error), /quota exceeded/);
    const clean = await slowStartBatch(5, async () => {});
    assert.deepEqual(clean, { succeeded: 5, error: undefined });
  });

  it('scale-down deletes unscheduled, then pending, then not-ready pods before ready ones', () => {
    const pods = [
      pod('ready-old', { node: 'n1', readySince: 10, created: 0 }),
      pod('pending', { node: 'n1', phase: 'Pending', created: 5 }),
      pod('unscheduled', { created: 1 }),
      pod('running-not-ready', { node: 'n1', phase: 'Running', created: 2 }),
    ];
    assert.deepEqual(names(deletionOrder(pods, () => 0, atMs(100))), ['unscheduled', 'pending', 'running-not-ready', 'ready-old']);
  });

  it('among equally ready pods the lower deletion cost, the crowded node and the newer pod go first', () => {
    const now = atMs(100_000);
    assert.deepEqual(names(deletionOrder([pod('costly', { node: 'n', readySince: 5, cost: 10 }), pod('cheap', { node: 'n', readySince: 5, cost: -1 })], () => 0, now)), ['cheap', 'costly']);
    const crowded = deletionOrder([pod('alone', { node: 'a', readySince: 5 }), pod('crowded', { node: 'b', readySince: 5 })], (p) => (p.spec?.nodeName === 'b' ? 3 : 1), now);
    assert.deepEqual(names(crowded), ['crowded', 'alone']);
    // Ready for ~28 h versus ~1 min: the one ready for less time goes first.
    const byReady = deletionOrder([pod('long', { node: 'n', readySince: 0, created: 0 }), pod('short', { node: 'n', readySince: 99_940, created: 0 })], () => 0, now);
    assert.deepEqual(names(byReady), ['short', 'long']);
    const byRestarts = deletionOrder([pod('calm', { node: 'n', readySince: 5 }), pod('flaky', { node: 'n', readySince: 5, restarts: 4 })], () => 0, now);
    assert.deepEqual(names(byRestarts), ['flaky', 'calm']);
    const byAge = deletionOrder([pod('old', { created: 0 }), pod('new', { created: 90_000 })], () => 0, now);
    assert.deepEqual(names(byAge), ['new', 'old']);
  });

  it('podsToDelete ranks by colocated related pods and returns exactly the count asked for', () => {
    const mine = [pod('a', { node: 'n1', readySince: 5 }), pod('b', { node: 'n2', readySince: 5 }), pod('c', { node: 'n3', readySince: 5 })];
    const related = [...mine, pod('sibling-1', { node: 'n2', readySince: 5 }), pod('sibling-2', { node: 'n2', readySince: 5 }), pod('gone', { node: 'n3', deleting: true })];
    assert.deepEqual(names(podsToDelete(mine, related, 1, atMs(1000))), ['b']);
    assert.equal(podsToDelete(mine, related, 2, atMs(1000)).length, 2);
    assert.equal(podsToDelete(mine, related, 3, atMs(1000)).length, 3);
  });

  it('a pod made from the template carries its labels and spec, generateName <rs>- and a controller reference', () => {
    const rs = replicaSet('web-abc', { replicas: 1 });
    rs.spec.template = { metadata: { labels: { app: 'web' }, annotations: { a: 'b' }, generation: 0 }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    const created = podFromTemplate(rs);
    assert.equal(created.metadata.generateName, 'web-abc-');
    assert.equal(created.metadata.name, undefined);
    assert.equal(created.metadata.generation, undefined);
    assert.deepEqual(created.metadata.labels, { app: 'web' });
    assert.deepEqual(created.metadata.annotations, { a: 'b' });
    assert.deepEqual(created.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: rs.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(created.spec, { containers: [{ name: 'c', image: 'x' }] });
  });
});

describe('ReplicaSet status', () => {
  it('counts replicas, fully labeled, ready and available pods (available after minReadySeconds)', () => {
    const rs = replicaSet('web-abc', { replicas: 4 });
    rs.spec.minReadySeconds = 30;
    rs.spec.template = { metadata: { labels: { app: 'web', tier: 'front' } } };
    rs.metadata.generation = 7;
    const pods = [
      pod('long-ready', { readySince: 0, labels: { app: 'web', tier: 'front' } }),
      pod('just-ready', { readySince: 90, labels: { app: 'web', tier: 'front' } }),
      pod('pending', { labels: { app: 'web' } }),
    ];
    const status = replicaSetStatus(rs, pods, undefined, atMs(100));
    assert.deepEqual(status, { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 7 });
    assert.equal(statusDiffers(rs, status), true);
    assert.equal(statusDiffers({ ...rs, status }, status), false);
    // Zero counts are omitted, as the API omits them; replicas always shows.
    assert.deepEqual(replicaSetStatus(rs, [], undefined, atMs(100)), { replicas: 0, observedGeneration: 7 });
  });

  it('a failed create sets ReplicaFailure/FailedCreate once, and a clean sync removes it', () => {
    const rs = replicaSet('web-abc', { replicas: 3 });
    rs.status = { replicas: 1 };
    const failed = replicaSetStatus(rs, [pod('only')], { message: 'pods "x" is forbidden: exceeded quota' }, atMs(50));
    assert.deepEqual(failed.conditions, [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2025-01-01T00:00:50Z', reason: 'FailedCreate', message: 'pods "x" is forbidden: exceeded quota' }]);
    const again = replicaSetStatus({ ...rs, status: failed }, [pod('only')], { message: 'another error' }, atMs(90));
    assert.deepEqual(again.conditions, failed.conditions);
    const healed = replicaSetStatus({ ...rs, status: failed }, [pod('only')], undefined, atMs(120));
    assert.equal(healed.conditions, undefined);
  });

  it('a failed delete while over the desired count is reported as FailedDelete', () => {
    const rs = replicaSet('web-abc', { replicas: 0 });
    rs.status = { replicas: 1 };
    assert.equal(replicaSetStatus(rs, [pod('one')], { message: 'boom' }, atMs(1)).conditions?.[0]?.reason, 'FailedDelete');
  });
});
