/**
 * One pod's worker: passes run one at a time, each moving the pod one step toward its spec and
 * reporting the status. A pass reads the pod's sandboxes and containers from the node's shared
 * runtime cache (kept current by the relist and the engine's events, which also wake the
 * worker); a pass asked for from outside (a changed spec) refreshes the pod's entries first.
 * What a pass does to the runtime it writes back to the cache, so the status it reports is
 * built from the objects it touched, not from a new listing. After a pass the worker wakes
 * itself at the next back-off expiry or resync.
 */
import type { KubeObject } from '../../apiserver/objects.ts';
import type { Clock, TimerHandle } from '../../client/clock.ts';
import type { SandboxStatus } from '../runtime/types.ts';
import { decide } from './decide.ts';
import { SourceCache } from './env.ts';
import type { HandlerTarget } from './handlers.ts';
import type { Mounter } from './host-mounts.ts';
import type { PodEvents } from './pod-events.ts';
import type { Waiting } from './images.ts';
import { instancesOf, podStatus } from './pod-status.ts';
import { podKey, podSpec, restartPolicy, type ContainerSpecV1 } from './pod-types.ts';
import { PodProber } from './prober.ts';
import type { RestartBackoff } from './restart-backoff.ts';
import type { RuntimeCache } from './runtime-cache.ts';
import { ensureSandbox, type SandboxContext } from './sandbox.ts';
import { pruneDead, startContainer, type StartContext } from './start-container.ts';
import { stopGracefully, stopPod } from './termination.ts';
import { timestamp, type KubeletOptions, type PodStatus } from './types.ts';
import { prepareVolumes, VolumeError } from './volumes.ts';

/** Shared by every pod worker of a kubelet. */
export interface WorkerContext extends SandboxContext {
  clock: Clock;
  dataDir: string;
  hostIP?: string;
  lookup: KubeletOptions['lookup'];
  resyncMs: number;
  /** First delay before a failed pass is tried again (doubling up to 30 s). */
  retryBaseMs: number;
  cache: RuntimeCache;
  mounter: Mounter;
  restartBackoff: RestartBackoff;
  pullBackoff: RestartBackoff;
  onStatus: KubeletOptions['onStatus'];
  onError(error: unknown, context: string): void;
  events: PodEvents;
}

/** Longest wait before a pass that failed is tried again. */
const maxFailureDelayMs = 30_000;

export class PodWorker {
  readonly #context: WorkerContext;
  readonly #prober: PodProber;
  #pod: KubeObject;
  #chain: Promise<void> = Promise.resolve();
  #queued: Promise<void> | undefined;
  /** The queued pass reads the pod's objects from the runtime first. */
  #refresh = false;
  #timer: TimerHandle | undefined;
  #lastStatus: PodStatus | undefined;
  #startTime: string | undefined;
  /** Finished (Succeeded/Failed) or being killed: nothing is started any more. */
  #done: boolean;
  #stopped = false;
  /** Passes that failed in a row; each waits twice as long before the next one. */
  #failures = 0;

  constructor(context: WorkerContext, pod: KubeObject) {
    this.#context = context;
    this.#pod = pod;
    this.#prober = new PodProber(
      context.clock,
      () => void this.wake().catch((e) => context.onError(e, 'probe-triggered sync')),
      (container, message) => context.events.about(this.#pod, container).emit('Warning', 'Unhealthy', message),
    );
    const status = (pod.status ?? {}) as { phase?: string; startTime?: string };
    // A pod that already finished before a restart of the agent must not run again.
    this.#done = status.phase === 'Succeeded' || status.phase === 'Failed';
    this.#startTime = status.startTime;
  }

  get pod(): KubeObject {
    return this.#pod;
  }

  /**
   * Runs a pass with the newest spec, reading the pod's objects from the runtime first;
   * concurrent calls share one queued pass.
   */
  sync(pod?: KubeObject): Promise<void> {
    if (pod) this.#pod = pod;
    this.#refresh = true;
    return this.wake();
  }

