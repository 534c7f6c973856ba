import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '../../../test/support/poll.ts';
import { ApiClient, ApiStatusError } from '../../client/index.ts';
import { startTestApiServer } from '../../client/test-api-server.ts';
import { createLogger } from '../../util/log.ts';
import type { KubeObject } from '../../apiserver/objects.ts';
import { controllerEventRecorder } from '../leader-elected/index.ts';
import { runDisruptionController } from './disruption-controller.ts';

const log = createLogger('error');

describe('disruption controller', () => {
  it('keeps a budget\'s status from its pods and their ReplicaSet, and the eviction subresource spends it', async (t) => {
    const server = await startTestApiServer(t);
    const api = new ApiClient(server.config);
    t.after(() => api.close());
    const stop = new AbortController();
    const events = controllerEventRecorder(api, 'controllermanager', log);
    const running = runDisruptionController({ api, log, events }, stop.signal);
    t.after(async () => {
      stop.abort();
      events.stop();
      await running;
    });

    await api.resource('Namespace', 'v1').create(null, { metadata: { name: 'default' } });
    const rs = await api.resource('ReplicaSet', 'apps/v1').create('default', {
      metadata: { name: 'web' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    });
    const pods = api.resource('Pod', 'v1');
    for (const name of ['a', 'b', 'c']) {
      const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid ?? '', controller: true };
      await pods.create('default', { metadata: { name, labels: { app: 'web' }, ownerReferences: [owner] }, spec: { containers: [{ name: 'c', image: 'i' }] } });
      await pods.patch('default', name, { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }, 'merge', { subresource: 'status' });
    }
    const budgets = api.resource('PodDisruptionBudget', 'policy/v1');
    await budgets.create('default', { metadata: { name: 'web' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } });
    const statusOf = async (): Promise<Record<string, unknown>> => ((await budgets.get('default', 'web')).status ?? {}) as Record<string, unknown>;
    await eventually('the budget status', async () => (await statusOf()).disruptionsAllowed === 1, 10_000, 50);
    assert.deepEqual(
      Object.fromEntries(Object.entries(await statusOf()).filter(([k]) => k !== 'conditions')),
      { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 },
    );

    const evict = (name: string): Promise<unknown> =>
      api.request('POST', `/api/v1/namespaces/default/pods/${name}/eviction`, { body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } } });
    const accepted = (await evict('a')) as KubeObject;
    assert.equal(accepted.kind, 'Status');
    assert.equal((accepted as unknown as { status: string }).status, 'Success');
    await assert.rejects(pods.get('default', 'a'), { code: 404 });
    await eventually('the budget to count the eviction', async () => (await statusOf()).currentHealthy === 2, 10_000, 50);
    const refusal = await evict('b').then(() => undefined, (error: unknown) => error);
    assert.ok(refusal instanceof ApiStatusError);
    assert.equal(refusal.code, 429);
    assert.equal(refusal.status.reason, 'TooManyRequests');
    assert.equal(refusal.status.details?.causes?.[0]?.reason, 'DisruptionBudget');

    // A new pod ready again (as the ReplicaSet would make) gives the budget its disruption back.
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid ?? '', controller: true };
    await pods.create('default', { metadata: { name: 'd', labels: { app: 'web' }, ownerReferences: [owner] }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    await pods.patch('default', 'd', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }, 'merge', { subresource: 'status' });
    await eventually('a disruption to be allowed again', async () => (await statusOf()).disruptionsAllowed === 1, 10_000, 50);
  });
});
