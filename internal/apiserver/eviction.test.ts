import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '../../test/support/tmp.ts';
import { MvccStore } from '../datastore/mvcc/store.ts';
import { evictPod, parseEviction, takeDisruption } from './eviction.ts';
import type { KubeObject } from './objects.ts';
import { protobufContentType, type RequestBody } from './request-body.ts';
import { StorageRegistry } from './registry.ts';
import { envelope, m, s, v } from './protobuf/test-fixtures.ts';
import { ApiError } from './status.ts';

const now = Date.parse('2025-01-01T00:00:00Z');

function registry(t: TestContext): StorageRegistry {
  const store = MvccStore.open({ file: join(tempDir(t), 'state.db'), compactIntervalMs: 0 });
  t.after(() => store.close());
  return new StorageRegistry({ store, now: () => now });
}

function pod(name: string, { ready = true, phase = 'Running', labels = { app: 'web' } }: { ready?: boolean; phase?: string; labels?: Record<string, string> } = {}): KubeObject {
  return {
    metadata: { name, labels },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] },
    status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

async function budget(reg: StorageRegistry, name: string, status: Record<string, unknown>, spec: Record<string, unknown> = { minAvailable: 1, selector: { matchLabels: { app: 'web' } } }): Promise<void> {
  const budgets = reg.get('policy', 'v1', 'poddisruptionbudgets');
  await budgets.create('default', { metadata: { name }, spec });
  await budgets.guaranteedUpdate('default', name, { subresource: 'status' }, (current) => ({ ...current, status: { observedGeneration: 1, ...status } as KubeObject['status'] }));
}

const json = (body: unknown): RequestBody => ({ contentType: 'application/json', bytes: new TextEncoder().encode(JSON.stringify(body)) });
const eviction = (name: string, deleteOptions?: unknown) => json({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...(deleteOptions === undefined ? {} : { deleteOptions }) });

async function refused(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
  return error;
}

