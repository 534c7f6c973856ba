/**
 * The running scheduler: informers on PriorityClasses, namespaces, nodes and pods keep
 * the cluster state current; one loop takes the next pod, decides (pure core), assumes
 * the pod on its node and binds it in the background, so the next decision already
 * counts it. A pod that fits nowhere may preempt; it gets PodScheduled=False and a
 * FailedScheduling event and waits in the queue for a cluster change.
 */
import { InformerFactory, realClock, resourceSpecOfKind, type ApiClient, type Clock, type Informer, type TimerHandle } from '../client/index.ts';
import type { KubeObject } from '../apiserver/objects.ts';
import type { Logger } from '../util/log.ts';
import { SchedulingAlgorithm, type Random } from './algorithm.ts';
import { ClusterState, wantsScheduling } from './cluster-state.ts';
import { fitErrorMessage, noNodesAvailable, rejectingPlugins } from './fit-error.ts';
import { preempt } from './preemption.ts';
import type { QueuedPod } from './queue.ts';
import { asNode, asPod } from './types.ts';
import { Waker } from './waker.ts';
import { WriteQueue } from './write-queue.ts';
import { ApiWriter, isGone } from './writer.ts';

/** How long the loop keeps deciding before it yields the event loop. */
const decisionSliceMs = 5;

/** What a Scheduler needs; clock and random source are injectable for tests. */
export interface SchedulerOptions {
  api: ApiClient;
  log: Logger;
  clock?: Clock;
  random?: Random;
  /** Bindings under way at once before the loop waits (default 64). */
  maxConcurrentBindings?: number;
  /** Status updates and evictions under way at once (default 16). */
  maxConcurrentWrites?: number;
}

/** One scheduler; `run` it while this process leads. */
export class Scheduler {
  readonly #api: ApiClient;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #maxBindings: number;
  readonly #state = new ClusterState();
  readonly #algorithm: SchedulingAlgorithm;
  readonly #writer: ApiWriter;
  readonly #writes: WriteQueue;
  readonly #waker = new Waker();
  #pods: Informer | undefined;
  #signal: AbortSignal | undefined;
  #bindings = 0;
  #flushTimer: { at: number; handle: TimerHandle } | null = null;

