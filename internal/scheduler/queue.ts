/**
 * The scheduling queue, after kube-scheduler's PriorityQueue, with time passed in:
 * - active: pods to try now, higher priority first, then the longest waiting;
 * - backoff: pods that failed, waiting 1 s doubling to 10 s per attempt;
 * - unschedulable: pods no node fit; they move (to backoff or active) when a cluster
 *   event concerns a plugin that rejected them, or after 5 minutes regardless.
 * A pod taken out with `pop` is in flight until `done`, `requeueUnschedulable` or
 * `requeueBackoff`; an event that concerns it while in flight sends it to backoff rather
 * than to unschedulable, so the change is not missed.
 */
import { KeyedHeap } from './heap.ts';
import type { PodInfo } from './pod-info.ts';

/** Cluster changes that can make a pod schedulable. */
export type ClusterEvent = 'NodeAdd' | 'NodeUpdate' | 'AssignedPodAdd' | 'AssignedPodUpdate' | 'AssignedPodDelete';

/** The plugins whose rejections an event may undo (kube-scheduler's EventsToRegister, coarsely). */
const concerns: Record<ClusterEvent, ReadonlySet<string> | 'all'> = {
  NodeAdd: 'all',
  NodeUpdate: 'all',
  AssignedPodDelete: new Set(['NodeResourcesFit', 'NodePorts', 'InterPodAffinity', 'PodTopologySpread', 'DefaultPreemption']),
  AssignedPodAdd: new Set(['InterPodAffinity', 'PodTopologySpread']),
  AssignedPodUpdate: new Set(['InterPodAffinity', 'PodTopologySpread']),
};

const unschedulableScanMs = 1000;

/** A pod in the queue with its attempt count and timing. */
export interface QueuedPod {
  key: string;
  pod: PodInfo;
  /** Scheduling attempts so far. */
  attempts: number;
  /** When it last entered the queue (orders pods of equal priority). */
  timestamp: number;
  /** When it was first queued, for latency figures. */
  firstQueued: number;
  /** Plugins that rejected it last time; empty means any event may help. */
  rejectedBy: ReadonlySet<string>;
  backoffUntil: number;
  /** The scheduling cycle in which it was popped. */
  cycle: number;
}

/** Timing of the queue; the defaults are kube-scheduler's. */
export interface QueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a pod waits in unschedulable without any event (default 5 minutes). */
  maxUnschedulableMs?: number;
}

function concerned(event: ClusterEvent, rejectedBy: ReadonlySet<string>): boolean {
  const plugins = concerns[event];
  if (plugins === 'all' || rejectedBy.size === 0) return true;
  for (const plugin of rejectedBy) if (plugins.has(plugin)) return true;
  return false;
}

