/** The kubelet against a real Docker daemon: what a user of the pods would see. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../apiserver/objects.ts';
import { ensureDocker, testImage } from '../../../test/support/docker.ts';
import { eventually } from '../../../test/support/poll.ts';
import { DockerRuntime } from '../runtime/docker.ts';
import { isRuntimeError } from '../runtime/errors.ts';
import type { ContainerRuntime, NetworkConfig } from '../runtime/types.ts';
import { mountsBelow, parseMountInfo } from './host-mounts.ts';
import { Kubelet } from './kubelet.ts';
import type { KubeletOptions, PodStatus } from './types.ts';

const run = `k${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const scopeLabels = { 'test.skiff.run': run };

describe('kubelet on Docker', () => {
  let runtime: ContainerRuntime;
  let image: string;
  let net: NetworkConfig;
  let dataDir: string;
  let kubelet: Kubelet;
  const kubeletErrors: string[] = [];
  const statuses = new Map<string, PodStatus>();
  const objects = new Map<string, KubeObject>();
  let pods = 0;

  const options = (): KubeletOptions => ({
    runtime, nodeName: 'node-a', hostIP: '192.0.2.10', podNetwork: { name: net.name }, dataDir, scopeLabels,
    lookup: {
      secret: async (ns, name) => objects.get(`secret/${ns}/${name}`) ?? null,
      configMap: async (ns, name) => objects.get(`configmap/${ns}/${name}`) ?? null,
    },
    onStatus: (pod, status) => statuses.set(pod.metadata.uid ?? '', status),
    resyncMs: 200,
    restartBackoff: { initialMs: 400, maxMs: 3_000 },
    onError: (error, where) => kubeletErrors.push(`${where}: ${String(error)}`),
  });

  before(async () => {
    const { socketPath } = await ensureDocker();
    image = await testImage();
    runtime = new DockerRuntime({ socketPath, pauseImage: image, pauseCommand: ['/bin/sleep', '2147483647'] });
    net = await freeNetwork(runtime);
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-kubelet-'));
    kubelet = new Kubelet(options());
  });

  after(async () => {
    kubelet.stop();
    assert.deepEqual(kubeletErrors, [], 'the kubelet reported no errors');
    await new Kubelet(options()).wanted([]);
    await runtime.removeNetwork(net.name);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const pod = (spec: Record<string, unknown>): KubeObject => {
    pods += 1;
    return {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: `pod${pods}`, namespace: `ns-${run}`, uid: `${run}-${pods}`, labels: { app: 'demo' } },
      spec: { nodeName: 'node-a', serviceAccountName: 'default', terminationGracePeriodSeconds: 5, ...spec } as KubeObject['spec'],
    } as KubeObject;
  };
  const sh = (name: string, script: string, extra: Record<string, unknown> = {}) => ({ name, image, command: ['/bin/sh', '-c', script], ...extra });
  const statusOf = (p: KubeObject, what: string, check: (s: PodStatus) => boolean, timeoutMs = 15_000) =>
    eventually(what, () => {
      const status = statuses.get(p.metadata.uid ?? '');
      return status && check(status) ? status : undefined;
    }, timeoutMs, 50);
  const emptyDir = (p: KubeObject, name: string) => join(dataDir, 'agent', 'pods', p.metadata.uid ?? '', 'volumes', 'kubernetes.io~empty-dir', name);

  it('runs an init container, then two containers sharing localhost, an emptyDir and env from a ConfigMap, a Secret and the pod', async () => {
    const ns = `ns-${run}`;
    objects.set(`configmap/${ns}/settings`, { metadata: { name: 'settings', namespace: ns }, data: { GREETING: 'hello', 'log.level': 'debug' } });
    objects.set(`secret/${ns}/creds`, { metadata: { name: 'creds', namespace: ns }, data: { password: Buffer.from('s3cret').toString('base64') } });
    const p = pod({
      volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'settings' } }, { name: 'sec', secret: { secretName: 'creds', defaultMode: 0o400 } }],
      initContainers: [sh('init', 'echo init-done > /data/init', { volumeMounts: [{ name: 'data', mountPath: '/data' }] })],
      containers: [
        sh('server', 'echo "$GREETING $PASSWORD $POD_NAME $POD_NS $NODE $APP $(cat /data/init) $(cat /etc/cfg/log.level) $(cat /etc/sec/password)" > /data/env; '
          + 'while true; do echo hello-over-localhost | nc -l -p 8080; done', {
          envFrom: [{ configMapRef: { name: 'settings' } }],
          env: [
            { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
            { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
            { name: 'MISSING', valueFrom: { configMapKeyRef: { name: 'absent', key: 'x', optional: true } } },
          ],
          volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'cfg', mountPath: '/etc/cfg' }, { name: 'sec', mountPath: '/etc/sec' }],
        }),
        sh('client', 'until nc 127.0.0.1 8080 > /data/got && [ -s /data/got ]; do sleep 0.2; done; exec sleep 300', {
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        }),
      ],
    });
    await kubelet.syncPod(p);
    const status = await statusOf(p, 'both containers ready', (s) => s.conditions.some((c) => c.type === 'Ready' && c.status === 'True'));
    assert.equal(status.phase, 'Running');
    assert.ok(status.podIP?.startsWith(net.subnet.split('.').slice(0, 3).join('.')), `pod IP ${status.podIP}`);
    assert.equal(status.hostIP, '192.0.2.10');
    assert.deepEqual(status.initContainerStatuses?.map((s) => [s.name, s.state.terminated?.reason]), [['init', 'Completed']]);
    assert.match(status.containerStatuses[0]?.containerID ?? '', /^docker:\/\/[0-9a-f]{64}$/);
    const dir = emptyDir(p, 'data');
    await eventually('the client to read over localhost', () => existsSync(join(dir, 'got')) && readFileSync(join(dir, 'got'), 'utf8').includes('hello'));
    assert.equal(readFileSync(join(dir, 'env'), 'utf8').trim(), `hello s3cret ${p.metadata.name} ${ns} node-a demo init-done debug s3cret`);
  });

  it('keeps a container whose exec readiness probe fails not ready, while its sibling becomes ready', async () => {
    const p = pod({
      containers: [
        sh('bad', 'exec sleep 300', { readinessProbe: { exec: { command: ['/bin/false'] }, periodSeconds: 1 } }),
        sh('good', 'exec sleep 300', { readinessProbe: { exec: { command: ['/bin/true'] }, periodSeconds: 1 } }),
      ],
    });
    await kubelet.syncPod(p);
    const status = await statusOf(p, 'the good container ready', (s) => s.containerStatuses.some((c) => c.name === 'good' && c.ready));
    const bad = status.containerStatuses.find((c) => c.name === 'bad');
    assert.equal(bad?.ready, false);
    assert.ok(bad?.state.running);
    assert.equal(status.phase, 'Running');
    assert.deepEqual(status.conditions.find((c) => c.type === 'Ready')?.message, 'containers with unready status: [bad]');
  });

  it('marks a container ready once its httpGet readiness probe reaches it on the pod IP', async () => {
    const p = pod({ containers: [sh('web', 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www', {
      ports: [{ name: 'http', containerPort: 8080 }],
      readinessProbe: { httpGet: { path: '/index.html', port: 'http' }, periodSeconds: 1 },
      livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
    })] });
    await kubelet.syncPod(p);
    const status = await statusOf(p, 'the web container ready', (s) => s.containerStatuses[0]?.ready === true);
    assert.equal(status.containerStatuses[0]?.restartCount, 0);
  });

  it('puts a crashing container into CrashLoopBackOff with a growing restart count, keeping only the last dead instance', async () => {
    const p = pod({ containers: [sh('crash', 'echo crashing; exit 3')] });
    await kubelet.syncPod(p);
    const backoff = await statusOf(p, 'CrashLoopBackOff', (s) => s.containerStatuses[0]?.state.waiting?.reason === 'CrashLoopBackOff');
    assert.equal(backoff.containerStatuses[0]?.lastState.terminated?.exitCode, 3);
    assert.equal(backoff.containerStatuses[0]?.lastState.terminated?.reason, 'Error');
    const later = await statusOf(p, 'three restarts', (s) => (s.containerStatuses[0]?.restartCount ?? 0) >= 3);
    assert.equal(later.phase, 'Running');
    const instances = await runtime.listContainers({ labels: { ...scopeLabels, 'io.skiff.pod-uid': p.metadata.uid ?? '' } });
    // The running (or restarting) instance and at most the last dead one, plus one being replaced.
    assert.ok(instances.filter((c) => c.state === 'exited').length <= 2 && instances.length <= 3, `${instances.length} instances kept`);
  });

  it('runs preStop before SIGTERM when a pod is killed', async () => {
    const p = pod({
      volumes: [{ name: 'out', emptyDir: {} }],
      containers: [sh('app', 'trap "echo term >> /out/log; exit 0" TERM; while true; do sleep 0.1; done', {
        volumeMounts: [{ name: 'out', mountPath: '/out' }],
        lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'echo prestop >> /out/log'] } } },
      })],
    });
    await kubelet.syncPod(p);
    await statusOf(p, 'running', (s) => s.phase === 'Running' && s.containerStatuses[0]?.ready === true);
    await kubelet.killPod(p, 10);
    assert.equal(readFileSync(join(emptyDir(p, 'out'), 'log'), 'utf8'), 'prestop\nterm\n');
    const status = await statusOf(p, 'terminated', (s) => s.containerStatuses[0]?.state.terminated !== undefined);
    assert.equal(status.phase, 'Succeeded');
  });

  const podMounts = (p: KubeObject) => mountsBelow(join(dataDir, 'agent', 'pods', p.metadata.uid ?? ''), parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8')));
  const memoryPod = () => {
    const ns = `ns-${run}`;
    objects.set(`secret/${ns}/token`, { metadata: { name: 'token', namespace: ns }, data: { value: Buffer.from('t0k3n').toString('base64') } });
    return pod({
      volumes: [
        { name: 'sec', secret: { secretName: 'token' } },
        { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
        { name: 'out', emptyDir: {} },
      ],
      containers: [sh('app', 'stat -f -c %T /etc/sec /scratch /out > /out/fs; cat /etc/sec/value >> /out/fs; exec sleep 300', {
        volumeMounts: [{ name: 'sec', mountPath: '/etc/sec' }, { name: 'scratch', mountPath: '/scratch' }, { name: 'out', mountPath: '/out' }],
      })],
    });
  };

  it('keeps Secret and medium: Memory emptyDir volumes on tmpfs, and unmounts them when the pod is removed', async () => {
    const p = memoryPod();
    await kubelet.syncPod(p);
    await statusOf(p, 'running', (s) => s.containerStatuses[0]?.state.running !== undefined);
    const fs = await eventually('the file systems the container sees', () => {
      const path = join(emptyDir(p, 'out'), 'fs');
      return existsSync(path) && readFileSync(path, 'utf8').includes('t0k3n') ? readFileSync(path, 'utf8') : undefined;
    });
    const disk = execFileSync('stat', ['-f', '-c', '%T', dataDir], { encoding: 'utf8' }).trim();
    assert.notEqual(disk, 'tmpfs', 'the data directory is on disk');
    assert.deepEqual(fs.trim().split('\n'), ['tmpfs', 'tmpfs', disk, 't0k3n'], 'secret and scratch in memory, out on disk');
    const secretDir = join(dataDir, 'agent', 'pods', p.metadata.uid ?? '', 'volumes', 'kubernetes.io~secret', 'sec');
    assert.equal(execFileSync('stat', ['-f', '-c', '%T', join(secretDir, 'value')], { encoding: 'utf8' }).trim(), 'tmpfs', 'on the host too');
    assert.equal(podMounts(p).length, 2);
    await kubelet.removePod(p, 0);
    assert.deepEqual(podMounts(p), [], 'nothing is left mounted');
    assert.equal(existsSync(join(dataDir, 'agent', 'pods', p.metadata.uid ?? '')), false);
  });

  it('unmounts the tmpfs volumes of a pod deleted while the agent was down when it cleans up', async () => {
    const p = memoryPod();
    await kubelet.syncPod(p);
    await statusOf(p, 'running', (s) => s.containerStatuses[0]?.state.running !== undefined);
    assert.equal(podMounts(p).length, 2);
    kubelet.stop();
    kubelet = new Kubelet(options());
    const others = (await kubelet.adopt()).filter((uid) => uid !== p.metadata.uid);
    await kubelet.wanted(others);
    assert.deepEqual(podMounts(p), []);
    assert.equal(existsSync(join(dataDir, 'agent', 'pods', p.metadata.uid ?? '')), false);
    assert.deepEqual(await runtime.listContainers({ labels: { ...scopeLabels, 'io.skiff.pod-uid': p.metadata.uid ?? '' } }), []);
  });

  it('adopts running containers from a new kubelet instance without restarting them', async () => {
    const p = pod({ containers: [sh('app', 'exec sleep 300')] });
    await kubelet.syncPod(p);
    const first = await statusOf(p, 'running', (s) => s.containerStatuses[0]?.state.running !== undefined);
    kubelet.stop();
    statuses.delete(p.metadata.uid ?? '');
    kubelet = new Kubelet(options());
    assert.ok((await kubelet.adopt()).includes(p.metadata.uid ?? ''));
    await kubelet.syncPod(p);
    const again = await statusOf(p, 'reported again', (s) => s.containerStatuses[0]?.state.running !== undefined);
    assert.equal(again.containerStatuses[0]?.containerID, first.containerStatuses[0]?.containerID);
    assert.equal(again.containerStatuses[0]?.restartCount, 0);
    assert.equal(again.podIP, first.podIP);
  });
});

async function freeNetwork(runtime: ContainerRuntime): Promise<NetworkConfig> {
  for (let tries = 0; ; tries++) {
    const second = 100 + Math.floor(Math.random() * 100);
    const third = Math.floor(Math.random() * 256);
    const config = { name: `skiff-kubelet-${process.pid}-${second}-${third}`, subnet: `10.${second}.${third}.0/24`, gateway: `10.${second}.${third}.1` };
    try {
      await runtime.ensureNetwork(config);
      return config;
    } catch (error) {
      if (!isRuntimeError(error, 'Conflict') || tries >= 5) throw error;
    }
  }
}
