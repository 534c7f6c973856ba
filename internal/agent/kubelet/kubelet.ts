/**
 * The kubelet's pod lifecycle core: one worker per pod, driven by syncPod (the agent calls it
 * on every informer event for a pod bound to this node) and by its own timers. Everything it
 * needs to continue after a restart lives in container labels, so a new instance adopts what
 * is running instead of recreating it.
 */
import { rmSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../apiserver/objects.ts';
import { realClock } from '../../client/clock.ts';
import { podUidLabel } from '../runtime/labels.ts';
import type { ContainerRuntime } from '../runtime/types.ts';
import { PodEvents } from './pod-events.ts';
import { podKey, podSpec } from './pod-types.ts';
import { PodWorker, type WorkerContext } from './pod-worker.ts';
import { podDir } from './volumes.ts';
import { RestartBackoff } from './restart-backoff.ts';
import type { KubeletOptions } from './types.ts';

export class Kubelet {
  readonly #context: WorkerContext;
  readonly #runtime: ContainerRuntime;
  readonly #workers = new Map<string, PodWorker>();

  constructor(options: KubeletOptions) {
    this.#runtime = options.runtime;
    const clock = options.clock ?? realClock;
    this.#context = {
      runtime: options.runtime,
      network: options.podNetwork.name,
      clusterDns: options.clusterDns ?? { servers: ['10.43.0.10'], domain: 'cluster.local' },
      hostDns: options.hostDns ?? { servers: [], searches: [], options: [] },
      clock,
      dataDir: options.dataDir,
      hostIP: options.hostIP,
      lookup: options.lookup,
      resyncMs: options.resyncMs ?? 1000,
      restartBackoff: new RestartBackoff(options.restartBackoff),
      pullBackoff: new RestartBackoff(options.pullBackoff),
      onStatus: options.onStatus,
      scopeLabels: options.scopeLabels ?? {},
      onError: options.onError ?? (() => undefined),
      events: new PodEvents(options.onEvent ?? (() => undefined), clock),
    };
  }

  /**
   * Moves the pod one step toward its spec and resolves once that pass is done; the pod's
   * worker keeps reconciling on its own afterwards. A pod being deleted is killed instead.
   */
  async syncPod(pod: KubeObject): Promise<void> {
    const { uid } = podKey(pod);
    if (!uid) throw new Error(`Cannot sync pod ${pod.metadata.namespace}/${pod.metadata.name}: it has no uid`);
    if (pod.metadata.deletionTimestamp) {
      const grace = pod.metadata.deletionGracePeriodSeconds ?? podSpec(pod).terminationGracePeriodSeconds ?? 30;
      return this.killPod(pod, grace);
    }
    let worker = this.#workers.get(uid);
    if (!worker) {
      worker = new PodWorker(this.#context, pod);
      this.#workers.set(uid, worker);
    }
    return worker.sync(pod);
  }

  /** Stops the pod's containers gracefully (preStop, SIGTERM, SIGKILL after graceSeconds) and its sandbox. */
  async killPod(pod: KubeObject, graceSeconds: number): Promise<void> {
    const { uid } = podKey(pod);
    let worker = this.#workers.get(uid);
    if (!worker) {
      worker = new PodWorker(this.#context, pod);
      this.#workers.set(uid, worker);
    }
    await worker.kill(graceSeconds);
  }

  /**
   * Forgets a pod the API server no longer has: its containers are stopped (after
   * `graceSeconds`, with preStop, if any still run) and removed with its sandboxes and volumes.
   */
  async removePod(pod: KubeObject, graceSeconds: number): Promise<void> {
    const { uid } = podKey(pod);
    await this.killPod(pod, graceSeconds);
    this.#forget(uid);
    const labels = { ...this.#context.scopeLabels, [podUidLabel]: uid };
    for (const container of await this.#runtime.listContainers({ labels })) await this.#runtime.removeContainer(container.id);
    for (const sandbox of await this.#runtime.listSandboxes({ labels })) await this.#runtime.removeSandbox(sandbox.id);
    rmSync(podDir(this.#context.dataDir, uid), { recursive: true, force: true });
  }

  #forget(uid: string): void {
    this.#workers.get(uid)?.stop();
    this.#workers.delete(uid);
    this.#context.restartBackoff.forget(`${uid}/`);
    this.#context.pullBackoff.forget(`${uid}/`);
    this.#context.events.forget(uid);
  }

  /** Uids of the pods whose sandboxes or containers exist on this node (after a restart). */
  async adopt(): Promise<string[]> {
    const uids = new Set<string>();
    for (const sandbox of await this.#runtime.listSandboxes(this.#scope())) uids.add(sandbox.podUid);
    for (const container of await this.#runtime.listContainers(this.#scope())) uids.add(container.podUid);
    uids.delete('');
    return [...uids].sort();
  }

  /**
   * Removes the containers, sandboxes and volumes of every pod not in `uids` and forgets it;
   * running containers of those pods are killed without grace (the API no longer has them).
   */
  async wanted(uids: Iterable<string>): Promise<void> {
    const keep = new Set(uids);
    for (const uid of [...this.#workers.keys()]) if (!keep.has(uid)) this.#forget(uid);
    for (const sandbox of await this.#runtime.listSandboxes(this.#scope())) {
      if (!keep.has(sandbox.podUid)) await this.#runtime.removeSandbox(sandbox.id);
    }
    for (const container of await this.#runtime.listContainers(this.#scope())) {
      if (!keep.has(container.podUid)) await this.#runtime.removeContainer(container.id);
    }
    const pods = join(this.#context.dataDir, 'agent', 'pods');
    if (existsSync(pods)) {
      for (const uid of readdirSync(pods)) if (!keep.has(uid)) rmSync(join(pods, uid), { recursive: true, force: true });
    }
  }

  /** The pods this kubelet currently works on, by uid. */
  pods(): Map<string, KubeObject> {
    return new Map([...this.#workers].map(([uid, worker]) => [uid, worker.pod]));
  }

  #scope(): { labels: Record<string, string> } {
    return { labels: this.#context.scopeLabels };
  }

  /** Stops every worker's timers and probes; containers keep running for the next instance. */
  stop(): void {
    for (const worker of this.#workers.values()) worker.stop();
    this.#workers.clear();
  }
}