  /** Runs a pass from the shared cache (it changed, or a timer is due); shares a queued pass. */
  wake(): Promise<void> {
    this.#queued ??= this.#enqueue(async () => {
      this.#queued = undefined;
      const refresh = this.#refresh;
      this.#refresh = false;
      try {
        await this.#pass(refresh);
        this.#failures = 0;
      } catch (error) {
        // The runtime may be briefly unavailable: keep the pod reconciling, less often each time.
        this.#failures++;
        this.#schedule([], Math.min(maxFailureDelayMs, this.#context.retryBaseMs * 2 ** Math.min(this.#failures, 15)));
        throw error;
      }
    });
    return this.#queued;
  }

  /** Stops every container (preStop first) and the sandbox, then reports the final status. */
  kill(graceSeconds: number): Promise<void> {
    this.#done = true;
    return this.#enqueue(() => this.#kill(graceSeconds));
  }

  /** Stops timers and probes; containers keep running. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.#context.clock.clearTimeout(this.#timer);
    this.#prober.stopAll();
  }

  #enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(() => this.#context.cache.working(podKey(this.#pod).uid, work));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  #schedule(wakes: number[], delayMs = this.#context.resyncMs): void {
    const { clock } = this.#context;
    if (this.#timer) clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped || this.#done) return;
    const at = Math.min(clock.now() + delayMs, ...wakes);
    this.#timer = clock.setTimeout(() => {
      this.#timer = undefined;
      this.wake().catch((error) => this.#context.onError(error, `sync of pod ${podKey(this.#pod).name}`));
    }, Math.max(0, at - clock.now()));
  }

  #target(sandbox: SandboxStatus | undefined, spec: ContainerSpecV1 | undefined, id: string): HandlerTarget {
    return { runtime: this.#context.runtime, containerId: id, podIP: sandbox?.ip ?? this.#context.hostIP, ports: spec?.ports, clock: this.#context.clock };
  }

  async #pass(refresh: boolean): Promise<void> {
    if (this.#stopped || this.#done) return;
    const context = this.#context;
    const { cache } = context;
    const pod = this.#pod;
    const spec = podSpec(pod);
    const { uid, namespace, name } = podKey(pod);
    const policy = restartPolicy(spec);
    const inits = spec.initContainers ?? [];
    const all = [...inits, ...spec.containers];
    const waiting = new Map<string, Waiting>();
    const wakes: number[] = [];
    const grace = spec.terminationGracePeriodSeconds ?? 30;
    const report = (sandbox: SandboxStatus | undefined) => {
      const instances = cache.pod(uid).containers;
      const running = instances.filter((c) => c.state === 'running' && c.sandboxId === sandbox?.id);
      for (const c of running) {
        const containerSpec = spec.containers.find((s) => s.name === c.name);
        if (containerSpec && sandbox) this.#prober.ensure(containerSpec, this.#target(sandbox, containerSpec, c.id), (c.startedAt ?? c.createdAt).getTime());
      }
      this.#prober.retain(new Set(running.map((c) => c.id)));
      this.#deliver(podStatus({
        containers: spec.containers, initContainers: inits, restartPolicy: policy, instances, waiting,
        probes: (id) => this.#prober.view(id), nowMs: context.clock.now(),
        podIP: sandbox?.ip ?? (spec.hostNetwork && sandbox ? context.hostIP : undefined), hostIP: context.hostIP,
        startTime: this.#startTime, previous: this.#lastStatus, sandboxReady: sandbox !== undefined,
      }));
      return instances;
    };
    // What blocks a start without a back-off of its own (a missing Secret, a failed mount or
    // create) may clear any moment: look again soon rather than at the next resync.
    const retrySoon = () => wakes.push(context.clock.now() + context.retryBaseMs);
    const blockAll = (reason: string, message: string) => {
      for (const c of all) waiting.set(c.name, { reason, message });
      retrySoon();
    };

    if (refresh) await cache.refreshPod(uid);
    let { containers: instances, sandboxes } = cache.pod(uid);
    let sandbox: SandboxStatus;
    const podEvents = context.events.about(pod);
    try {
      const ensured = await ensureSandbox(context, pod, sandboxes, instances);
      sandbox = ensured.sandbox;
      if (ensured.created) {
        cache.putSandbox(sandbox);
        for (const id of ensured.stopped) await cache.refreshContainer(id);
        instances = cache.pod(uid).containers;
        if (sandboxes.length > 0) podEvents.emit('Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      }
    } catch (error) {
      const message = `Failed to create pod sandbox: ${(error as Error).message}`;
      podEvents.repeat('Warning', 'FailedCreatePodSandBox', message);
      blockAll('ContainerCreating', message);
      report(undefined);
      return this.#schedule(wakes);
    }
    this.#startTime ??= timestamp(context.clock.now());
    const addresses = { podIP: sandbox.ip ?? (spec.hostNetwork ? context.hostIP : undefined), hostIP: context.hostIP };
    const sources = new SourceCache(context.lookup, namespace);
    let volumes;
    try {
      volumes = await prepareVolumes(pod, context.dataDir, sources, addresses, context.mounter);
    } catch (error) {
      if (!(error instanceof VolumeError)) throw error;
      podEvents.repeat('Warning', 'FailedMount', error.message);
      blockAll('ContainerCreating', error.message);
      report(sandbox);
      return this.#schedule(wakes);
    }
    const start: StartContext = { runtime: context.runtime, clock: context.clock, pullBackoff: context.pullBackoff, pod, sandbox, volumes, addresses, sources, graceSeconds: grace, scopeLabels: context.scopeLabels,
      events: (container) => context.events.about(pod, container),
    };

    // Containers whose liveness or startup probe gave up are stopped; the restart policy decides next.
    let killed = false;
    for (const c of spec.containers) {
      const latest = instancesOf(instances, c.name)[0];
      const failure = latest?.state === 'running' && latest.sandboxId === sandbox.id ? this.#prober.livenessFailure(latest.id) : undefined;
      if (!latest || !failure) continue;
      const events = context.events.about(pod, c.name);
      events.emit('Normal', 'Killing', `Container ${c.name} failed ${failure.startsWith('Startup') ? 'startup' : 'liveness'} probe, will be restarted`);
      await stopGracefully(c, latest, this.#target(sandbox, c, latest.id), context.clock, c.livenessProbe?.terminationGracePeriodSeconds ?? grace, events);
      await cache.refreshContainer(latest.id);
      killed = true;
    }
    if (killed) instances = cache.pod(uid).containers;

    const step = async (c: ContainerSpecV1, init: boolean): Promise<void> => {
      const current = instancesOf(instances, c.name);
      const key = `${uid}/${init ? 'init/' : ''}${c.name}`;
      const decision = decide(policy, current[0], sandbox.id, init, context.restartBackoff, key, context.clock.now());
      if (decision.action === 'backoff') {
        const message = `back-off ${Math.round(decision.delayMs / 1000)}s restarting failed container=${c.name} pod=${name}_${namespace}(${uid})`;
        waiting.set(c.name, { reason: 'CrashLoopBackOff', message });
        context.events.about(pod, c.name).repeat('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${name}_${namespace}(${uid})`);
        wakes.push(decision.untilMs);
      }
      if (decision.action !== 'start') return;
      if (decision.replace) {
        await context.runtime.removeContainer(decision.replace);
        cache.forget(decision.replace);
      }
      // The status after a start is built from the started container alone, read once.
      const created: string[] = [];
      let failed;
      try {
        failed = await startContainer({ ...start, created: (id) => void created.push(id) }, c, decision.restartCount);
      } finally {
        for (const id of created) await cache.refreshContainer(id);
      }
      if (failed) {
        waiting.set(c.name, failed);
        if (failed.retryAtMs !== undefined) wakes.push(failed.retryAtMs);
        else retrySoon();
        return;
      }
      if (decision.restart) context.restartBackoff.retried(key, context.clock.now());
    };

    let initialized = true;
    for (const c of inits) {
      const latest = instancesOf(instances, c.name)[0];
      if (latest?.sandboxId === sandbox.id && latest.state === 'exited' && latest.exitCode === 0) continue;
      initialized = false;
      await step(c, true);
      break;
    }
    if (initialized) for (const c of spec.containers) await step(c, false);

    instances = report(sandbox);
    for (const id of await pruneDead(context.runtime, instances, all.map((c) => c.name))) cache.forget(id);
    const phase = this.#lastStatus?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      // Finished pods keep their containers (for logs) but release the sandbox and its IP.
      this.#done = true;
      this.#prober.stopAll();
      await context.runtime.stopSandbox(sandbox.id);
      await cache.refreshSandbox(sandbox.id);
    }
    this.#schedule(wakes);
  }

  async #kill(graceSeconds: number): Promise<void> {
    const context = this.#context;
    const spec = podSpec(this.#pod);
    if (this.#timer) context.clock.clearTimeout(this.#timer);
    this.#prober.stopAll();
    const instances = await stopPod(this.#pod, graceSeconds, context, (sandbox, containerSpec, id) => this.#target(sandbox, containerSpec, id));
    const status = podStatus({
      containers: spec.containers, initContainers: spec.initContainers ?? [], restartPolicy: restartPolicy(spec),
      instances, waiting: new Map(), probes: () => ({ ready: false, started: false }),
      nowMs: context.clock.now(), hostIP: context.hostIP, startTime: this.#startTime, previous: this.#lastStatus, sandboxReady: false,
    });
    // A pod that was stopped has ended: Succeeded only when every container exited 0.
    const allOk = status.containerStatuses.every((s) => s.state.terminated?.exitCode === 0);
    this.#deliver({ ...status, phase: allOk ? 'Succeeded' : 'Failed', ...(this.#lastStatus?.podIP ? { podIP: this.#lastStatus.podIP, podIPs: this.#lastStatus.podIPs } : {}) });
  }

  #deliver(status: PodStatus): void {
    if (JSON.stringify(status) === JSON.stringify(this.#lastStatus)) return;
    this.#lastStatus = status;
    this.#context.onStatus(this.#pod, status);
  }
}
