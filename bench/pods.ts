/**
 * Pod start-up benchmark on the built binary: `skiff server` and a joined `skiff agent` as
 * separate processes, then 30 pods bound to the agent's node created at once; each pod's
 * figure is the time from its create request until a watch reports it Ready. Baseline from
 * the same run: the same containers started straight through the Docker API, 30 at once,
 * each a sandbox on a bridge network plus the app container in its network namespace.
 * SKIFF_BINARY picks the executable (default dist/skiff: `npm run build`); BENCH_PODS the count.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { localPauseImage } from '../internal/agent/pause-image.ts';
import type { KubeObject } from '../internal/apiserver/objects.ts';
import { ApiClient, ApiStatusError, loadKubeconfig, type ResourceClient } from '../internal/client/index.ts';
import { ensureDocker, testImage } from '../test/support/docker.ts';
import { skiffBinary, startSkiffServer, type SkiffServer } from '../test/support/skiff-server.ts';
import { figure, percentile, target } from './report.ts';

const podCount = envCount('BENCH_PODS', 30);
// A name of this run's own: a pod network an earlier run could not remove (Docker sometimes keeps
// a dead endpoint) never stands in its way.
const nodeName = `bench-node-${process.pid % 100000}`;
const namespace = 'default';
const podLabel = { 'skiff-bench': 'pods' };
/** Everything up to the last pod Ready; clean-up has its own, shorter limit. */
const limitMs = 180_000;
const cleanupMs = 60_000;
/** Exits at once on SIGTERM, so deletes do not wait out a grace period. */
const command = ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"];
const baselineLabel = 'io.skiff.bench';
const baselineNetwork = 'skiff-bench-baseline';

type Pods = ResourceClient<KubeObject>;

function envCount(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`Cannot use ${name} as it is not a positive integer: ${process.env[name]}`);
  return value;
}

/** Polls `check` every 50 ms until it holds; throws once `signal` has aborted. */
async function until(what: string, check: () => boolean | Promise<boolean>, signal: AbortSignal): Promise<void> {
  while (!(await check())) {
    if (signal.aborted) throw new Error(`Gave up on the pods benchmark waiting for ${what}: ${String(signal.reason)}`);
    await sleep(50);
  }
}

function conditionTrue(object: KubeObject, type: string): boolean {
  const conditions = (object.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === type && c.status === 'True');
}

function podManifest(name: string, image: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: podLabel },
    spec: {
      nodeName,
      terminationGracePeriodSeconds: 2,
      containers: [{ name: 'main', image, imagePullPolicy: 'Never', command }],
    },
  };
}

function rssMb(pid: number | undefined): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match?.[1] === undefined) throw new Error(`Cannot read the resident size of process ${pid}: no VmRSS line`);
  return Number(match[1]) / 1024;
}

/** `skiff agent join` as its own process, with the server's empty config. */
function startAgentProcess(server: SkiffServer, dir: string): { child: ChildProcess; log: () => string } {
  const created = spawnSync(skiffBinary(), ['token', 'create', '--data-dir', join(server.dir, 'data')], { encoding: 'utf8', timeout: 30_000 });
  if (created.status !== 0) throw new Error(`Cannot create a join token: skiff token create exited ${created.status}: ${created.stderr}`);
  let output = '';
  const child = spawn(
    skiffBinary(),
    ['agent', 'join', created.stdout.trim(), '--server', server.url, '--node-name', nodeName, '--kubelet-port', '0', '--data-dir', dir, '--config', join(server.dir, 'config.yaml')],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dir, SKIFF_CACHE_DIR: join(dir, 'cache') } },
  );
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { child, log: () => output };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(kill);
}

/**
 * Records, by pod name, when the watch first shows each pod Ready (client clock at arrival).
 * The watch starts at `since`, so no event between the listing and the creates is missed.
 */
