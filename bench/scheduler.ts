/**
 * Scheduler benchmark against the real API server (started in a worker thread with its
 * control-plane components, so the bench's clients do not share its event loop), with
 * 1,000 Node objects (no agents) and three rounds of pods:
 * - a backlog of 10,000 pods created while the bench holds the scheduler's Lease, then
 *   handed over: scheduler_pods_per_s is the rate from the first binding to the last;
 * - 10,000 more created by 32 clients while it runs: each pod's time from its create
 *   request until a watch reports spec.nodeName set (p50, p99);
 * - 200 more at 50 a second, for the latency when no backlog builds up.
 * Baselines from the same run: the scheduling core's own decision rate (no API) and the
 * API's create rate for the backlog (nothing else writing).
 * BENCH_SCHED_NODES and BENCH_SCHED_PODS change the sizes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { KubeObject } from '../internal/apiserver/objects.ts';
import { ApiClient, loadKubeconfig, type ResourceClient } from '../internal/client/index.ts';
import { SchedulerCache, SchedulingAlgorithm, podInfo, type Node, type Pod } from '../internal/scheduler/index.ts';
import { figure, percentile, target } from './report.ts';

const nodeCount = envCount('BENCH_SCHED_NODES', 1000);
const podCount = envCount('BENCH_SCHED_PODS', 10_000);
const clients = 32;
const namespace = 'bench-sched';
const limitMs = 300_000;
const targetPerSecond = 1000;
const pacedPods = 200;
const pacedRate = 50;

function envCount(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`Cannot use ${name} as it is not a positive integer: ${process.env[name]}`);
  return value;
}

function nodeManifest(i: number): Node {
  const name = `bench-node-${i}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
    spec: {},
    status: {
      capacity: { cpu: '32', memory: '128Gi', pods: '110' },
      allocatable: { cpu: '32', memory: '128Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

function podManifest(name: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'bench' } },
    spec: { containers: [{ name: 'main', image: 'bench/none:1', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
  };
}

/** Runs `count` operations from `clients` concurrent loops. */
async function drive(count: number, op: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let i = next++; i < count; i = next++) await op(i);
  }));
}

/** Decisions per second of the scheduling core alone: every pod decided and assumed in one cache. */
function coreRate(): number {
  const cache = new SchedulerCache();
  for (let i = 0; i < nodeCount; i++) cache.setNode(nodeManifest(i));
  const algorithm = new SchedulingAlgorithm({ random: Math.random });
  const started = performance.now();
  for (let i = 0; i < podCount; i++) {
    const pod = podManifest(`core-${i}`);
    pod.metadata.uid = `core-${i}`;
    const info = podInfo(pod, 0);
    const decision = algorithm.schedule(info, cache);
    if (decision.kind !== 'fit') throw new Error(`the core found no node for pod ${i}`);
    cache.assume(info, decision.node);
  }
  return podCount / ((performance.now() - started) / 1000);
}

interface ServerThread {
  kubeconfig: string;
  stop(): Promise<void>;
}

function startThread(dir: string): Promise<ServerThread> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'scheduler-bench-server', dir } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { ready?: string; failed?: string }) => {
      if (message.ready === undefined) return reject(new Error(`the API server did not start: ${message.failed}`));
      resolve({
        kubeconfig: message.ready,
        stop: () =>
          new Promise((stopped) => {
            worker.once('message', () => void worker.terminate().then(() => stopped()));
            worker.postMessage('stop');
          }),
      });
    });
  });
}

/** Worker side of startThread: the real server, its scheduler included. */
async function serve(dir: string): Promise<void> {
  const port = parentPort;
  if (port === null) return;
  try {
    const { startServer } = await import('../internal/server/run.ts');
    const { createLogger } = await import('../internal/util/log.ts');
    const kubeconfigPath = join(dir, 'admin.yaml');
    const server = await startServer({
      dataDir: dir,
      kubeconfigPath,
      tlsSans: [],
      bindAddress: '127.0.0.1',
      port: 0,
      clusterCidr: '10.42.0.0/16',
      serviceCidr: '10.43.0.0/16',
      clusterDns: '10.43.0.10',
      clusterDomain: 'cluster.local',
      nodeName: 'bench',
      compactIntervalMs: 0,
      compactWindow: 1000,
    }, createLogger('error'));
    port.postMessage({ ready: kubeconfigPath });
    port.once('message', () => void server.stop().then(() => port.postMessage({ stopped: true })));
  } catch (error) {
    port.postMessage({ failed: error instanceof Error ? error.message : String(error) });
  }
}

