import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, atMs, deployment, replicaSet } from './fixtures.ts';
import {
  calculateStatus,
  compactStatus,
  deploymentTimedOut,
  getCondition,
  rolloutStatus,
  sameStatus,
  setCondition,
  stuckRecheckMs,
} from './deployment-status.ts';

describe('Deployment status', () => {
  it('sums the ReplicaSets: replicas and updated from status, unavailable from spec minus available', () => {
    const d = deployment('web', { replicas: 4, generation: 3 });
    const old = replicaSet('old', { replicas: 1, current: 2, available: 2, ready: 2 });
    const fresh = replicaSet('new', { replicas: 3, current: 2, available: 1, ready: 2 });
    const status = calculateStatus(d, [old, fresh], fresh, atMs(10));
    assert.deepEqual({ ...status, conditions: undefined }, {
      observedGeneration: 3,
      replicas: 4,
      updatedReplicas: 2,
      readyReplicas: 4,
      availableReplicas: 3,
      unavailableReplicas: 1,
      conditions: undefined,
    });
    // 3 available ≥ 4 - maxUnavailable (25% of 4 = 1).
    assert.deepEqual(getCondition(status, 'Available'), {
      type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: at(10), lastTransitionTime: at(10),
    });
  });

  it('Available turns False with MinimumReplicasUnavailable below replicas - maxUnavailable', () => {
    const d = deployment('web', { replicas: 4 });
    const status = calculateStatus(d, [replicaSet('new', { replicas: 4, available: 2 })], undefined, atMs(10));
    assert.equal(getCondition(status, 'Available')?.status, 'False');
    assert.equal(getCondition(status, 'Available')?.reason, 'MinimumReplicasUnavailable');
  });

  it('setting a condition with the same status and reason changes nothing; a new reason keeps the transition time', () => {
    const status = { conditions: [{ type: 'Progressing', status: 'True' as const, reason: 'NewReplicaSetCreated', lastUpdateTime: at(1), lastTransitionTime: at(1) }] };
    setCondition(status, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', lastUpdateTime: at(5), lastTransitionTime: at(5) });
    assert.equal(status.conditions[0]?.lastUpdateTime, at(1));
    setCondition(status, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', lastUpdateTime: at(9), lastTransitionTime: at(9) });
    assert.deepEqual(status.conditions, [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', lastUpdateTime: at(9), lastTransitionTime: at(1) }]);
  });

  it('progress (more updated or available pods) refreshes Progressing as ReplicaSetUpdated', () => {
    const d = deployment('web', {
      replicas: 2,
      status: { replicas: 2, updatedReplicas: 0, conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', lastUpdateTime: at(0), lastTransitionTime: at(0) }] },
    });
    const fresh = replicaSet('web-new', { replicas: 1, available: 0 });
    const status = rolloutStatus(d, [replicaSet('web-old', { replicas: 2, available: 2 }), fresh], fresh, atMs(30));
    assert.deepEqual(getCondition(status, 'Progressing'), {
      type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-new" is progressing.', lastUpdateTime: at(30), lastTransitionTime: at(0),
    });
  });

  it('a complete rollout says NewReplicaSetAvailable and needs no deadline check', () => {
    const d = deployment('web', { replicas: 2, status: { replicas: 2, updatedReplicas: 2, availableReplicas: 1, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: at(0), lastTransitionTime: at(0) }] } });
    const fresh = replicaSet('web-new', { replicas: 2, available: 2 });
    const status = rolloutStatus(d, [fresh], fresh, atMs(40));
    assert.equal(getCondition(status, 'Progressing')?.reason, 'NewReplicaSetAvailable');
    assert.equal(getCondition(status, 'Progressing')?.message, 'ReplicaSet "web-new" has successfully progressed.');
    assert.equal(stuckRecheckMs({ ...d, status }, status, atMs(40)), undefined);
  });

  it('no progress past progressDeadlineSeconds turns Progressing False with ProgressDeadlineExceeded', () => {
    const progressing = { type: 'Progressing', status: 'True' as const, reason: 'NewReplicaSetCreated', lastUpdateTime: at(0), lastTransitionTime: at(0) };
    const d = deployment('web', { replicas: 2, progressDeadlineSeconds: 5, status: { replicas: 2, updatedReplicas: 2, conditions: [progressing] } });
    const fresh = replicaSet('web-new', { replicas: 2, available: 0 });
    const before = rolloutStatus(d, [fresh], fresh, atMs(4));
    assert.equal(getCondition(before, 'Progressing')?.reason, 'NewReplicaSetCreated');
    assert.equal(stuckRecheckMs(d, before, atMs(4)), 1000);
    const after = rolloutStatus(d, [fresh], fresh, atMs(6));
    assert.deepEqual(getCondition(after, 'Progressing'), {
      type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-new" has timed out progressing.', lastUpdateTime: at(6), lastTransitionTime: at(6),
    });
    assert.equal(deploymentTimedOut(d, after, atMs(6)), true);
    assert.equal(stuckRecheckMs({ ...d, status: after }, after, atMs(7)), undefined);
  });

  it('a ReplicaSet failure becomes the Deployment ReplicaFailure condition, and goes away with it', () => {
    const failure = { type: 'ReplicaFailure', status: 'True' as const, reason: 'FailedCreate', message: 'quota', lastTransitionTime: at(3) };
    const fresh = replicaSet('web-new', { replicas: 2, conditions: [failure] });
    const d = deployment('web', { replicas: 2 });
    const status = rolloutStatus(d, [fresh], fresh, atMs(5));
    assert.deepEqual(getCondition(status, 'ReplicaFailure'), { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota', lastUpdateTime: at(3), lastTransitionTime: at(3) });
    const recovered = replicaSet('web-new', { replicas: 2 });
    const healed = rolloutStatus({ ...d, status }, [recovered], recovered, atMs(6));
    assert.equal(getCondition(healed, 'ReplicaFailure'), undefined);
  });

  it('zero counts are left out when written and compare equal to missing ones', () => {
    assert.deepEqual(compactStatus({ replicas: 0, updatedReplicas: 2, unavailableReplicas: 0, observedGeneration: 1 }), { updatedReplicas: 2, observedGeneration: 1 });
    assert.equal(sameStatus({ replicas: 0, observedGeneration: 1 }, { observedGeneration: 1 }), true);
    assert.equal(sameStatus({ replicas: 1 }, { replicas: 2 }), false);
  });
});
