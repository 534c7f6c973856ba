import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployment, replicaSet } from './fixtures.ts';
import {
  activeOrLatest,
  isSaturated,
  maxSurge,
  maxUnavailable,
  newReplicaSetReplicas,
  proportionalScalePlan,
  resolveFenceposts,
  scaledValue,
  scaleDownOldPlan,
  type ScaleStep,
} from './deployment-rollout.ts';
import type { ReplicaSet } from './workload-types.ts';

const sizes = (steps: ScaleStep[]): Record<string, number> => Object.fromEntries(steps.map((s) => [s.rs.metadata.name ?? '', s.replicas]));

describe('maxSurge and maxUnavailable', () => {
  it('percentages round up for surge and down for unavailability', () => {
    assert.equal(scaledValue('25%', 10, true), 3);
    assert.equal(scaledValue('25%', 10, false), 2);
    assert.equal(scaledValue('100%', 7, true), 7);
    assert.equal(scaledValue(2, 10, false), 2);
    assert.equal(scaledValue(undefined, 10, true), 0);
    assert.throws(() => scaledValue('ten', 10, true), /Cannot use "ten" as a replica count/);
  });

  it('both zero (e.g. 25% of 1, rounded down, with surge 0) leave one pod unavailable', () => {
    assert.deepEqual(resolveFenceposts({ maxSurge: 0, maxUnavailable: '25%' }, 1), { surge: 0, unavailable: 1 });
    assert.deepEqual(resolveFenceposts({ maxSurge: '25%', maxUnavailable: '25%' }, 1), { surge: 1, unavailable: 0 });
  });

  it('unavailability is capped at replicas, and Recreate has neither', () => {
    assert.equal(maxUnavailable(deployment('web', { replicas: 2, rolling: { maxSurge: 0, maxUnavailable: 5 } })), 2);
    assert.equal(maxUnavailable(deployment('web', { replicas: 0 })), 0);
    assert.equal(maxUnavailable(deployment('web', { recreate: true })), 0);
    assert.equal(maxSurge(deployment('web', { recreate: true })), 0);
    assert.equal(maxSurge(deployment('web', { replicas: 10 })), 3);
  });
});

describe('rolling update steps', () => {
  it('the new ReplicaSet grows only into the room replicas + maxSurge leaves', () => {
    const d = deployment('web', { replicas: 4, rolling: { maxSurge: 1, maxUnavailable: 1 } });
    const old = replicaSet('old', { replicas: 4, available: 4 });
    const fresh = replicaSet('new', { replicas: 0 });
    assert.equal(newReplicaSetReplicas(d, [old, fresh], fresh), 1);
    const shrunk = replicaSet('old', { replicas: 2, available: 2 });
    const grown = replicaSet('new', { replicas: 1 });
    assert.equal(newReplicaSetReplicas(d, [shrunk, grown], grown), 3);
    const full = replicaSet('new', { replicas: 3 });
    assert.equal(newReplicaSetReplicas(d, [shrunk, full], full), 3);
    // Never past spec.replicas even with room to spare.
    assert.equal(newReplicaSetReplicas(d, [replicaSet('new', { replicas: 3 })], replicaSet('new', { replicas: 3 })), 4);
  });

  it('Recreate sizes the new ReplicaSet to spec.replicas at once', () => {
    const d = deployment('web', { replicas: 5, recreate: true });
    const fresh = replicaSet('new', { replicas: 0 });
    assert.equal(newReplicaSetReplicas(d, [replicaSet('old', { replicas: 5 }), fresh], fresh), 5);
  });

  it('old ReplicaSets shrink only while replicas - maxUnavailable stay available', () => {
    const d = deployment('web', { replicas: 4, rolling: { maxSurge: 1, maxUnavailable: 1 } });
    const old = replicaSet('old', { replicas: 4, available: 4 });
    const fresh = replicaSet('new', { replicas: 1, available: 0 });
    // 5 pods, at least 3 must stay available, 1 new one is not: one old pod may go.
    assert.deepEqual(sizes(scaleDownOldPlan(d, [old, fresh], [old], fresh)), { old: 3 });
    // 4 pods, all available: one more old one may go.
    const freshReady = replicaSet('new', { replicas: 1, available: 1 });
    const old3 = replicaSet('old', { replicas: 3, available: 3 });
    assert.deepEqual(sizes(scaleDownOldPlan(d, [old3, freshReady], [old3], freshReady)), { old: 2 });
    // 4 pods, 3 available (the new one is not yet): none may go.
    const freshWaiting = replicaSet('new', { replicas: 1, available: 0 });
    assert.deepEqual(sizes(scaleDownOldPlan(d, [old3, freshWaiting], [old3], freshWaiting)), {});
    const freshTwo = replicaSet('new', { replicas: 2, available: 2 });
    assert.deepEqual(sizes(scaleDownOldPlan(d, [old3, freshTwo], [old3], freshTwo)), { old: 1 });
  });

  it('unavailable old pods are removed first, oldest ReplicaSet first, without touching availability', () => {
    const d = deployment('web', { replicas: 10, rolling: { maxSurge: 0, maxUnavailable: 2 } });
    const oldest = replicaSet('oldest', { replicas: 4, available: 1, created: 1 });
    const older = replicaSet('older', { replicas: 6, available: 6, created: 2 });
    const fresh = replicaSet('new', { replicas: 0, created: 3 });
    // 10 pods, 8 must stay available, only 7 are: 2 (10 - 8) of the 3 unavailable ones go, no available one.
    assert.deepEqual(sizes(scaleDownOldPlan(d, [oldest, older, fresh], [oldest, older], fresh)), { oldest: 2 });
    // With room for more, unavailable pods go first and then available ones, oldest ReplicaSet first.
    const roomy = deployment('web', { replicas: 10, rolling: { maxSurge: 0, maxUnavailable: 5 } });
    assert.deepEqual(sizes(scaleDownOldPlan(roomy, [oldest, older, fresh], [oldest, older], fresh)), { oldest: 0, older: 5 });
  });
});