/** Resolves with each pod's bound time as a watch sees it, once `count` pods are bound. */
function watchBindings(pods: ResourceClient, resourceVersion: string, count: number, signal: AbortSignal, prefix = 'pod-'): { bound: Map<string, number>; done: Promise<void> } {
  const bound = new Map<string, number>();
  const done = (async () => {
    let from = resourceVersion;
    while (bound.size < count) {
      if (signal.aborted) throw new Error(`Gave up on the scheduler benchmark after ${limitMs} ms: ${bound.size} of ${count} pods were bound`);
      for await (const event of pods.watch(namespace, { resourceVersion: from, timeoutSeconds: 600, signal })) {
        if (event.type === 'ERROR') throw event.error;
        const object = event.object;
        from = object.metadata.resourceVersion ?? from;
        const node = (object.spec as { nodeName?: string } | undefined)?.nodeName;
        const name = object.metadata.name ?? '';
        if (node && name.startsWith(prefix) && !bound.has(name)) bound.set(name, performance.now());
        if (bound.size >= count) break;
      }
    }
  })();
  return { bound, done };
}

/** Takes the scheduler's Lease for the bench (its scheduler then waits), or hands it back (holder ''). */
async function setSchedulerLease(api: ApiClient, holder: string, signal: AbortSignal): Promise<void> {
  const leases = api.resource<KubeObject>('Lease', 'coordination.k8s.io/v1');
  const lease = await leases.get('kube-system', 'kube-scheduler', { signal });
  const now = new Date().toISOString().replace('Z', '000Z');
  const spec = { ...(lease.spec as object), holderIdentity: holder, leaseDurationSeconds: holder === '' ? 1 : 3600, acquireTime: now, renewTime: now };
  await leases.update('kube-system', { ...lease, spec }, { signal });
}

/** Creates pods `prefix0..count-1` from 32 clients; returns each create's start time and the rate. */
async function createPods(pods: ResourceClient, prefix: string, count: number, signal: AbortSignal): Promise<{ created: Map<string, number>; perSecond: number }> {
  const created = new Map<string, number>();
  const started = performance.now();
  await drive(count, async (i) => {
    const name = `${prefix}${i}`;
    created.set(name, performance.now());
    await pods.create(namespace, podManifest(name) as unknown as KubeObject, { signal });
  });
  return { created, perSecond: count / ((performance.now() - started) / 1000) };
}