describe('pod eviction', () => {
  it('a pod no budget covers is marked DisruptionTarget and deleted with its grace period', async (t) => {
    const reg = registry(t);
    const pods = reg.get('', 'v1', 'pods');
    await pods.create('default', pod('a'));
    await evictPod(reg, 'default', 'a', parseEviction(eviction('a'), 'default', 'a', false), () => now);
    const after = await pods.get('default', 'a');
    assert.ok(after.metadata.deletionTimestamp, 'the pod is terminating');
    const conditions = (after.status as { conditions: Array<{ type: string; reason?: string }> }).conditions;
    assert.equal(conditions.find((c) => c.type === 'DisruptionTarget')?.reason, 'EvictionByEvictionAPI');
  });

  it('deleteOptions.gracePeriodSeconds 0 removes the pod at once', async (t) => {
    const reg = registry(t);
    await reg.get('', 'v1', 'pods').create('default', pod('a'));
    await evictPod(reg, 'default', 'a', parseEviction(eviction('a', { gracePeriodSeconds: 0 }), 'default', 'a', false), () => now);
    await assert.rejects(reg.get('', 'v1', 'pods').get('default', 'a'), { code: 404 });
  });

  it('a budget with no disruption left refuses with 429 and a DisruptionBudget cause, leaving the pod alone', async (t) => {
    const reg = registry(t);
    await reg.get('', 'v1', 'pods').create('default', pod('a'));
    await budget(reg, 'web', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 });
    const error = await refused(evictPod(reg, 'default', 'a', {}, () => now));
    assert.equal(error.code, 429);
    assert.equal(error.reason, 'TooManyRequests');
    assert.equal(error.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(error.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 1 healthy pods and has 1 currently' }]);
    assert.equal((await reg.get('', 'v1', 'pods').get('default', 'a')).metadata.deletionTimestamp, undefined);
  });

  it('an allowed eviction spends the budget and notes the pod, so the next one is refused', async (t) => {
    const reg = registry(t);
    const pods = reg.get('', 'v1', 'pods');
    await pods.create('default', pod('a'));
    await pods.create('default', pod('b'));
    await budget(reg, 'web', { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    await evictPod(reg, 'default', 'a', {}, () => now);
    const status = (await reg.get('policy', 'v1', 'poddisruptionbudgets').get('default', 'web')).status as { disruptionsAllowed: number; disruptedPods: Record<string, string>; conditions: Array<{ type: string; status: string; reason: string }> };
    assert.equal(status.disruptionsAllowed, 0);
    assert.deepEqual(status.disruptedPods, { a: '2025-01-01T00:00:00Z' });
    assert.deepEqual(status.conditions.map((c) => [c.type, c.status, c.reason]), [['DisruptionAllowed', 'False', 'InsufficientPods']]);
    assert.equal((await refused(evictPod(reg, 'default', 'b', {}, () => now))).code, 429);
  });

  it('a budget whose spec the controller has not yet seen refuses with a retry hint', async (t) => {
    const reg = registry(t);
    await reg.get('', 'v1', 'pods').create('default', pod('a'));
    await budget(reg, 'web', { observedGeneration: 0, disruptionsAllowed: 5, currentHealthy: 1, desiredHealthy: 0, expectedPods: 1 });
    const error = await refused(evictPod(reg, 'default', 'a', {}, () => now));
    assert.equal(error.code, 429);
    assert.equal(error.details?.retryAfterSeconds, 10);
    assert.match(error.details?.causes?.[0]?.message ?? '', /still being processed/);
  });

  it('pending pods, and unready pods of a budget that is met without them, go without spending it', async (t) => {
    const reg = registry(t);
    const pods = reg.get('', 'v1', 'pods');
    await pods.create('default', pod('pending', { phase: 'Pending', ready: false }));
    await pods.create('default', pod('unready', { ready: false }));
    await budget(reg, 'web', { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 4 });
    await evictPod(reg, 'default', 'pending', {}, () => now);
    await evictPod(reg, 'default', 'unready', {}, () => now);
    assert.ok((await pods.get('default', 'unready')).metadata.deletionTimestamp);
    const status = (await reg.get('policy', 'v1', 'poddisruptionbudgets').get('default', 'web')).status as { disruptionsAllowed: number; disruptedPods?: unknown };
    assert.equal(status.disruptionsAllowed, 0);
    assert.equal(status.disruptedPods, undefined);
  });

  it('an unready pod of a budget that is not met counts against it', async (t) => {
    const reg = registry(t);
    await reg.get('', 'v1', 'pods').create('default', pod('unready', { ready: false }));
    await budget(reg, 'web', { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 1, expectedPods: 1 });
    assert.equal((await refused(evictPod(reg, 'default', 'unready', {}, () => now))).code, 429);
  });

  it('a pod covered by two budgets cannot be evicted', async (t) => {
    const reg = registry(t);
    await reg.get('', 'v1', 'pods').create('default', pod('a'));
    await budget(reg, 'one', { disruptionsAllowed: 1, currentHealthy: 1, desiredHealthy: 0, expectedPods: 1 });
    await budget(reg, 'two', { disruptionsAllowed: 1, currentHealthy: 1, desiredHealthy: 0, expectedPods: 1 });
    const error = await refused(evictPod(reg, 'default', 'a', {}, () => now));
    assert.equal(error.code, 500);
    assert.match(error.message, /more than one PodDisruptionBudget/);
  });

  it('a dry run checks the budget but changes nothing', async (t) => {
    const reg = registry(t);
    await reg.get('', 'v1', 'pods').create('default', pod('a'));
    await budget(reg, 'web', { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    await evictPod(reg, 'default', 'a', parseEviction(eviction('a'), 'default', 'a', true), () => now);
    assert.equal((await reg.get('', 'v1', 'pods').get('default', 'a')).metadata.deletionTimestamp, undefined);
    assert.equal(((await reg.get('policy', 'v1', 'poddisruptionbudgets').get('default', 'web')).status as { disruptionsAllowed: number }).disruptionsAllowed, 1);
  });

  it('a missing pod is 404', async (t) => {
    const error = await refused(evictPod(registry(t), 'default', 'ghost', {}, () => now));
    assert.equal(error.code, 404);
    assert.equal(error.message, 'pods "ghost" not found');
  });
});

describe('Eviction bodies', () => {
  it('a name other than the URL\'s is refused', () => {
    assert.throws(() => parseEviction(eviction('b'), 'default', 'a', false), /name in URL does not match name in Eviction object/);
  });

  it('protobuf bodies as kubectl drain sends them carry their delete options', () => {
    const body = envelope('policy/v1', 'Eviction', new Uint8Array([...m(1, s(1, 'a'), s(3, 'default')), ...m(2, v(1, 5))]));
    const options = parseEviction({ contentType: protobufContentType, bytes: body }, 'default', 'a', false);
    assert.equal(options.gracePeriodSeconds, 5);
    assert.equal(options.dryRun, false);
  });

  it('deleteOptions.dryRun ["All"] makes a dry run', () => {
    assert.equal(parseEviction(eviction('a', { dryRun: ['All'] }), 'default', 'a', false).dryRun, true);
  });
});

describe('taking a disruption', () => {
  it('a negative disruptionsAllowed is forbidden rather than retried', () => {
    const budget = { metadata: { name: 'web', generation: 1 }, status: { observedGeneration: 1, disruptionsAllowed: -1, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 } };
    assert.throws(() => takeDisruption(budget, 'a', '2025-01-01T00:00:00Z', false), { code: 403 });
  });
});