describe('proportional scaling', () => {
  const annotated = (name: string, replicas: number, maxBefore: number, created: number, available = 0): ReplicaSet =>
    replicaSet(name, { replicas, created, available, annotations: { 'deployment.kubernetes.io/desired-replicas': String(maxBefore), 'deployment.kubernetes.io/max-replicas': String(maxBefore) } });
  const rolling = (replicas: number) => deployment('web', { replicas, rolling: { maxSurge: 0, maxUnavailable: 1 } });

  it('one active ReplicaSet takes the whole new size', () => {
    const only = annotated('new', 10, 10, 1);
    assert.deepEqual(sizes(proportionalScalePlan(rolling(12), only, [annotated('old', 0, 10, 0)])), { new: 12 });
  });

  it('5 → 10 splits the growth by size: new 2 → 4, old 3 → 6', () => {
    assert.deepEqual(sizes(proportionalScalePlan(rolling(10), annotated('new', 2, 5, 2), [annotated('old', 3, 5, 1)])), { new: 4, old: 6 });
  });

  it('5 → 3 shrinks both: new 2 → 1, old 3 → 2', () => {
    assert.deepEqual(sizes(proportionalScalePlan(rolling(3), annotated('new', 2, 5, 2), [annotated('old', 3, 5, 1)])), { new: 1, old: 2 });
  });

  it('9 → 4 takes the last pod from the small old ReplicaSet', () => {
    assert.deepEqual(sizes(proportionalScalePlan(rolling(4), annotated('new', 8, 9, 2), [annotated('old', 1, 9, 1)])), { new: 4, old: 0 });
  });

  it('7 → 10 over three ReplicaSets: 3 → 4, 2 → 3, 2 → 3', () => {
    const plan = proportionalScalePlan(rolling(10), annotated('new', 2, 7, 3), [annotated('old-a', 3, 7, 1), annotated('old-b', 2, 7, 2)]);
    assert.deepEqual(sizes(plan), { 'old-a': 4, new: 3, 'old-b': 3 });
  });

  it('13 → 8 over three ReplicaSets: 8 → 5, 3 → 2, 2 → 1', () => {
    const plan = proportionalScalePlan(rolling(8), annotated('new', 2, 13, 3), [annotated('old-a', 8, 13, 1), annotated('old-b', 3, 13, 2)]);
    assert.deepEqual(sizes(plan), { 'old-a': 5, 'old-b': 2, new: 1 });
  });

  it('a saturated new ReplicaSet sends every old one to zero', () => {
    const d = rolling(3);
    const fresh = annotated('new', 3, 3, 2, 3);
    assert.equal(isSaturated(d, fresh), true);
    assert.deepEqual(sizes(proportionalScalePlan(d, fresh, [annotated('old', 1, 3, 1)])), { old: 0 });
  });

  it('with nothing active the new ReplicaSet, else the newest old one, is the one to scale', () => {
    const older = annotated('older', 0, 3, 1);
    const newer = annotated('newer', 0, 3, 2);
    const fresh = annotated('new', 0, 3, 3);
    assert.equal(activeOrLatest(fresh, [older, newer])?.metadata.name, 'new');
    assert.equal(activeOrLatest(undefined, [older, newer])?.metadata.name, 'newer');
    assert.equal(activeOrLatest(fresh, [annotated('a', 1, 3, 1), annotated('b', 1, 3, 2)]), undefined);
  });
});
