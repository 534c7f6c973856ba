/**
 * The running scheduler: informers on nodes, pods, PriorityClasses and namespaces keep
 * the cache and the queue current; one loop takes the next pod, decides (pure core),
 * assumes the pod on its node and binds it in the background, so the next decision
 * already counts it. A pod that fits nowhere may preempt; it gets PodScheduled=False and
 * a FailedScheduling event and waits in the queue for a cluster change.
 * Only pods without spec.nodeName whose schedulerName is empty or default-scheduler.
 */
import { InformerFactory, realClock, resourceSpecOfKind, type ApiClient, type Clock, type Informer, type TimerHandle } from '../client/index.ts';
import type { Logger } from '../util/log.ts';
import { SchedulingAlgorithm, type Random } from './algorithm.ts';
import { SchedulerCache } from './cache.ts';
import { fitErrorMessage, noNodesAvailable, rejectingPlugins } from './fit-error.ts';
import { podInfo, type PodInfo } from './pod-info.ts';
import { preempt } from './preemption.ts';
import { PriorityClasses } from './priority.ts';
import { SchedulingQueue, type QueuedPod } from './queue.ts';
import { asNode, asPod, podKey, type Node, type Pod } from './types.ts';
import { ApiWriter, isFinalBindingError, schedulerName } from './writer.ts';

export interface SchedulerOptions {
  api: ApiClient;
  log: Logger;
  clock?: Clock;
  random?: Random;
  /** Bindings under way at once before the loop waits (default 64). */
  maxConcurrentBindings?: number;
}

/** Whether this scheduler is responsible for the pod while it has no node. */
export function isOurs(pod: Pod): boolean {
  const name = pod.spec?.schedulerName ?? '';
  return name === '' || name === schedulerName;
}

function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** True when the change may let a pod fit that did not (labels, taints, cordon, allocatable, readiness). */
function nodeChangedForScheduling(before: Node, after: Node): boolean {
  const facts = (node: Node) =>
    JSON.stringify([
      node.metadata.labels ?? {},
      node.spec?.taints ?? [],
      node.spec?.unschedulable ?? false,
      node.status?.allocatable ?? {},
      node.status?.conditions?.find((c) => c?.type === 'Ready')?.status ?? '',
    ]);
  return facts(before) !== facts(after);
}

export class Scheduler {
  readonly #api: ApiClient;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #maxBindings: number;
  readonly #cache = new SchedulerCache();
  readonly #queue = new SchedulingQueue();
  readonly #priorities = new PriorityClasses();
  readonly #algorithm: SchedulingAlgorithm;
  readonly #writer: ApiWriter;
  #pods: Informer | undefined;
  #bindings = 0;
  #wake: (() => void) | null = null;
  #flushTimer: { at: number; handle: TimerHandle } | null = null;

  constructor(options: SchedulerOptions) {
    this.#api = options.api;
    this.#log = options.log;
    this.#clock = options.clock ?? realClock;
    this.#maxBindings = options.maxConcurrentBindings ?? 64;
    this.#algorithm = new SchedulingAlgorithm({ random: options.random ?? Math.random });
    this.#writer = new ApiWriter(options.api, options.log);
  }

