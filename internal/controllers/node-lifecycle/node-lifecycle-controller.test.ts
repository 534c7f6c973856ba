import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '../../../test/support/poll.ts';
import { ApiClient } from '../../client/index.ts';
import { startTestApiServer } from '../../client/test-api-server.ts';
import type { KubeObject } from '../../apiserver/objects.ts';
import { createLogger } from '../../util/log.ts';
import { controllerEventRecorder } from '../leader-elected/index.ts';
import { runNodeLifecycleController } from './node-lifecycle-controller.ts';

const log = createLogger('error');
const stamp = (): string => new Date().toISOString().replace('Z', '000Z');

describe('node lifecycle controller', () => {
  it('a node that stops renewing its Lease goes Unknown and tainted, its pods go after their toleration; a cordoned node is tainted unschedulable', async (t) => {
    const server = await startTestApiServer(t);
    const api = new ApiClient(server.config);
    t.after(() => api.close());
    for (const name of ['default', 'kube-node-lease']) await api.resource('Namespace', 'v1').create(null, { metadata: { name } });
    const nodes = api.resource('Node', 'v1');
    const leases = api.resource('Lease', 'coordination.k8s.io/v1');
    const pods = api.resource('Pod', 'v1');
    for (const name of ['alive', 'dead']) {
      await nodes.create(null, { metadata: { name }, spec: {} });
      await nodes.patch(null, name, { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: '2025-01-01T00:00:00Z' }] } }, 'merge', { subresource: 'status' });
      await leases.create('kube-node-lease', { metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: stamp() } });
    }
    const toleration = (seconds: number) => [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds }];
    await pods.create('default', { metadata: { name: 'brief' }, spec: { nodeName: 'dead', tolerations: toleration(1), containers: [{ name: 'c', image: 'i' }] } });
    await pods.create('default', { metadata: { name: 'patient' }, spec: { nodeName: 'dead', tolerations: toleration(3600), containers: [{ name: 'c', image: 'i' }] } });
    await pods.create('default', { metadata: { name: 'elsewhere' }, spec: { nodeName: 'alive', containers: [{ name: 'c', image: 'i' }] } });

    const stop = new AbortController();
    const renewing = (async () => {
      while (!stop.signal.aborted) {
        const lease = await leases.get('kube-node-lease', 'alive');
        await leases.update('kube-node-lease', { ...lease, spec: { ...(lease.spec as object), renewTime: stamp() } });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const nodeEvents = controllerEventRecorder(api, 'node-controller', log);
    const podEvents = controllerEventRecorder(api, 'taint-eviction-controller', log);
    const started = Date.now();
    const running = runNodeLifecycleController({ api, log, nodeEvents, podEvents, gracePeriodMs: 1500, monitorPeriodMs: 200 }, stop.signal);
    // Also when the test times out, so that nothing keeps running after it.
    t.signal.addEventListener('abort', () => stop.abort());
    t.after(async () => {
      stop.abort();
      nodeEvents.stop();
      podEvents.stop();
      const stopped = await Promise.race([Promise.all([running, renewing]).then(() => true), new Promise<false>((resolve) => setTimeout(resolve, 10_000, false))]);
      assert.ok(stopped, 'the controller or the renewing loop did not stop within 10 s of the abort');
    });

    type NodeView = { spec?: { taints?: Array<{ key: string; effect: string }> }; status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> } };
    const view = async (name: string): Promise<NodeView> => (await nodes.get(null, name)) as unknown as NodeView;
    const taints = (node: NodeView): string[] => (node.spec?.taints ?? []).map((x) => `${x.key}:${x.effect}`).sort();
    await eventually('the silent node to be Unknown and tainted', async () => taints(await view('dead')).length === 2, 10_000, 50);
    assert.ok(Date.now() - started >= 1500, 'not before the grace period');
    const dead = await view('dead');
    const ready = dead.status?.conditions?.find((c) => c.type === 'Ready');
    assert.deepEqual([ready?.status, ready?.reason, ready?.message], ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
    assert.deepEqual(taints(dead), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    assert.deepEqual(taints(await view('alive')), []);

    // No kubelet runs here to finish the deletion: the pod stays, terminating.
    const brief = await eventually('the pod with a 1 s toleration to be deleted', async () => {
      const pod = await pods.get('default', 'brief');
      return pod.metadata.deletionTimestamp !== undefined && pod;
    }, 10_000, 50);
    const conditions = (brief.status as { conditions?: Array<{ type: string; reason?: string }> }).conditions ?? [];
    assert.equal(conditions.find((c) => c.type === 'DisruptionTarget')?.reason, 'DeletionByTaintManager');
    assert.ok((await pods.get('default', 'patient')).metadata.deletionTimestamp === undefined, 'an hour-long toleration keeps its pod');
    assert.ok((await pods.get('default', 'elsewhere')).metadata.deletionTimestamp === undefined);

    await nodes.patch(null, 'alive', { spec: { unschedulable: true } }, 'merge');
    await eventually('the cordoned node to be tainted unschedulable', async () => taints(await view('alive')).join() === 'node.kubernetes.io/unschedulable:NoSchedule', 10_000, 50);

    // The dead node's agent comes back: it renews and posts Ready again.
    await nodes.patch(null, 'dead', { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: '2025-01-01T01:00:00Z' }] } }, 'merge', { subresource: 'status' });
    await eventually('the recovered node to lose its taints', async () => taints(await view('dead')).length === 0, 10_000, 50);
    const events = (await api.resource('Event', 'v1').list('default')).items as KubeObject[];
    assert.ok(events.some((e) => e.reason === 'TaintManagerEviction' && e.message === 'Marking for deletion Pod default/brief'));
  });
});