  constructor(options: SchedulerOptions) {
    this.#api = options.api;
    this.#log = options.log;
    this.#clock = options.clock ?? realClock;
    this.#maxBindings = options.maxConcurrentBindings ?? 64;
    this.#algorithm = new SchedulingAlgorithm({ random: options.random ?? Math.random });
    this.#writer = new ApiWriter(options.api, options.log);
    this.#writes = new WriteQueue(options.maxConcurrentWrites ?? 16, (key, error) => {
      if (!this.#signal?.aborted && !isGone(error)) this.#log.warn('a scheduler write failed', { write: key, error });
    });
  }

  /** Schedules until `signal` aborts; resolves once its informers have stopped. */
  async run(signal: AbortSignal): Promise<void> {
    this.#signal = signal;
    const state = this.#state;
    const now = (): number => this.#clock.now();
    const factory = new InformerFactory(this.#api, { onError: (error) => this.#log.debug('informer retrying', { error }) });
    const classes = factory.informer(resourceSpecOfKind('PriorityClass', 'scheduling.k8s.io/v1'));
    const namespaces = factory.informer(resourceSpecOfKind('Namespace', 'v1'));
    const value = (pc: KubeObject): number => (typeof pc.value === 'number' ? pc.value : 0);
    classes.addHandlers({
      onAdd: (pc) => state.priorities.set(pc.metadata.name ?? '', value(pc)),
      onUpdate: (_, pc) => state.priorities.set(pc.metadata.name ?? '', value(pc)),
      onDelete: (pc) => state.priorities.delete(pc.metadata.name ?? ''),
    });
    namespaces.addHandlers({
      onAdd: (ns) => state.cache.setNamespace(ns.metadata.name ?? '', ns.metadata.labels ?? {}),
      onUpdate: (_, ns) => state.cache.setNamespace(ns.metadata.name ?? '', ns.metadata.labels ?? {}),
      onDelete: (ns) => state.cache.deleteNamespace(ns.metadata.name ?? ''),
    });
    factory.start(signal);
    try {
      // Priorities must be known before the pods they rank arrive.
      if (!(await factory.waitForSync(signal))) return;
      const nodes = factory.informer(resourceSpecOfKind('Node', 'v1'));
      const pods = factory.informer(resourceSpecOfKind('Pod', 'v1'));
      this.#pods = pods;
      nodes.addHandlers({
        onAdd: (node) => this.#changed(() => state.nodeChanged(undefined, asNode(node), now())),
        onUpdate: (before, node) => this.#changed(() => state.nodeChanged(asNode(before), asNode(node), now())),
        onDelete: (node) => state.nodeDeleted(asNode(node)),
      });
      pods.addHandlers({
        onAdd: (pod) => this.#changed(() => state.podChanged(undefined, asPod(pod), now())),
        onUpdate: (before, pod) => this.#changed(() => state.podChanged(asPod(before), asPod(pod), now())),
        onDelete: (pod) => this.#changed(() => state.podDeleted(asPod(pod), now())),
      });
      if (!(await factory.waitForSync(signal))) return;
      this.#log.info('scheduler started', { nodes: state.cache.nodes.length, pending: state.queue.lengths.active });
      await this.#loop(signal);
    } finally {
      this.#writer.stop();
      if (this.#flushTimer !== null) this.#clock.clearTimeout(this.#flushTimer.handle);
      await factory.stopped();
    }
  }

  #changed(apply: () => void): void {
    apply();
    this.#waker.wake();
  }

  async #loop(signal: AbortSignal): Promise<void> {
    let sliceStart = performance.now();
    while (!signal.aborted) {
      const item = await this.#next(signal);
      if (item === undefined) return;
      try {
        this.#scheduleOne(item);
      } catch (error) {
        // One bad decision must not stop the loop: log it and retry the pod later.
        this.#log.error('scheduling a pod failed', { pod: item.key, error });
        this.#state.queue.requeueBackoff(item, this.#clock.now());
      }
      while (this.#bindings >= this.#maxBindings && !signal.aborted) await this.#waker.sleep(signal);
      // Decisions take well under a millisecond: make several, then let informer events,
      // binding answers and the API server (on the same event loop) have their turn.
      if (performance.now() - sliceStart >= decisionSliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
  }

  /** The next pod ready to schedule, waiting for one; undefined once `signal` aborts. */
  async #next(signal: AbortSignal): Promise<QueuedPod | undefined> {
    const queue = this.#state.queue;
    while (!signal.aborted) {
      queue.flush(this.#clock.now());
      const item = queue.pop();
      if (item !== undefined) return item;
      this.#armFlush();
      await this.#waker.sleep(signal);
    }
    return undefined;
  }

  /** Wakes the loop when the queue's next backoff or unschedulable timeout falls due. */
  #armFlush(): void {
    const at = this.#state.queue.nextFlushAt();
    if (at === undefined || (this.#flushTimer !== null && this.#flushTimer.at <= at)) return;
    if (this.#flushTimer !== null) this.#clock.clearTimeout(this.#flushTimer.handle);
    const handle = this.#clock.setTimeout(() => {
      this.#flushTimer = null;
      this.#waker.wake();
    }, Math.max(0, at - this.#clock.now()));
    this.#flushTimer = { at, handle };
  }

  #scheduleOne(item: QueuedPod): void {
    const { cache, queue } = this.#state;
    const latest = this.#pods?.store.get(item.key);
    if (latest === undefined || !wantsScheduling(asPod(latest))) {
      queue.done(item.key);
      return;
    }
    const pod = item.pod;
    if (cache.nodes.length === 0) {
      this.#failed(item, noNodesAvailable, new Set(), undefined);
      return;
    }
    const decision = this.#algorithm.schedule(pod, cache);
    if (decision.kind === 'fit') {
      cache.assume(pod, decision.node);
      void this.#bind(item, decision.node);
      return;
    }
    const preemption = preempt(pod, cache, decision.diagnosis, this.#algorithm.filters);
    let nominated: string | undefined;
    if (preemption.kind === 'preempt') {
      nominated = preemption.node;
      cache.nominate(pod, preemption.node);
      const now = this.#clock.now();
      for (const victim of preemption.victims) {
        this.#writes.enqueue(`evict ${victim.key}`, () => this.#writer.evict(victim.pod, pod.pod, preemption.node, now, this.#aborting()));
      }
    } else if (pod.pod.status?.nominatedNodeName) {
      // Preemption no longer helps there: the nomination is cleared, as kube-scheduler does.
      nominated = '';
      cache.unnominate(pod.key);
    }
    const message = fitErrorMessage(decision.numAllNodes, decision.diagnosis, preemption.kind === 'none' ? preemption.message : '');
    this.#failed(item, message, rejectingPlugins(decision.diagnosis), nominated);
  }

  #failed(item: QueuedPod, message: string, rejectedBy: ReadonlySet<string>, nominated: string | undefined): void {
    const now = this.#clock.now();
    const pod = item.pod.pod;
    this.#state.queue.requeueUnschedulable(item, rejectedBy, now);
    this.#log.debug('pod does not fit', { pod: item.key, message });
    this.#writer.event(pod, 'Warning', 'FailedScheduling', message);
    // Written later, and only while the pod is still waiting: a binding made meanwhile must not be contradicted.
    this.#writes.enqueue(`status ${item.key}`, async () => {
      if (this.#stillPending(item.key)) await this.#writer.markUnschedulable(pod, message, nominated, now, this.#aborting());
    });
  }

  async #bind(item: QueuedPod, node: string): Promise<void> {
    const pod = item.pod.pod;
    const { queue } = this.#state;
    this.#bindings++;
    try {
      await this.#writer.bind(pod, node, this.#aborting());
      queue.done(item.key);
      this.#writer.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} to ${node}`);
    } catch (error) {
      this.#state.bindingFailed(item.key, this.#clock.now());
      if (this.#signal?.aborted || isGone(error)) {
        queue.done(item.key);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.#log.warn('binding failed; retrying after backoff', { pod: item.key, node, error: message });
      this.#writer.event(pod, 'Warning', 'FailedScheduling', `Binding rejected: ${message}`);
      queue.requeueBackoff(item, this.#clock.now());
    } finally {
      this.#bindings--;
      this.#waker.wake();
    }
  }

  /** True while the pod exists unbound and no binding of it is under way. */
  #stillPending(key: string): boolean {
    const latest = this.#pods?.store.get(key);
    return latest !== undefined && wantsScheduling(asPod(latest)) && this.#state.cache.nodeOf(key) === undefined;
  }

  /** The run's signal (writes started after it aborted fail at once). */
  #aborting(): AbortSignal {
    return this.#signal ?? AbortSignal.abort();
  }
}