function watchReady(pods: Pods, since: string, signal: AbortSignal): { readyAt: Map<string, number>; failure: () => unknown } {
  const readyAt = new Map<string, number>();
  let failed: unknown;
  void (async () => {
    for await (const event of pods.watch(namespace, { resourceVersion: since, labelSelector: 'skiff-bench=pods', signal })) {
      if (event.type === 'ERROR') throw event.error;
      const name = event.object.metadata.name ?? '';
      if (!readyAt.has(name) && conditionTrue(event.object, 'Ready')) readyAt.set(name, performance.now());
    }
    if (!signal.aborted) throw new Error('the pod watch ended early');
  })().catch((error: unknown) => (failed = error));
  return { readyAt, failure: () => failed };
}

/** Creates the pods at once; each one's milliseconds from create request to Ready. */
async function podStarts(pods: Pods, names: string[], image: string, signal: AbortSignal, alive: () => void): Promise<number[]> {
  // One open connection per concurrent create, as a long-running client would have.
  await Promise.all(names.map(() => pods.list(namespace, { limit: 1, signal })));
  const since = (await pods.list(namespace, { labelSelector: 'skiff-bench=pods', signal })).metadata.resourceVersion ?? '0';
  const stopWatch = new AbortController();
  const watch = watchReady(pods, since, stopWatch.signal);
  const began = new Map<string, number>();
  try {
    await Promise.all(names.map(async (name) => {
      began.set(name, performance.now());
      await pods.create(namespace, podManifest(name, image), { signal });
    }));
    await until(`${names.length} pods to be Ready`, () => {
      alive();
      if (watch.failure() !== undefined) throw watch.failure();
      return names.every((name) => watch.readyAt.has(name));
    }, signal);
  } finally {
    stopWatch.abort();
  }
  return names.map((name) => (watch.readyAt.get(name) ?? Number.NaN) - (began.get(name) ?? Number.NaN));
}

/** Sandbox then app container, as `docker run` would; milliseconds until both run. */
async function dockerPod(docker: Docker, name: string, image: string, abortSignal: AbortSignal): Promise<number> {
  const began = performance.now();
  const Labels = { [baselineLabel]: 'pods' };
  const sandbox = await docker.createContainer({ name: `${name}-sandbox`, Image: localPauseImage, Labels, HostConfig: { NetworkMode: baselineNetwork }, abortSignal });
  await sandbox.start({ abortSignal });
  const app = await docker.createContainer({ name: `${name}-app`, Image: image, Entrypoint: command, Labels, HostConfig: { NetworkMode: `container:${sandbox.id}` }, abortSignal });
  await app.start({ abortSignal });
  return performance.now() - began;
}

