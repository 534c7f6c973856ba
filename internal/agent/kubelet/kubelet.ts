/**
 * The kubelet's pod lifecycle core: one worker per pod, driven by syncPod (the agent calls it
 * when a pod bound to this node changed), by the pod lifecycle events of the node's shared
 * relist and the engine's event stream, and by its own timers. Everything it needs to continue
 * after a restart lives in container labels, so a new instance adopts what is running instead
 * of recreating it.
 */
import { rmSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../apiserver/objects.ts';
import { realClock } from '../../client/clock.ts';
import type { ContainerRuntime } from '../runtime/types.ts';
import { Pleg } from './pleg.ts';
import { HostMounter } from './host-mounts.ts';
import { PodEvents } from './pod-events.ts';
import { podKey, podSpec } from './pod-types.ts';
import { PodWorker, type WorkerContext } from './pod-worker.ts';
import { podDir } from './volumes.ts';
import { RestartBackoff } from './restart-backoff.ts';
import { RuntimeCache } from './runtime-cache.ts';
import type { KubeletOptions } from './types.ts';

export class Kubelet {
  readonly #context: WorkerContext;
  readonly #runtime: ContainerRuntime;
  readonly #cache: RuntimeCache;
  readonly #pleg: Pleg;
  readonly #workers = new Map<string, PodWorker>();

  constructor(options: KubeletOptions) {
    this.#runtime = options.runtime;
    const clock = options.clock ?? realClock;
    const scopeLabels = options.scopeLabels ?? {};
    const onError = options.onError ?? (() => undefined);
    const relistMs = options.relistMs ?? 1000;
    this.#cache = new RuntimeCache(options.runtime, scopeLabels);
    this.#pleg = new Pleg({
      runtime: options.runtime, cache: this.#cache, clock, relistMs, scopeLabels, onError,
      onChange: (uid) => void this.#workers.get(uid)?.wake().catch((error) => onError(error, `sync of pod ${uid}`)),
    });
    this.#context = {
      runtime: options.runtime,
      network: options.podNetwork.name,
      clusterDns: options.clusterDns ?? { servers: ['10.43.0.10'], domain: 'cluster.local' },
      hostDns: options.hostDns ?? { servers: [], searches: [], options: [] },
      clock,
      dataDir: options.dataDir,
      hostIP: options.hostIP,
      lookup: options.lookup,
      resyncMs: options.resyncMs ?? 10_000,
      retryBaseMs: relistMs,
      cache: this.#cache,
      mounter: options.mounter ?? new HostMounter(),
      restartBackoff: new RestartBackoff(options.restartBackoff),
      pullBackoff: new RestartBackoff(options.pullBackoff),
      onStatus: options.onStatus,
      scopeLabels,
      onError,
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
    this.#pleg.start();
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
    this.#pleg.start();
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
    await this.#cache.refreshPod(uid);
    const { containers, sandboxes } = this.#cache.pod(uid);
    for (const container of containers) await this.#remove(container.id, () => this.#runtime.removeContainer(container.id));
    for (const sandbox of sandboxes) await this.#remove(sandbox.id, () => this.#runtime.removeSandbox(sandbox.id));
    await this.#removeDir(podDir(this.#context.dataDir, uid));
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
    await this.#cache.relist();
    return [...this.#cache.uids()].sort();
  }

  /**
   * Removes the containers, sandboxes and volumes of every pod not in `uids` and forgets it;
   * running containers of those pods are killed without grace (the API no longer has them).
   */
  async wanted(uids: Iterable<string>): Promise<void> {
    const keep = new Set(uids);
    for (const uid of [...this.#workers.keys()]) if (!keep.has(uid)) this.#forget(uid);
    await this.#cache.relist();
    for (const uid of this.#cache.uids()) {
      if (keep.has(uid)) continue;
      const { containers, sandboxes } = this.#cache.pod(uid);
      for (const sandbox of sandboxes) await this.#remove(sandbox.id, () => this.#runtime.removeSandbox(sandbox.id));
      for (const container of containers) await this.#remove(container.id, () => this.#runtime.removeContainer(container.id));
    }
    const pods = join(this.#context.dataDir, 'agent', 'pods');
    const failed: string[] = [];
    for (const uid of existsSync(pods) ? readdirSync(pods) : []) {
      if (keep.has(uid)) continue;
      // One directory that cannot go (a tmpfs that stays busy) does not keep the others.
      await this.#removeDir(join(pods, uid)).catch((error: unknown) => void failed.push((error as Error).message));
    }
    if (failed.length > 0) throw new Error(`Cannot remove the volumes of ${failed.length} removed pods: ${failed.join('; ')}`);
  }

  /** Removes a pod's directory once nothing is mounted in it any more. */
  async #removeDir(dir: string): Promise<void> {
    await this.#context.mounter.unmountBelow(dir);
    rmSync(dir, { recursive: true, force: true });
  }

  /** The pods this kubelet currently works on, by uid. */
  pods(): Map<string, KubeObject> {
    return new Map([...this.#workers].map(([uid, worker]) => [uid, worker.pod]));
  }

  async #remove(id: string, remove: () => Promise<void>): Promise<void> {
    await remove();
    this.#cache.forget(id);
  }

  /** Stops every worker's timers and probes and the lifecycle events; containers keep running for the next instance. */
  stop(): void {
    this.#pleg.stop();
    for (const worker of this.#workers.values()) worker.stop();
    this.#workers.clear();
  }
}