export async function runSchedulerBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-scheduler-'));
  const signal = AbortSignal.timeout(limitMs);
  let server: ServerThread | undefined;
  let api: ApiClient | undefined;
  try {
    figure('scheduler_nodes', nodeCount);
    figure('scheduler_pods', podCount);
    figure('scheduler_core_pods_per_s', coreRate(), 0);

    // A first start only to take the scheduler's Lease; after the restart the scheduler waits for it.
    server = await startThread(dir);
    api = new ApiClient({ ...loadKubeconfig({ path: server.kubeconfig }), qps: 0 });
    await until(async () => (await api?.resource('Lease', 'coordination.k8s.io/v1').list('kube-system', { signal }))?.items.some((l) => l.metadata.name === 'kube-scheduler') ?? false, signal);
    await setSchedulerLease(api, 'bench', signal);
    api.close();
    await server.stop();
    server = await startThread(dir);
    api = new ApiClient({ ...loadKubeconfig({ path: server.kubeconfig }), qps: 0 });
    const nodes = api.resource<KubeObject>('Node', 'v1');
    const pods = api.resource<KubeObject>('Pod', 'v1');
    await api.resource('Namespace', 'v1').create(null, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    await drive(nodeCount, async (i) => {
      const node = nodeManifest(i) as unknown as KubeObject;
      await nodes.create(null, node, { signal });
      await nodes.patch(null, node.metadata.name ?? '', { status: node.status }, 'merge', { subresource: 'status', signal });
    });

    // The backlog: pods created while no scheduler runs (the API's own create rate, the baseline).
    const backlogFrom = (await pods.list(namespace, { limit: 1, signal })).metadata.resourceVersion ?? '0';
    const backlog = await createPods(pods, 'backlog-', podCount, signal);
    figure('scheduler_api_pod_creates_per_s', backlog.perSecond, 0);
    const drained = watchBindings(pods, backlogFrom, podCount, signal, 'backlog-');
    const released = performance.now();
    await setSchedulerLease(api, '', signal);
    await drained.done;
    const boundTimes = [...drained.bound.values()];
    const first = Math.min(...boundTimes);
    const perSecond = podCount / ((Math.max(...boundTimes) - first) / 1000);
    figure('scheduler_takeover_ms', first - released, 0);
    figure('scheduler_pods_per_s', perSecond, 0);
    target('scheduler_pods_per_s', perSecond >= targetPerSecond, `>=${targetPerSecond}`);
    figure('scheduler_vs_api_create_rate_ratio', perSecond / backlog.perSecond);

    // Creating and scheduling at once: each pod's time from its create request to its binding.
    const liveFrom = (await pods.list(namespace, { limit: 1, signal })).metadata.resourceVersion ?? '0';
    const watched = watchBindings(pods, liveFrom, podCount, signal, 'live-');
    const live = await createPods(pods, 'live-', podCount, signal);
    await watched.done;
    const liveStart = Math.min(...live.created.values());
    const latencies = [...watched.bound].map(([name, at]) => at - (live.created.get(name) ?? at));
    figure('scheduler_create_and_bind_pods_per_s', podCount / ((Math.max(...watched.bound.values()) - liveStart) / 1000), 0);
    figure('scheduler_latency_p50_ms', percentile(latencies, 50), 1);
    figure('scheduler_latency_p99_ms', percentile(latencies, 99), 1);

    // Latency without a backlog: pods created one every 1000/pacedRate ms.
    const pacedFrom = (await pods.list(namespace, { limit: 1, signal })).metadata.resourceVersion ?? '0';
    const paced = watchBindings(pods, pacedFrom, pacedPods, signal, 'paced-');
    const pacedCreated = new Map<string, number>();
    const creates: Promise<unknown>[] = [];
    for (let i = 0; i < pacedPods; i++) {
      const name = `paced-${i}`;
      pacedCreated.set(name, performance.now());
      creates.push(pods.create(namespace, podManifest(name) as unknown as KubeObject, { signal }));
      await sleep(1000 / pacedRate);
    }
    await Promise.all(creates);
    await paced.done;
    const pacedLatencies = [...paced.bound].map(([name, at]) => at - (pacedCreated.get(name) ?? at));
    figure('scheduler_paced_pods_per_s', pacedRate);
    figure('scheduler_paced_latency_p50_ms', percentile(pacedLatencies, 50), 1);
    figure('scheduler_paced_latency_p99_ms', percentile(pacedLatencies, 99), 1);

    // How evenly the pods were spread over the nodes.
    const perNode = new Map<string, number>();
    for (const pod of (await pods.list(namespace, { signal })).items) {
      const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
      perNode.set(node, (perNode.get(node) ?? 0) + 1);
    }
    figure('scheduler_nodes_used', perNode.size);
    figure('scheduler_max_pods_per_node', Math.max(...perNode.values()));
  } finally {
    api?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Polls `check` every 50 ms until it holds. */
async function until(check: () => Promise<boolean>, signal: AbortSignal): Promise<void> {
  while (!(await check())) {
    signal.throwIfAborted();
    await sleep(50);
  }
}

function isServerJob(value: unknown): value is { role: string; dir: string } {
  return typeof value === 'object' && value !== null && 'role' in value && value.role === 'scheduler-bench-server' && 'dir' in value && typeof value.dir === 'string';
}

if (!isMainThread && isServerJob(workerData)) await serve(workerData.dir);
