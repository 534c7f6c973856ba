/**
 * What the scheduler knows, kept current from informer events: the cache (nodes and the
 * pods placed on them), the queue of pods to place, PriorityClasses. Deciding which
 * changes concern which part lives here, apart from any IO: a bound pod leaves the queue
 * and is counted on its node (confirming an assumed one), a finished or deleted pod frees
 * its node and may let waiting pods fit, a pending pod of ours is queued.
 */
import { SchedulerCache } from './cache.ts';
import { podInfo, type PodInfo } from './pod-info.ts';
import { PriorityClasses } from './priority.ts';
import { SchedulingQueue } from './queue.ts';
import { podKey, type Node, type Pod } from './types.ts';
import { schedulerName } from './writer.ts';

/** Whether this scheduler is responsible for the pod while it has no node. */
export function isOurs(pod: Pod): boolean {
  const name = pod.spec?.schedulerName ?? '';
  return name === '' || name === schedulerName;
}

/** True for a pod that has finished (it holds no resources any more). */
export function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** True for a pod this scheduler should place now: ours, no node, not finished, not being deleted, not gated. */
export function wantsScheduling(pod: Pod): boolean {
  return !pod.spec?.nodeName && !isTerminal(pod) && isOurs(pod) && !pod.metadata.deletionTimestamp && (pod.spec?.schedulingGates?.length ?? 0) === 0;
}

/** True when the change may let a pod fit that did not (labels, taints, cordon, allocatable, readiness). */
function changedForScheduling(before: Node, after: Node): boolean {
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

/** The cache, queue and priorities, changed only through the informer-event methods below. */
export class ClusterState {
  readonly cache = new SchedulerCache();
  readonly queue = new SchedulingQueue();
  readonly priorities = new PriorityClasses();

  /** The pod prepared with its resolved priority. */
  podInfo(pod: Pod): PodInfo {
    return podInfo(pod, this.priorities.priorityOf(pod));
  }

  nodeChanged(before: Node | undefined, node: Node, now: number): void {
    this.cache.setNode(node);
    if (before === undefined) this.queue.onEvent('NodeAdd', now);
    else if (changedForScheduling(before, node)) this.queue.onEvent('NodeUpdate', now);
  }

  nodeDeleted(node: Node): void {
    this.cache.removeNode(node.metadata.name ?? '');
  }

  podChanged(before: Pod | undefined, pod: Pod, now: number): void {
    const key = podKey(pod);
    const node = pod.spec?.nodeName;
    if (!node) {
      if (wantsScheduling(pod)) this.queue.upsert(this.podInfo(pod), now);
      else this.queue.delete(key);
      return;
    }
    this.queue.delete(key);
    this.cache.unnominate(key);
    if (isTerminal(pod)) {
      if (this.cache.nodeOf(key) !== undefined) this.#freed(key, now);
      return;
    }
    this.cache.setPod(this.podInfo(pod), node);
    this.queue.onEvent(before?.spec?.nodeName ? 'AssignedPodUpdate' : 'AssignedPodAdd', now);
  }

  podDeleted(pod: Pod, now: number): void {
    const key = podKey(pod);
    this.queue.delete(key);
    this.cache.unnominate(key);
    if (this.cache.nodeOf(key) !== undefined) this.#freed(key, now);
  }

  /** A binding failed: the pod no longer counts where it was assumed, which may help others. */
  bindingFailed(key: string, now: number): void {
    if (!this.cache.isAssumed(key)) return;
    this.#freed(key, now);
  }

  #freed(key: string, now: number): void {
    this.cache.removePod(key);
    this.queue.onEvent('AssignedPodDelete', now);
  }
}
