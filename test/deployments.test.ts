/**
 * Deployments and ReplicaSets end to end: the built binary's controller manager against the
 * real kubectl. No agent runs, so pods stay Pending until the test marks them Ready through
 * the pods/status subresource, as a kubelet would.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ApiClient, ApiStatusError, Informer, type ResourceClient } from '../internal/client/index.ts';
import type { KubeObject } from '../internal/apiserver/objects.ts';
import { eventually } from './support/poll.ts';
import { adminCredentials, startSkiffServer, type KubectlResult, type SkiffServer } from './support/skiff-server.ts';

interface Pod extends KubeObject {
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

const isReady = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
const isActive = (pod: Pod): boolean => pod.metadata.deletionTimestamp === undefined;

function manifest(name: string, options: { replicas: number; image: string; strategy?: string; extraSpec?: string }): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${options.replicas}
  selector: {matchLabels: {app: ${name}}}
  strategy: ${options.strategy ?? '{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 1}}'}
${options.extraSpec ?? ''}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: app, image: ${options.image}}]
`;
}

describe('Deployments and ReplicaSets in skiff server', () => {
  let server: SkiffServer;
  let api: ApiClient;
  let pods: ResourceClient<Pod>;
  let replicaSets: ResourceClient;
  const stop = new AbortController();

  before(async () => {
    server = await startSkiffServer(undefined, [], undefined, {});
    api = new ApiClient({ server: server.url, ...adminCredentials(server.kubeconfig) });
    pods = api.resource<Pod>('Pod');
    replicaSets = api.resource('ReplicaSet', 'apps/v1');
  });
  after(async () => {
    stop.abort();
    api?.close();
    await server?.close();
  });

  const ok = (args: string[], input?: string): string => {
    const result = server.kubectl(args, { input });
    assert.equal(result.code, 0, `kubectl ${args.join(' ')} failed:\n${result.stderr}`);
    return result.stdout;
  };
  const json = <T = KubeObject>(args: string[]): T => JSON.parse(ok([...args, '-o', 'json'])) as T;
  /** kubectl without blocking the event loop, so watches and auto-readiness keep running meanwhile. */
  const kubectlAsync = (args: string[]): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = spawn('kubectl', args, { env: { ...process.env, KUBECONFIG: server.kubeconfig, HOME: server.dir } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  const activePods = async (selector: string): Promise<Pod[]> => (await pods.list('default', { labelSelector: selector })).items.filter(isActive);
  const markReady = async (pod: Pod): Promise<void> => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const status = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }, { type: 'ContainersReady', status: 'True', lastTransitionTime: now }],
      containerStatuses: [{ name: 'app', ready: true, started: true, restartCount: 0, image: 'x', imageID: '', state: { running: { startedAt: now } } }],
    };
    try {
      await pods.patch('default', pod.metadata.name ?? '', { status }, 'merge', { subresource: 'status' });
    } catch (error) {
      // A pod deleted meanwhile (scale-down) has nothing left to mark.
      if (!(error instanceof ApiStatusError && error.code === 404)) throw error;
    }
  };

  /**
   * Follows the pods of one app through an informer, records the most active and the fewest
   * ready pods seen after each change, and (when `autoReady`) marks new pods Ready.
   */
  const follow = async (app: string, autoReady: boolean) => {
    const informer = new Informer<Pod>(pods, { namespace: 'default', labelSelector: `app=${app}` });
    const seen = { maxActive: 0, minReady: Infinity, events: [] as { type: string; name: string; hash: string; activeOld: number }[] };
    const sample = (): void => {
      const all = informer.store.list().filter(isActive);
      seen.maxActive = Math.max(seen.maxActive, all.length);
      seen.minReady = Math.min(seen.minReady, all.filter(isReady).length);
    };
    informer.addHandlers({
      onAdd: (pod) => {
        sample();
        const hash = pod.metadata.labels?.['pod-template-hash'] ?? '';
        const activeOther = informer.store.list().filter((p) => isActive(p) && p.metadata.labels?.['pod-template-hash'] !== hash).length;
        seen.events.push({ type: 'added', name: pod.metadata.name ?? '', hash, activeOld: activeOther });
        if (autoReady && !isReady(pod) && isActive(pod)) void markReady(pod);
      },
      onUpdate: () => sample(),
      onDelete: () => sample(),
    });
    const done = new AbortController();
    const running = informer.run(AbortSignal.any([stop.signal, done.signal]));
    await informer.waitForSync(stop.signal);
    return {
      seen,
      reset: () => {
        seen.maxActive = 0;
        seen.minReady = Infinity;
        seen.events.length = 0;
        sample();
      },
      close: async () => {
        done.abort();
        await running;
      },
    };
  };

  it('a new deployment gets a ReplicaSet <name>-<hash> at revision 1 whose three pods it owns', async () => {
    assert.equal(ok(['create', 'deployment', 'web', '--image=nginx:1', '--replicas=3']).trim(), 'deployment.apps/web created');
    const created = await eventually('three pods', async () => ((await activePods('app=web')).length === 3 ? activePods('app=web') : false), 15_000);
    const rs = json<{ items: KubeObject[] }>(['get', 'rs', '-l', 'app=web']).items;
    assert.equal(rs.length, 1);
    const set = rs[0] as KubeObject;
    const hash = set.metadata.labels?.['pod-template-hash'] ?? '';
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(set.metadata.name, `web-${hash}`);
    assert.equal(set.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.equal(set.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(set.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
    assert.deepEqual(set.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: json(['get', 'deployment', 'web']).metadata.uid, controller: true, blockOwnerDeletion: true }]);
    for (const pod of created) {
      assert.equal(pod.metadata.generateName, `web-${hash}-`);
      assert.equal(pod.metadata.labels?.['pod-template-hash'], hash);
      assert.deepEqual((pod.metadata.ownerReferences as KubeObject[] | undefined)?.map((r) => r.uid), [set.metadata.uid]);
    }
    await eventually('deployment status', () => {
      const status = json<{ status: { replicas?: number; updatedReplicas?: number; unavailableReplicas?: number; observedGeneration?: number } }>(['get', 'deployment', 'web']).status;
      return status.replicas === 3 && status.updatedReplicas === 3 && status.unavailableReplicas === 3 && status.observedGeneration === 1;
    });
    await eventually('events in describe', () => {
      const deployment = ok(['describe', 'deployment', 'web']);
      const replicaSet = ok(['describe', 'rs', `web-${hash}`]);
      return deployment.includes(`ScalingReplicaSet  `) && deployment.includes(`Scaled up replica set web-${hash} to 3`) && /SuccessfulCreate\s.*replicaset-controller\s+Created pod: web-/.test(replicaSet);
    });
  });

  it('rollout status waits for the pods to become available, then returns', async () => {
    const status = kubectlAsync(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    for (const pod of await activePods('app=web')) await markReady(pod);
    const result = await status;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /deployment "web" successfully rolled out/);
    const conditions = json<{ status: { conditions: { type: string; status: string; reason: string }[] } }>(['get', 'deployment', 'web']).status.conditions;
    assert.deepEqual(conditions.map((c) => [c.type, c.status, c.reason]), [['Available', 'True', 'MinimumReplicasAvailable'], ['Progressing', 'True', 'NewReplicaSetAvailable']]);
  });

  it('scaling 3 → 10 → 2 creates and deletes pods, deleting pods that are not ready first', async () => {
    ok(['scale', 'deployment/web', '--replicas=10']);
    await eventually('ten pods', async () => (await activePods('app=web')).length === 10, 15_000);
    const ready = new Set((await activePods('app=web')).filter(isReady).map((p) => p.metadata.name));
    assert.equal(ready.size, 3);
    ok(['scale', 'deployment/web', '--replicas=2']);
    const left = await eventually('two pods', async () => {
      const now = await activePods('app=web');
      return now.length === 2 ? now : false;
    }, 15_000);
    for (const pod of left) assert.ok(ready.has(pod.metadata.name), `${pod.metadata.name ?? ''} was not ready, yet a ready pod was deleted before it`);
    await eventually('status after scaling', () => {
      const d = json<{ status: { replicas?: number; readyReplicas?: number; availableReplicas?: number } }>(['get', 'deployment', 'web']).status;
      return d.replicas === 2 && d.readyReplicas === 2 && d.availableReplicas === 2;
    });
    assert.equal(json<{ items: unknown[] }>(['get', 'rs', '-l', 'app=web']).items.length, 1);
  });

  it('set image rolls out within maxSurge and maxUnavailable, and rollout history lists both revisions', async () => {
    ok(['apply', '-f', '-'], manifest('roll', { replicas: 4, image: 'nginx:1' }));
    const watch = await follow('roll', true);
    try {
      const first = await kubectlAsync(['rollout', 'status', 'deployment/roll', '--timeout=30s']);
      assert.equal(first.code, 0, first.stderr);
      watch.reset();
      ok(['set', 'image', 'deployment/roll', 'app=nginx:2']);
      const result = await kubectlAsync(['rollout', 'status', 'deployment/roll', '--timeout=60s']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /successfully rolled out/);
      assert.equal(watch.seen.events.length, 4, 'the sampler saw every new pod arrive');
      assert.ok(watch.seen.maxActive <= 5, `at most 4 + maxSurge 1 pods may exist, saw ${watch.seen.maxActive}`);
      assert.ok(watch.seen.minReady >= 3, `at least 4 - maxUnavailable 1 pods must stay ready, saw ${watch.seen.minReady}`);
    } finally {
      await watch.close();
    }
    const images = (await activePods('app=roll')).map((p) => ((p.spec as { containers: { image: string }[] }).containers[0] ?? { image: '' }).image);
    assert.deepEqual(images, ['nginx:2', 'nginx:2', 'nginx:2', 'nginx:2']);
    const history = ok(['rollout', 'history', 'deployment/roll']);
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    assert.match(ok(['describe', 'deployment', 'roll']), /Scaled down replica set roll-\S+ to 0 from \d/);
  });

  it('rollout undo restores the previous template on its old ReplicaSet, now revision 3', async () => {
    const before = json<{ items: KubeObject[] }>(['get', 'rs', '-l', 'app=roll']).items.map((rs) => rs.metadata.name).sort();
    const watch = await follow('roll', true);
    try {
      assert.match(ok(['rollout', 'undo', 'deployment/roll']), /rolled back/);
      const result = await kubectlAsync(['rollout', 'status', 'deployment/roll', '--timeout=60s']);
      assert.equal(result.code, 0, result.stderr);
    } finally {
      await watch.close();
    }
    const d = json<{ spec: { template: { spec: { containers: { image: string }[] } } }; metadata: { annotations: Record<string, string> } }>(['get', 'deployment', 'roll']);
    assert.equal(d.spec.template.spec.containers[0]?.image, 'nginx:1');
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '3');
    const sets = json<{ items: (KubeObject & { spec: { replicas: number } })[] }>(['get', 'rs', '-l', 'app=roll']).items;
    assert.deepEqual(sets.map((rs) => rs.metadata.name).sort(), before, 'no new ReplicaSet: the old one is reused');
    const current = sets.find((rs) => rs.spec.replicas === 4);
    assert.equal(current?.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(current?.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.match(ok(['rollout', 'history', 'deployment/roll']), /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n/);
  });

  it('Recreate deletes every old pod before it creates a new one', async () => {
    ok(['apply', '-f', '-'], manifest('rec', { replicas: 3, image: 'nginx:1', strategy: '{type: Recreate}' }));
    const watch = await follow('rec', true);
    try {
      assert.equal((await kubectlAsync(['rollout', 'status', 'deployment/rec', '--timeout=30s'])).code, 0);
      watch.reset();
      ok(['set', 'image', 'deployment/rec', 'app=nginx:2']);
      const result = await kubectlAsync(['rollout', 'status', 'deployment/rec', '--timeout=60s']);
      assert.equal(result.code, 0, result.stderr);
      const added = watch.seen.events.filter((e) => e.type === 'added');
      assert.equal(added.length, 3);
      for (const event of added) assert.equal(event.activeOld, 0, `${event.name} was created while old pods still existed`);
    } finally {
      await watch.close();
    }
    assert.match(ok(['describe', 'deployment', 'rec']), /Scaled down replica set rec-\S+ to 0 from 3/);
  });

  it('a rollout whose pods never become ready fails with ProgressDeadlineExceeded', async () => {
    ok(['apply', '-f', '-'], manifest('stuck', { replicas: 1, image: 'nginx:1', extraSpec: '  progressDeadlineSeconds: 2' }));
    const result = await kubectlAsync(['rollout', 'status', 'deployment/stuck', '--timeout=30s']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /deployment "stuck" exceeded its progress deadline/);
    const progressing = json<{ status: { conditions: { type: string; status: string; reason: string; message: string }[] } }>(['get', 'deployment', 'stuck']).status.conditions.find((c) => c.type === 'Progressing');
    assert.equal(progressing?.status, 'False');
    assert.equal(progressing?.reason, 'ProgressDeadlineExceeded');
    assert.match(progressing?.message ?? '', /^ReplicaSet "stuck-\S+" has timed out progressing\.$/);
  });

  it('a paused deployment still scales but does not roll out until resumed', async () => {
    ok(['apply', '-f', '-'], manifest('paused', { replicas: 2, image: 'nginx:1' }));
    await eventually('two pods', async () => (await activePods('app=paused')).length === 2, 15_000);
    ok(['rollout', 'pause', 'deployment/paused']);
    ok(['set', 'image', 'deployment/paused', 'app=nginx:2']);
    ok(['scale', 'deployment/paused', '--replicas=3']);
    await eventually('three pods of the old template', async () => {
      const now = await activePods('app=paused');
      return now.length === 3 && now.every((p) => ((p.spec as { containers: { image: string }[] }).containers[0]?.image === 'nginx:1'));
    }, 15_000);
    await eventually('the paused condition', () => {
      const conditions = json<{ status: { conditions?: { type: string; reason: string }[] } }>(['get', 'deployment', 'paused']).status.conditions ?? [];
      return conditions.some((c) => c.type === 'Progressing' && c.reason === 'DeploymentPaused');
    });
    assert.equal(json<{ items: unknown[] }>(['get', 'rs', '-l', 'app=paused']).items.length, 1);
    ok(['rollout', 'resume', 'deployment/paused']);
    await eventually('a second ReplicaSet', () => json<{ items: unknown[] }>(['get', 'rs', '-l', 'app=paused']).items.length === 2, 15_000);
  });

  it('a ReplicaSet adopts a matching orphan pod and releases a pod whose labels no longer match', async () => {
    ok(['run', 'orphan', '--image=nginx:1', '--labels=app=adopt']);
    ok(['create', '-f', '-'], `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: adopt}
spec:
  replicas: 2
  selector: {matchLabels: {app: adopt}}
  template:
    metadata: {labels: {app: adopt}}
    spec: {containers: [{name: app, image: nginx:1}]}
`);
    const rsUid = (await replicaSets.get('default', 'adopt')).metadata.uid;
    const owned = await eventually('two owned pods', async () => {
      const now = await activePods('app=adopt');
      return now.length === 2 && now.every((p) => (p.metadata.ownerReferences as KubeObject[] | undefined)?.[0]?.uid === rsUid) ? now : false;
    }, 15_000);
    assert.ok(owned.some((p) => p.metadata.name === 'orphan'), 'the orphan was adopted instead of a second pod being created');
    ok(['label', 'pod', 'orphan', 'app=gone', '--overwrite']);
    await eventually('the released pod replaced', async () => {
      const released = await pods.get('default', 'orphan');
      return released.metadata.ownerReferences === undefined || (released.metadata.ownerReferences as unknown[]).length === 0 ? (await activePods('app=adopt')).length === 2 : false;
    }, 15_000);
  });

  it('deleting a deployment removes its ReplicaSets and pods; --cascade=orphan leaves them', async () => {
    ok(['delete', 'deployment', 'web', '--timeout=30s']);
    await eventually('ReplicaSets and pods of web gone', async () => (await activePods('app=web')).length === 0 && json<{ items: unknown[] }>(['get', 'rs', '-l', 'app=web']).items.length === 0, 20_000);
    ok(['delete', 'deployment', 'rec', '--cascade=orphan', '--timeout=30s']);
    const sets = await eventually('ReplicaSets of rec unowned', () => {
      const items = json<{ items: KubeObject[] }>(['get', 'rs', '-l', 'app=rec']).items;
      return items.length === 2 && items.every((rs) => ((rs.metadata.ownerReferences as unknown[] | undefined) ?? []).length === 0) ? items : false;
    }, 15_000);
    assert.equal(sets.length, 2);
    assert.equal((await activePods('app=rec')).length, 3);
  });

  it('the controllers run under the kube-system/kube-controller-manager Lease', () => {
    const lease = json<{ spec: { holderIdentity: string; leaseDurationSeconds: number } }>(['get', 'lease', 'kube-controller-manager', '-n', 'kube-system']);
    assert.match(lease.spec.holderIdentity, /^.+_[0-9a-f-]{36}$/);
    assert.equal(lease.spec.leaseDurationSeconds, 15);
  });

  it('a restarted server takes over the Lease of its earlier run at once instead of waiting for it to expire', async () => {
    type Lease = { spec: { holderIdentity: string; leaseTransitions?: number } };
    const before = json<Lease>(['get', 'lease', 'kube-controller-manager', '-n', 'kube-system']).spec;
    await server.stop();
    server = await startSkiffServer(undefined, [], undefined, { dir: server.dir, port: server.port });
    ok(['scale', 'deployment/roll', '--replicas=6']);
    // Well within the 15 s the old Lease would otherwise stay valid.
    await eventually('six pods', async () => (await activePods('app=roll')).length === 6, 8_000);
    const after = json<Lease>(['get', 'lease', 'kube-controller-manager', '-n', 'kube-system']).spec;
    assert.notEqual(after.holderIdentity, before.holderIdentity);
    assert.equal(after.holderIdentity.split('_')[0], before.holderIdentity.split('_')[0]);
    assert.equal(after.leaseTransitions, (before.leaseTransitions ?? 0) + 1);
  });
});