async function removeBaseline(docker: Docker): Promise<void> {
  const found = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${baselineLabel}=pods`] }) });
  await Promise.all(found.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  await docker.getNetwork(baselineNetwork).remove().catch((error: { statusCode?: number }) => {
    if (error.statusCode !== 404) throw error;
  });
}

/**
 * Removes the pod objects, then their containers. With a live agent the delete is graceful
 * (the agent stops the containers and removes the object); without one it is forced.
 */
async function removePods(pods: Pods | undefined, docker: Docker, agentAlive: boolean, signal: AbortSignal): Promise<void> {
  if (pods !== undefined) {
    const listed = await pods.list(namespace, { labelSelector: 'skiff-bench=pods', signal });
    const options = agentAlive ? { signal } : { gracePeriodSeconds: 0, signal };
    await Promise.all(listed.items.map((pod) => pods.delete(namespace, pod.metadata.name ?? '', options).catch((error: unknown) => {
      if (!(error instanceof ApiStatusError && error.code === 404)) throw error;
    })));
    await until('the pods to be deleted', async () => (await pods.list(namespace, { labelSelector: 'skiff-bench=pods', signal })).items.length === 0, signal);
  }
  const found = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`io.skiff.node=${nodeName}`] }) });
  // The agent may be removing the same containers: already gone (404) or going (409) is fine.
  await Promise.all(found.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch((error: { statusCode?: number }) => {
    if (error.statusCode !== 404 && error.statusCode !== 409) throw error;
  })));
}

export async function runPodsBench(): Promise<void> {
  const limit = AbortSignal.timeout(limitMs);
  const { socketPath } = await ensureDocker();
  const image = await testImage();
  const docker = new Docker({ socketPath });
  const agentDir = mkdtempSync(join(tmpdir(), 'skiff-bench-agent-'));
  let server: SkiffServer | undefined;
  let agent: { child: ChildProcess; log: () => string } | undefined;
  let api: ApiClient | undefined;
  let pods: Pods | undefined;
  let phase = 'starting Docker';
  // startSkiffServer registers its clean-up before it waits, so a server that fails to start is removed too.
  const serverClosers: Array<() => unknown> = [];
  const alive = (): void => {
    for (const [who, child] of [['server', server?.process], ['agent', agent?.child]] as const) {
      if (child !== undefined && child.exitCode !== null) throw new Error(`skiff ${who} exited with ${child.exitCode}:\n${(who === 'agent' ? agent?.log() : server?.log())?.slice(-3000)}`);
    }
  };
  try {
    await removeBaseline(docker);
    phase = 'starting the server and the agent';
    server = await startSkiffServer({ after: (close) => serverClosers.push(close) });
    agent = startAgentProcess(server, agentDir);
    api = new ApiClient({ ...loadKubeconfig({ path: server.kubeconfig }), qps: 1000, burst: 1000 });
    const nodes = api.resource('Node', 'v1');
    pods = api.resource('Pod', 'v1');
    await until(`node ${nodeName} to be Ready`, async () => {
      alive();
      return conditionTrue(await nodes.get(null, nodeName).catch(() => ({ metadata: {} })), 'Ready');
    }, limit);
    phase = 'starting the warm-up pod';
    // One pod through the whole path first (the agent's pod loop, pause image and network come up).
    const warm = await podStarts(pods, ['bench-warm'], image, limit, alive);
    await removePods(pods, docker, true, limit);
    figure('pods', podCount);
    figure('pod_warmup_ms', warm[0] ?? Number.NaN, 1);

    phase = 'starting the containers straight through Docker';
    await docker.createNetwork({ Name: baselineNetwork, Driver: 'bridge', Labels: { [baselineLabel]: 'pods' } });
    await dockerPod(docker, 'skiff-bench-warm', image, limit);
    const names = Array.from({ length: podCount }, (_, i) => `bench-${i}`);
    const raw = await Promise.all(names.map((name) => dockerPod(docker, `skiff-${name}`, image, limit)));
    await removeBaseline(docker);
    const rawP99 = percentile(raw, 99);
    figure('docker_run_p50_ms', percentile(raw, 50), 1);
    figure('docker_run_p99_ms', rawP99, 1);

    phase = `starting ${podCount} pods`;
    const started = await podStarts(pods, names, image, limit, alive);
    const p99 = percentile(started, 99);
    figure('pod_start_p50_ms', percentile(started, 50), 1);
    figure('pod_start_p99_ms', p99, 1);
    figure('pod_start_p99_ratio', p99 / rawP99);
    target('pod_start_p99_ratio', p99 / rawP99 <= 1.5, '<=1.5');
    figure('agent_rss_mb', rssMb(agent.child.pid), 1);
    figure('server_rss_mb', rssMb(server.process.pid), 1);
  } catch (error) {
    if (limit.aborted) throw new Error(`Cannot finish the pods benchmark within ${limitMs / 1000} s: it was still ${phase}`, { cause: error });
    throw error;
  } finally {
    const cleanup = AbortSignal.timeout(cleanupMs);
    const steps: Array<[string, () => Promise<void>]> = [
      ['delete the pods', () => removePods(pods, docker, agent?.child.exitCode === null, cleanup)],
      ['remove the baseline containers', () => removeBaseline(docker)],
      ['stop the agent', async () => agent && (await stopProcess(agent.child))],
      ['stop the server', async () => void (await Promise.all(serverClosers.map((close) => close())))],
      ['remove the pod network', () => docker.getNetwork(`skiff-${nodeName}`).remove().then(() => undefined, () => undefined)],
    ];
    for (const [what, step] of steps) {
      await step().catch((error: unknown) => process.stderr.write(`bench pods: cannot ${what}: ${error instanceof Error ? error.message : String(error)}\n`));
    }
    api?.close();
    rmSync(agentDir, { recursive: true, force: true });
  }
}