  /** Schedules until `signal` aborts; resolves once its informers have stopped. */
  async run(signal: AbortSignal): Promise<void> {
    const factory = new InformerFactory(this.#api, { onError: (error) => this.#log.debug('informer retrying', { error }) });
    const nodes = factory.informer(resourceSpecOfKind('Node', 'v1'));
    const pods = factory.informer(resourceSpecOfKind('Pod', 'v1'));
    const classes = factory.informer(resourceSpecOfKind('PriorityClass', 'scheduling.k8s.io/v1'));
    const namespaces = factory.informer(resourceSpecOfKind('Namespace', 'v1'));
    this.#pods = pods;
    // PriorityClasses and namespaces first, so pods listed at start get their priority.
    classes.addHandlers({
      onAdd: (pc) => this.#priorities.set(pc.metadata.name ?? '', typeof pc.value === 'number' ? pc.value : 0),
      onUpdate: (_, pc) => this.#priorities.set(pc.metadata.name ?? '', typeof pc.value === 'number' ? pc.value : 0),
      onDelete: (pc) => this.#priorities.delete(pc.metadata.name ?? ''),
    });
    namespaces.addHandlers({
      onAdd: (ns) => this.#cache.setNamespace(ns.metadata.name ?? '', ns.metadata.labels ?? {}),
      onUpdate: (_, ns) => this.#cache.setNamespace(ns.metadata.name ?? '', ns.metadata.labels ?? {}),
      onDelete: (ns) => this.#cache.deleteNamespace(ns.metadata.name ?? ''),
    });
    nodes.addHandlers({
      onAdd: (node) => this.#nodeChanged(undefined, asNode(node)),
      onUpdate: (before, node) => this.#nodeChanged(asNode(before), asNode(node)),
      onDelete: (node) => this.#cache.removeNode(node.metadata.name ?? ''),
    });
    pods.addHandlers({
      onAdd: (pod) => this.#podChanged(undefined, asPod(pod)),
      onUpdate: (before, pod) => this.#podChanged(asPod(before), asPod(pod)),
      onDelete: (pod) => this.#podDeleted(asPod(pod)),
    });
    factory.start(signal);
    try {
      if (!(await factory.waitForSync(signal))) return;
      this.#log.info('scheduler started', { nodes: this.#cache.nodes.length, pending: this.#queue.lengths.active });
      await this.#loop(signal);
    } finally {
      this.#writer.stop();
      if (this.#flushTimer !== null) this.#clock.clearTimeout(this.#flushTimer.handle);
      await factory.stopped();
    }
  }

  #podInfo(pod: Pod): PodInfo {
    return podInfo(pod, this.#priorities.priorityOf(pod));
  }

  #nodeChanged(before: Node | undefined, node: Node): void {
    this.#cache.setNode(node);
    if (before === undefined) this.#queue.onEvent('NodeAdd', this.#clock.now());
    else if (nodeChangedForScheduling(before, node)) this.#queue.onEvent('NodeUpdate', this.#clock.now());
    this.#notify();
  }

  #podChanged(before: Pod | undefined, pod: Pod): void {
    const key = podKey(pod);
    const now = this.#clock.now();
    const node = pod.spec?.nodeName;
    if (node) {
      this.#queue.delete(key);
      this.#cache.unnominate(key);
      if (isTerminal(pod)) {
        // A finished pod holds nothing any more.
        if (this.#cache.nodeOf(key) !== undefined) this.#podGone(key);
        return;
      }
      this.#cache.setPod(this.#podInfo(pod), node);
      this.#queue.onEvent(before?.spec?.nodeName ? 'AssignedPodUpdate' : 'AssignedPodAdd', now);
    } else if (isTerminal(pod) || !isOurs(pod) || pod.metadata.deletionTimestamp || (pod.spec?.schedulingGates?.length ?? 0) > 0) {
      this.#queue.delete(key);
    } else {
      this.#queue.upsert(this.#podInfo(pod), now);
    }
    this.#notify();
  }

  #podDeleted(pod: Pod): void {
    const key = podKey(pod);
    this.#queue.delete(key);
    this.#cache.unnominate(key);
    if (this.#cache.nodeOf(key) !== undefined) this.#podGone(key);
    this.#notify();
  }

  #podGone(key: string): void {
    this.#cache.removePod(key);
    this.#queue.onEvent('AssignedPodDelete', this.#clock.now());
  }

  async #loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const item = await this.#next(signal);
      if (item === undefined) return;
      try {
        this.#scheduleOne(item, signal);
      } catch (error) {
        // A decision must not stop the loop: log and retry the pod later.
        this.#log.error('scheduling a pod failed', { pod: item.key, error });
        this.#queue.requeueBackoff(item, this.#clock.now());
      }
      while (this.#bindings >= this.#maxBindings && !signal.aborted) await this.#sleepUntilWoken(signal);
      // Let informer events and binding answers in between decisions.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** The next pod ready to schedule, waiting for one; undefined once `signal` aborts. */
  async #next(signal: AbortSignal): Promise<QueuedPod | undefined> {
    while (!signal.aborted) {
      this.#queue.flush(this.#clock.now());
      const item = this.#queue.pop();
      if (item !== undefined) return item;
      this.#armFlush();
      await this.#sleepUntilWoken(signal);
    }
    return undefined;
  }

