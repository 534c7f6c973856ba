import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, atMs, pod } from '../fixtures.ts';
import { budgetCovers, budgetStatus, expectedAndDesired, pendingDisruptions, scaledValue, type Budget, type BudgetSpec } from './budget.ts';

const selector = { matchLabels: { app: 'web' } };
const budget = (spec: BudgetSpec, status?: Budget['status'], generation = 1): Budget => ({ metadata: { name: 'web', namespace: 'default', generation }, spec: { selector, ...spec }, status });
const ready = (name: string, extra: Parameters<typeof pod>[1] = {}) => pod(name, { node: 'n', readySince: 0, ...extra });

describe('disruption budget status', () => {
  it('minAvailable as a number counts the covered pods and allows the healthy ones above it', () => {
    const { status } = budgetStatus(budget({ minAvailable: 2 }), [ready('a'), ready('b'), ready('c'), pod('d', { node: 'n', phase: 'Running' })], { scale: 0, unmanaged: [] }, atMs(100));
    assert.equal(status.expectedPods, 4);
    assert.equal(status.desiredHealthy, 2);
    assert.equal(status.currentHealthy, 3);
    assert.equal(status.disruptionsAllowed, 1);
    assert.equal(status.observedGeneration, 1);
    assert.deepEqual(status.conditions?.map((c) => [c.type, c.status, c.reason]), [['DisruptionAllowed', 'True', 'SufficientPods']]);
  });

  it('maxUnavailable and percentages use the controllers\' scale, rounding up', () => {
    assert.deepEqual(expectedAndDesired({ maxUnavailable: 1 }, 2, 3), { expected: 3, desired: 2 });
    assert.deepEqual(expectedAndDesired({ maxUnavailable: '50%' }, 3, 3), { expected: 3, desired: 1 });
    assert.deepEqual(expectedAndDesired({ minAvailable: '50%' }, 3, 3), { expected: 3, desired: 2 });
    assert.deepEqual(expectedAndDesired({ maxUnavailable: 5 }, 3, 3), { expected: 3, desired: 0 });
    assert.throws(() => scaledValue('half', 4), /not a percentage/);
  });

  it('no expected pods allows no disruption, whatever is healthy', () => {
    const { status } = budgetStatus(budget({ maxUnavailable: 1 }), [], { scale: 0, unmanaged: [] }, atMs(0));
    assert.equal(status.disruptionsAllowed, 0);
    assert.equal(status.conditions?.[0]?.reason, 'InsufficientPods');
  });

  it('pods being deleted or recently approved for eviction do not count as healthy', () => {
    const previous = { disruptionsAllowed: 0, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptedPods: { b: at(90) } };
    const { status, recheckAtMs } = budgetStatus(budget({ minAvailable: 1 }, previous), [ready('a'), ready('b'), ready('c', { deleting: true })], { scale: 0, unmanaged: [] }, atMs(100));
    assert.equal(status.currentHealthy, 1);
    assert.equal(status.disruptionsAllowed, 0);
    assert.deepEqual(status.disruptedPods, { b: at(90) });
    assert.equal(recheckAtMs, atMs(90) + 120_000);
  });

  it('an approved eviction whose pod is still there after two minutes is dropped', () => {
    const result = pendingDisruptions({ a: at(0), gone: at(0), b: at(100) }, [ready('a'), ready('b')], atMs(121));
    assert.deepEqual(result.pending, { b: at(100) });
    assert.deepEqual(result.expired, ['a']);
  });

  it('a failure to find the pods\' controllers allows nothing and says why', () => {
    const { status } = budgetStatus(budget({ maxUnavailable: '10%' }), [ready('a')], { error: 'found no controllers for pod "a"' }, atMs(0));
    assert.equal(status.disruptionsAllowed, 0);
    assert.deepEqual(status.conditions?.map((c) => [c.status, c.reason, c.message]), [['False', 'SyncFailed', 'found no controllers for pod "a"']]);
  });

  it('the condition keeps its transition time while its status holds', () => {
    const first = budgetStatus(budget({ minAvailable: 0 }), [ready('a')], { scale: 0, unmanaged: [] }, atMs(0)).status;
    const second = budgetStatus(budget({ minAvailable: 0 }, first), [ready('a'), ready('b')], { scale: 0, unmanaged: [] }, atMs(50)).status;
    assert.equal(second.conditions?.[0]?.lastTransitionTime, at(0));
  });

  it('a v1 budget without a selector covers nothing, an empty one its whole namespace', () => {
    const none: Budget = { metadata: { namespace: 'default' }, spec: {} };
    const all: Budget = { metadata: { namespace: 'default' }, spec: { selector: {} } };
    assert.equal(budgetCovers(none, ready('a')), false);
    assert.equal(budgetCovers(all, ready('a')), true);
    assert.equal(budgetCovers({ metadata: { namespace: 'other' }, spec: { selector: {} } }, ready('a')), false);
  });
});