/** See the file comment; every method takes the current time instead of reading a clock. */
export class SchedulingQueue {
  readonly #initialBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #maxUnschedulableMs: number;
  readonly #active = new KeyedHeap<QueuedPod>(
    (item) => item.key,
    (a, b) => (a.pod.priority !== b.pod.priority ? a.pod.priority > b.pod.priority : a.timestamp < b.timestamp),
  );
  readonly #backoff = new KeyedHeap<QueuedPod>((item) => item.key, (a, b) => a.backoffUntil < b.backoffUntil);
  readonly #unschedulable = new Map<string, QueuedPod>();
  readonly #inFlight = new Map<string, QueuedPod>();
  /** Keys deleted while in flight: their requeue is dropped. */
  readonly #gone = new Set<string>();
  /** The last cycle in which each event happened. */
  readonly #eventCycles = new Map<ClusterEvent, number>();
  #cycle = 0;
  #lastUnschedulableScan = Number.NEGATIVE_INFINITY;

  constructor(options: QueueOptions = {}) {
    this.#initialBackoffMs = options.initialBackoffMs ?? 1000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.#maxUnschedulableMs = options.maxUnschedulableMs ?? 300_000;
  }

  /** Pods in each part. */
  get lengths(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return { active: this.#active.size, backoff: this.#backoff.size, unschedulable: this.#unschedulable.size, inFlight: this.#inFlight.size };
  }

  /** True when the pod is anywhere in the queue or in flight. */
  has(key: string): boolean {
    return this.#active.has(key) || this.#backoff.has(key) || this.#unschedulable.has(key) || this.#inFlight.has(key);
  }

  /**
   * A pending pod was created or changed. A new one goes to active; a queued one keeps
   * its place with the new object, except that an unschedulable one whose spec or
   * metadata changed is tried again (status-only changes, such as the scheduler's own
   * condition, leave it where it is).
   */
  upsert(pod: PodInfo, now: number): void {
    this.#gone.delete(pod.key);
    const inFlight = this.#inFlight.get(pod.key);
    if (inFlight !== undefined) {
      inFlight.pod = pod;
      return;
    }
    const queued = this.#active.get(pod.key) ?? this.#backoff.get(pod.key);
    if (queued !== undefined) {
      queued.pod = pod;
      if (this.#active.has(pod.key)) this.#active.push(queued);
      return;
    }
    const waiting = this.#unschedulable.get(pod.key);
    if (waiting !== undefined) {
      const changed = specChanged(waiting.pod, pod);
      waiting.pod = pod;
      if (changed) {
        this.#unschedulable.delete(pod.key);
        this.#toActiveOrBackoff(waiting, now);
      }
      return;
    }
    this.#active.push({ key: pod.key, pod, attempts: 0, timestamp: now, firstQueued: now, rejectedBy: new Set(), backoffUntil: 0, cycle: 0 });
  }

  /** The pod is gone or no longer pending (deleted, or bound). */
  delete(key: string): void {
    this.#active.remove(key);
    this.#backoff.remove(key);
    this.#unschedulable.delete(key);
    if (this.#inFlight.has(key)) this.#gone.add(key);
  }

  /** The next pod to try (it is in flight until handed back), or undefined when none is ready. */
  pop(): QueuedPod | undefined {
    const item = this.#active.pop();
    if (item === undefined) return undefined;
    this.#cycle++;
    item.attempts++;
    item.cycle = this.#cycle;
    this.#inFlight.set(item.key, item);
    return item;
  }

  /** The pod left the queue for good (bound, or no longer ours). */
  done(key: string): void {
    this.#inFlight.delete(key);
    this.#gone.delete(key);
  }

  /** No node fit `item`; `rejectedBy` names the plugins that said no. */
  requeueUnschedulable(item: QueuedPod, rejectedBy: ReadonlySet<string>, now: number): void {
    if (!this.#release(item)) return;
    item.rejectedBy = rejectedBy;
    item.timestamp = now;
    item.backoffUntil = now + this.#backoffMs(item.attempts);
    const missed = [...this.#eventCycles].some(([event, cycle]) => cycle >= item.cycle && concerned(event, rejectedBy));
    if (missed) this.#backoff.push(item);
    else this.#unschedulable.set(item.key, item);
  }

  /** Trying `item` failed for another reason (an API error): retry after its backoff. */
  requeueBackoff(item: QueuedPod, now: number): void {
    if (!this.#release(item)) return;
    item.timestamp = now;
    item.backoffUntil = now + this.#backoffMs(item.attempts);
    this.#backoff.push(item);
  }

  /** Something changed in the cluster: unschedulable pods it may help are tried again. */
  onEvent(event: ClusterEvent, now: number): void {
    this.#eventCycles.set(event, this.#cycle);
    for (const [key, item] of this.#unschedulable) {
      if (!concerned(event, item.rejectedBy)) continue;
      this.#unschedulable.delete(key);
      this.#toActiveOrBackoff(item, now);
    }
  }

  /** Moves pods whose backoff ended to active, and pods unschedulable for too long out of unschedulable. */
  flush(now: number): void {
    for (let next = this.#backoff.peek(); next !== undefined && next.backoffUntil <= now; next = this.#backoff.peek()) {
      this.#backoff.pop();
      next.timestamp = now;
      this.#active.push(next);
    }
    // Scanning every parked pod on each pop would cost a lot with many of them; once a second is plenty for a 5-minute limit.
    if (now - this.#lastUnschedulableScan < unschedulableScanMs) return;
    this.#lastUnschedulableScan = now;
    for (const [key, item] of this.#unschedulable) {
      if (now - item.timestamp < this.#maxUnschedulableMs) continue;
      this.#unschedulable.delete(key);
      this.#toActiveOrBackoff(item, now);
    }
  }

  /** When `flush` next has something to do; undefined when nothing waits. */
  nextFlushAt(): number | undefined {
    let at = this.#backoff.peek()?.backoffUntil;
    for (const item of this.#unschedulable.values()) {
      const due = item.timestamp + this.#maxUnschedulableMs;
      if (at === undefined || due < at) at = due;
    }
    return at;
  }

  /** kube-scheduler's backoff: the initial delay doubled per earlier attempt, capped. */
  #backoffMs(attempts: number): number {
    let delay = this.#initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      delay *= 2;
      if (delay >= this.#maxBackoffMs) return this.#maxBackoffMs;
    }
    return Math.min(delay, this.#maxBackoffMs);
  }

  #release(item: QueuedPod): boolean {
    this.#inFlight.delete(item.key);
    if (!this.#gone.has(item.key)) return true;
    this.#gone.delete(item.key);
    return false;
  }

  #toActiveOrBackoff(item: QueuedPod, now: number): void {
    if (item.backoffUntil > now) this.#backoff.push(item);
    else {
      item.timestamp = now;
      this.#active.push(item);
    }
  }
}

/** True when the pod's metadata (besides bookkeeping) or spec differ: a status-only update is not a change. */
function specChanged(before: PodInfo, after: PodInfo): boolean {
  const strip = (info: PodInfo): string => {
    const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...metadata } = info.pod.metadata;
    return JSON.stringify([metadata, info.pod.spec]);
  };
  return strip(before) !== strip(after);
}
