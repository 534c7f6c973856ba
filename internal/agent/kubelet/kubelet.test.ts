/** The kubelet's decisions on a fake runtime and fake time. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { KubeObject } from '../../apiserver/objects.ts';
import { FakeClock } from '../../client/fake-clock.ts';
import { FakeRuntime } from './fake-runtime.ts';
import { Kubelet } from './kubelet.ts';
import type { PodStatus } from './types.ts';

const image = 'busybox:1';

describe('kubelet decisions', () => {
  let clock: FakeClock;
  let runtime: FakeRuntime;
  let kubelet: Kubelet;
  let dataDir: string;
  let status: PodStatus | undefined;
  let events: string[] = [];
  const secrets = new Map<string, KubeObject>();

  beforeEach(() => {
    clock = new FakeClock(Date.parse('2025-01-01T00:00:00Z'));
    runtime = new FakeRuntime(clock);
    runtime.images.add(image);
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-kubelet-unit-'));
    status = undefined;
    events = [];
    kubelet = new Kubelet({
      runtime, clock, nodeName: 'n1', hostIP: '192.0.2.1', podNetwork: { name: 'pods' }, dataDir, resyncMs: 60_000,
      lookup: { secret: async (_ns, name) => secrets.get(name) ?? null, configMap: async () => null },
      onStatus: (_pod, s) => { status = s; },
      onEvent: (e) => void events.push(`${e.type} ${e.reason} ${e.fieldPath ?? '-'}: ${e.message}`),
    });
  });
  afterEach(() => {
    kubelet.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const pod = (spec: Record<string, unknown>): KubeObject => ({
    metadata: { name: 'p', namespace: 'default', uid: 'uid-1' },
    spec: { containers: [{ name: 'app', image }], ...spec } as KubeObject['spec'],
  });
  const app = () => status?.containerStatuses[0];
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  };

  it('restarts a crashing container at once, then after 10 s, 20 s, 40 s, reporting CrashLoopBackOff in between', async () => {
    const p = pod({});
    await kubelet.syncPod(p);
    assert.equal(status?.phase, 'Running');
    runtime.exit(runtime.latest('app')?.id ?? '', 1);
    await kubelet.syncPod(p);
    assert.equal(runtime.latest('app')?.restartCount, 1, 'the first restart is immediate');
    for (const delay of [10, 20, 40]) {
      runtime.exit(runtime.latest('app')?.id ?? '', 1);
      await kubelet.syncPod(p);
      assert.equal(app()?.state.waiting?.reason, 'CrashLoopBackOff');
      assert.match(app()?.state.waiting?.message ?? '', new RegExp(`^back-off ${delay}s restarting failed container=app pod=p_default\\(uid-1\\)`));
      assert.equal(app()?.lastState.terminated?.exitCode, 1);
      clock.advance(delay * 1000 - 1);
      await kubelet.syncPod(p);
      assert.equal(app()?.state.waiting?.reason, 'CrashLoopBackOff', `still backing off 1 ms before ${delay} s`);
      clock.advance(1);
      await settle();
      await kubelet.syncPod(p);
      assert.ok(app()?.state.running, `running again after ${delay} s`);
    }
    assert.equal(app()?.restartCount, 4);
    assert.equal(runtime.containers.size, 2, 'only the current and the previous instance are kept');
  });

  it('waits the back-off from when a crashed container exited, however long it ran', async () => {
    const p = pod({});
    await kubelet.syncPod(p);
    runtime.exit(runtime.latest('app')?.id ?? '', 1);
    await kubelet.syncPod(p);
    clock.advance(15_000);
    runtime.exit(runtime.latest('app')?.id ?? '', 1);
    await kubelet.syncPod(p);
    assert.equal(app()?.state.waiting?.reason, 'CrashLoopBackOff', 'ran 15 s, longer than the 10 s delay, and still waits');
    clock.advance(9_999);
    await kubelet.syncPod(p);
    assert.equal(app()?.state.waiting?.reason, 'CrashLoopBackOff');
    clock.advance(1);
    await settle();
    await kubelet.syncPod(p);
    assert.ok(app()?.state.running, '10 s after it exited');
  });

  it('records Pulled, Created and Started per start, BackOff at most every 10 s while backing off, and Killing on delete', async () => {
    const p = pod({});
    const start = [
      'Normal Pulled spec.containers{app}: Container image "busybox:1" already present on machine',
      'Normal Created spec.containers{app}: Created container app',
      'Normal Started spec.containers{app}: Started container app',
    ];
    await kubelet.syncPod(p);
    assert.deepEqual(events, start);
    runtime.exit(runtime.latest('app')?.id ?? '', 1);
    await kubelet.syncPod(p);
    assert.deepEqual(events, [...start, ...start], 'the immediate restart');
    events = [];
    runtime.exit(runtime.latest('app')?.id ?? '', 1);
    const backOff = 'Warning BackOff spec.containers{app}: Back-off restarting failed container app in pod p_default(uid-1)';
    await kubelet.syncPod(p);
    clock.advance(5_000);
    await kubelet.syncPod(p);
    assert.deepEqual(events, [backOff], 'once within 10 s');
    clock.advance(5_000);
    await settle();
    await kubelet.syncPod(p);
    assert.deepEqual(events, [backOff, ...start], 'the restart after 10 s');
    events = [];
    await kubelet.killPod({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2025-01-01T00:01:00Z' } }, 0);
    assert.deepEqual(events, ['Normal Killing spec.containers{app}: Stopping container app']);
  });

  it('records why a container cannot start: a missing image with pull policy Never', async () => {
    await kubelet.syncPod(pod({ containers: [{ name: 'app', image: 'absent:1', imagePullPolicy: 'Never' }] }));
    assert.deepEqual(events, [
      'Warning ErrImageNeverPull spec.containers{app}: Container image "absent:1" is not present with pull policy of Never',
      'Warning Failed spec.containers{app}: Error: ErrImageNeverPull',
    ]);
  });

  it('starts the back-off over when a container ran for more than 10 minutes before crashing', async () => {
    const p = pod({});
    await kubelet.syncPod(p);
    for (let i = 0; i < 3; i++) {
      runtime.exit(runtime.latest('app')?.id ?? '', 1);
      clock.advance(60_000);
      await kubelet.syncPod(p);
    }
    clock.advance(11 * 60_000);
    runtime.exit(runtime.latest('app')?.id ?? '', 1);
    await kubelet.syncPod(p);
    assert.ok(app()?.state.running, 'restarted without back-off');
    runtime.exit(runtime.latest('app')?.id ?? '', 1);
    await kubelet.syncPod(p);
    assert.match(app()?.state.waiting?.message ?? '', /^back-off 10s /, 'the next delay is the first one again, not 80 s');
  });

  it('does not restart a failed container under restartPolicy Never and reports the pod Failed', async () => {
    await kubelet.syncPod(pod({ restartPolicy: 'Never' }));
    runtime.exit(runtime.latest('app')?.id ?? '', 2);
    await kubelet.syncPod(pod({ restartPolicy: 'Never' }));
    assert.equal(status?.phase, 'Failed');
    assert.equal(app()?.state.terminated?.reason, 'Error');
    assert.equal(app()?.restartCount, 0);
    assert.equal([...runtime.sandboxes.values()][0]?.state, 'notready', 'a finished pod releases its sandbox');
  });

  it('reports Succeeded for OnFailure containers that exit 0, and OOMKilled for one killed by its limit', async () => {
    const p = pod({ restartPolicy: 'OnFailure', containers: [{ name: 'a', image }, { name: 'b', image }] });
    await kubelet.syncPod(p);
    runtime.exit(runtime.latest('a')?.id ?? '', 137, true);
    runtime.exit(runtime.latest('b')?.id ?? '', 0);
    await kubelet.syncPod(p);
    assert.equal(status?.phase, 'Running');
    assert.equal(status?.containerStatuses[0]?.restartCount, 1);
    assert.equal(status?.containerStatuses[0]?.lastState.terminated?.reason, 'OOMKilled');
    assert.equal(status?.containerStatuses[1]?.state.terminated?.reason, 'Completed');
    runtime.exit(runtime.latest('a')?.id ?? '', 0);
    await kubelet.syncPod(p);
    assert.equal(status?.phase, 'Succeeded');
  });

  it('runs init containers one at a time, each only after the one before exited 0', async () => {
    const p = pod({ initContainers: [{ name: 'i1', image }, { name: 'i2', image }] });
    await kubelet.syncPod(p);
    assert.deepEqual(runtime.calls.filter((c) => c.startsWith('createContainer')), ['createContainer:i1:0']);
    assert.equal(status?.phase, 'Pending');
    assert.equal(app()?.state.waiting?.reason, 'PodInitializing');
    assert.equal(status?.conditions.find((c) => c.type === 'Initialized')?.message, 'containers with incomplete status: [i1 i2]');
    runtime.exit(runtime.latest('i1')?.id ?? '', 1);
    await kubelet.syncPod(p);
    assert.equal(runtime.latest('i1')?.restartCount, 1, 'a failed init container is restarted');
    runtime.exit(runtime.latest('i1')?.id ?? '', 0);
    await kubelet.syncPod(p);
    assert.equal(runtime.latest('i2')?.state, 'running');
    assert.equal(runtime.latest('app'), undefined);
    runtime.exit(runtime.latest('i2')?.id ?? '', 0);
    await kubelet.syncPod(p);
    assert.equal(runtime.latest('app')?.state, 'running');
    assert.equal(status?.conditions.find((c) => c.type === 'Initialized')?.status, 'True');
  });

  it('fails the pod when an init container fails under restartPolicy Never', async () => {
    const p = pod({ restartPolicy: 'Never', initContainers: [{ name: 'i1', image }] });
    await kubelet.syncPod(p);
    runtime.exit(runtime.latest('i1')?.id ?? '', 1);
    await kubelet.syncPod(p);
    assert.equal(status?.phase, 'Failed');
    assert.equal(runtime.latest('app'), undefined);
  });

  it('reports ErrImageNeverPull, and ErrImagePull then ImagePullBackOff until the back-off allows another pull', async () => {
    await kubelet.syncPod(pod({ containers: [{ name: 'app', image: 'absent:1', imagePullPolicy: 'Never' }] }));
    assert.equal(app()?.state.waiting?.reason, 'ErrImageNeverPull');
    assert.equal(app()?.state.waiting?.message, 'Container image "absent:1" is not present with pull policy of Never');
    const p = pod({ containers: [{ name: 'app', image: 'absent:2' }] });
    await kubelet.syncPod(p);
    assert.equal(app()?.state.waiting?.reason, 'ErrImagePull');
    await kubelet.syncPod(p);
    assert.equal(app()?.state.waiting?.reason, 'ImagePullBackOff');
    assert.equal(runtime.calls.filter((c) => c === 'pullImage:absent:2').length, 1);
    clock.advance(10_000);
    runtime.pullSucceeds = true;
    await kubelet.syncPod(p);
    assert.ok(app()?.state.running);
    assert.equal(status?.phase, 'Running');
  });

  it('reports CreateContainerConfigError for a missing Secret key, and starts once it appears', async () => {
    const p = pod({ containers: [{ name: 'app', image, env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] });
    await kubelet.syncPod(p);
    assert.deepEqual(app()?.state.waiting, { reason: 'CreateContainerConfigError', message: 'secret "s" not found' });
    secrets.set('s', { metadata: { name: 's' }, data: { k: Buffer.from('v').toString('base64') } });
    await kubelet.syncPod(p);
    assert.deepEqual(runtime.latest('app')?.spec.env, [{ name: 'X', value: 'v' }]);
  });

  it('restarts a container once its liveness probe failed failureThreshold times, and gates readiness on the startup probe', async () => {
    let healthy = true;
    runtime.execResult = (_id, cmd) => (cmd[0] === 'live' && !healthy ? 1 : 0);
    const p = pod({ containers: [{
      name: 'app', image,
      startupProbe: { exec: { command: ['start'] }, periodSeconds: 1, initialDelaySeconds: 5 },
      livenessProbe: { exec: { command: ['live'] }, periodSeconds: 2, failureThreshold: 2 },
      readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 1 },
    }] });
    await kubelet.syncPod(p);
    assert.deepEqual([app()?.started, app()?.ready], [false, false]);
    clock.advance(4_000);
    await settle();
    assert.equal(runtime.calls.filter((c) => c.startsWith('exec')).length, 0, 'nothing probes before the initial delay');
    clock.advance(1_000);
    await settle();
    clock.advance(1_000);
    await settle();
    await kubelet.syncPod(p);
    assert.deepEqual([app()?.started, app()?.ready], [true, true]);
    const first = runtime.latest('app')?.id;
    healthy = false;
    for (let i = 0; i < 3; i++) {
      clock.advance(2_000);
      await settle();
    }
    await kubelet.syncPod(p);
    assert.ok(runtime.calls.some((c) => c === 'stopContainer:app:30'), 'stopped with the pod grace period');
    assert.notEqual(runtime.latest('app')?.id, first);
    assert.equal(app()?.restartCount, 1);
  });

  it('keeps lastTransitionTime of a condition that did not change', async () => {
    const p = pod({});
    await kubelet.syncPod(p);
    const scheduled = status?.conditions.find((c) => c.type === 'PodScheduled')?.lastTransitionTime;
    clock.advance(5_000);
    runtime.exit(runtime.latest('app')?.id ?? '', 1);
    await kubelet.syncPod(p);
    assert.equal(status?.conditions.find((c) => c.type === 'PodScheduled')?.lastTransitionTime, scheduled);
    assert.equal(status?.startTime, '2025-01-01T00:00:00Z');
  });
});
