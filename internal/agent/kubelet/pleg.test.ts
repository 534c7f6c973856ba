/** How the kubelet learns about its containers: engine events, one shared relist, and nothing per pod. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import type { KubeObject } from '../../apiserver/objects.ts';
import { FakeClock } from '../../client/fake-clock.ts';
import { FakeRuntime } from './fake-runtime.ts';
import { Kubelet } from './kubelet.ts';
import type { PodStatus } from './types.ts';

const image = 'busybox:1';

describe('pod lifecycle events', () => {
  const dirs: string[] = [];
  const kubelets: Kubelet[] = [];
  afterEach(() => {
    for (const kubelet of kubelets.splice(0)) kubelet.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const setup = (options: { events?: boolean } = {}) => {
    const clock = new FakeClock(Date.parse('2025-01-01T00:00:00Z'));
    const runtime = new FakeRuntime(clock, options);
    runtime.images.add(image);
    const dataDir = mkdtempSync(join(tmpdir(), 'skiff-pleg-'));
    dirs.push(dataDir);
    const statuses = new Map<string, PodStatus>();
    const errors: string[] = [];
    const secrets = new Map<string, KubeObject>();
    const kubelet = new Kubelet({
      runtime, clock, nodeName: 'n1', podNetwork: { name: 'pods' }, dataDir, resyncMs: 60_000, relistMs: 1_000,
      lookup: { secret: async (_ns, name) => secrets.get(name) ?? null, configMap: async () => null },
      onStatus: (pod, s) => void statuses.set(pod.metadata.uid ?? '', s),
      onError: (error, where) => void errors.push(`${where}: ${String(error)}`),
    });
    kubelets.push(kubelet);
    return { clock, runtime, kubelet, statuses, errors, secrets };
  };
  const pod = (uid: string): KubeObject => ({
    metadata: { name: uid, namespace: 'default', uid },
    spec: { containers: [{ name: 'app', image }] } as KubeObject['spec'],
  });
  const settle = async () => {
    for (let i = 0; i < 30; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const latest = (runtime: FakeRuntime, uid: string) =>
    [...runtime.containers.values()].filter((c) => c.podUid === uid).sort((a, b) => b.restartCount - a.restartCount)[0];

  it('restarts a container that exited as soon as its die event arrives, without a sync or a relist', async () => {
    const { runtime, kubelet } = setup();
    await kubelet.syncPod(pod('a'));
    runtime.exit(latest(runtime, 'a')?.id ?? '', 1);
    await settle();
    assert.equal(latest(runtime, 'a')?.restartCount, 1);
    assert.equal(latest(runtime, 'a')?.state, 'running');
  });

  it('without an event stream, notices an exit at the next relist', async () => {
    const { clock, runtime, kubelet } = setup({ events: false });
    await kubelet.syncPod(pod('a'));
    runtime.exit(latest(runtime, 'a')?.id ?? '', 1);
    await settle();
    assert.equal(latest(runtime, 'a')?.restartCount, 0, 'nothing polls the pod on its own');
    clock.advance(1_000);
    await settle();
    assert.equal(latest(runtime, 'a')?.restartCount, 1);
  });

  it('costs one listing per relist period and no other read while pods idle', async () => {
    const { clock, runtime, kubelet } = setup();
    await kubelet.adopt();
    for (const uid of ['a', 'b', 'c']) await kubelet.syncPod(pod(uid));
    await settle();
    runtime.reads.clear();
    for (let i = 0; i < 10; i++) {
      clock.advance(1_000);
      await settle();
    }
    assert.deepEqual([...runtime.reads], [['listObjects', 10]]);
  });

  it('starts a new pod without listing anything or looking up its image', async () => {
    const { runtime, kubelet, statuses } = setup();
    await kubelet.adopt();
    runtime.reads.clear();
    await kubelet.syncPod(pod('a'));
    assert.equal(statuses.get('a')?.containerStatuses[0]?.state.running !== undefined, true);
    assert.deepEqual(Object.fromEntries(runtime.reads), { sandboxStatus: 1, inspectContainer: 1 }, 'the new sandbox and the started container, read once each');
  });

  it('opens the event stream again after it broke, and relists to catch what happened meanwhile', async () => {
    const { clock, runtime, kubelet, errors } = setup();
    await kubelet.syncPod(pod('a'));
    await settle();
    assert.equal(runtime.eventStreams, 1);
    runtime.breakEventStreams();
    await settle();
    assert.equal(runtime.eventStreams, 0);
    assert.deepEqual(errors, ['container event stream: RuntimeError: Cannot watch container events: connection reset']);
    runtime.exit(latest(runtime, 'a')?.id ?? '', 1);
    clock.advance(500);
    await settle();
    assert.equal(runtime.eventStreams, 1, 'reconnected after 500 ms');
    assert.equal(latest(runtime, 'a')?.restartCount, 1, 'the exit missed while disconnected was found by the relist');
    runtime.breakEventStreams();
    await settle();
    clock.advance(500);
    await settle();
    assert.equal(runtime.eventStreams, 0, 'the second break in a row waits longer');
    clock.advance(500);
    await settle();
    assert.equal(runtime.eventStreams, 1);
    assert.equal(errors.length, 1, 'an outage is reported once');
  });

  it('tries a container blocked by a missing Secret again after one relist period, not at the resync', async () => {
    const { clock, runtime, kubelet, secrets } = setup();
    const p = pod('a');
    p.spec = { containers: [{ name: 'app', image, env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] } as KubeObject['spec'];
    await kubelet.syncPod(p);
    assert.equal(latest(runtime, 'a'), undefined);
    secrets.set('s', { metadata: { name: 's' }, data: { k: Buffer.from('v').toString('base64') } });
    clock.advance(1_000);
    await settle();
    assert.equal(latest(runtime, 'a')?.state, 'running');
  });

  it('creates a container again when its removal behind the kubelet\'s back is reported', async () => {
    const { runtime, kubelet } = setup();
    await kubelet.syncPod(pod('a'));
    const first = latest(runtime, 'a')?.id ?? '';
    await runtime.removeContainer(first);
    await settle();
    const second = latest(runtime, 'a');
    assert.ok(second && second.id !== first && second.state === 'running');
  });
});