  #sleepUntilWoken(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        this.#wake = null;
        resolve();
      };
      this.#wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  #notify(): void {
    this.#wake?.();
  }

  /** Wakes the loop when the queue's next backoff or unschedulable timeout falls due. */
  #armFlush(): void {
    const at = this.#queue.nextFlushAt();
    if (at === undefined || (this.#flushTimer !== null && this.#flushTimer.at <= at)) return;
    if (this.#flushTimer !== null) this.#clock.clearTimeout(this.#flushTimer.handle);
    const handle = this.#clock.setTimeout(() => {
      this.#flushTimer = null;
      this.#notify();
    }, Math.max(0, at - this.#clock.now()));
    this.#flushTimer = { at, handle };
  }

  #scheduleOne(item: QueuedPod, signal: AbortSignal): void {
    const latest = this.#pods?.store.get(item.key);
    const current = latest === undefined ? undefined : asPod(latest);
    if (current === undefined || current.spec?.nodeName || current.metadata.deletionTimestamp || !isOurs(current)) {
      this.#queue.done(item.key);
      return;
    }
    const pod = item.pod;
    if (this.#cache.nodes.length === 0) {
      this.#failed(item, noNodesAvailable, new Set(), undefined, signal);
      return;
    }
    const decision = this.#algorithm.schedule(pod, this.#cache);
    if (decision.kind === 'fit') {
      this.#cache.assume(pod, decision.node);
      void this.#bind(item, decision.node, signal);
      return;
    }
    const preemption = preempt(pod, this.#cache, decision.diagnosis, this.#algorithm.filters);
    let nominated: string | undefined;
    if (preemption.kind === 'preempt') {
      nominated = preemption.node;
      this.#cache.nominate(pod, preemption.node);
      const now = this.#clock.now();
      for (const victim of preemption.victims) {
        this.#writer.evict(victim.pod, pod.pod, preemption.node, now, signal).catch((error: unknown) => {
          if (!signal.aborted) this.#log.warn('could not evict a preemption victim', { pod: victim.key, error });
        });
      }
    } else if (pod.pod.status?.nominatedNodeName) {
      nominated = '';
      this.#cache.unnominate(pod.key);
    }
    const message = fitErrorMessage(decision.numAllNodes, decision.diagnosis, preemption.kind === 'none' ? preemption.message : '');
    this.#failed(item, message, rejectingPlugins(decision.diagnosis), nominated, signal);
  }

  #failed(item: QueuedPod, message: string, rejectedBy: ReadonlySet<string>, nominated: string | undefined, signal: AbortSignal): void {
    const now = this.#clock.now();
    const pod = item.pod.pod;
    this.#queue.requeueUnschedulable(item, rejectedBy, now);
    this.#log.debug('pod does not fit', { pod: item.key, message });
    this.#writer.event(pod, 'Warning', 'FailedScheduling', message);
    this.#writer.markUnschedulable(pod, message, nominated, now, signal).catch((error: unknown) => {
      if (!signal.aborted && !isFinalBindingError(error)) this.#log.warn('could not update the PodScheduled condition', { pod: item.key, error });
    });
  }

  async #bind(item: QueuedPod, node: string, signal: AbortSignal): Promise<void> {
    const pod = item.pod.pod;
    this.#bindings++;
    try {
      await this.#writer.bind(pod, node, signal);
      this.#queue.done(item.key);
      this.#writer.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} to ${node}`);
    } catch (error) {
      this.#cache.forget(item.key);
      this.#queue.onEvent('AssignedPodDelete', this.#clock.now());
      if (signal.aborted || isFinalBindingError(error)) {
        // Gone, or bound by someone else: the informer brings the final state.
        this.#queue.done(item.key);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.#log.warn('binding failed; retrying after backoff', { pod: item.key, node, error: message });
      this.#writer.event(pod, 'Warning', 'FailedScheduling', `Binding rejected: ${message}`);
      this.#queue.requeueBackoff(item, this.#clock.now());
    } finally {
      this.#bindings--;
      this.#notify();
    }
  }
}

