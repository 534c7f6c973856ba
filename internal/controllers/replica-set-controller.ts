/**
 * The ReplicaSet controller, as kube-controller-manager's: keeps the number of active
 * pods a ReplicaSet controls at spec.replicas (creating in slow-start batches, deleting
 * the least useful pods first), adopts and releases pods by selector, waits for its own
 * creates and deletes to come back through the watch before acting again (expectations),
 * and reports replicas, fullyLabeled/ready/available counts and ReplicaFailure in status.
 */
import { ApiStatusError, realClock, WorkQueue, type ApiClient, type Clock, type Informer, type ResourceClient } from '../client/index.ts';
import type { EventRecorder } from '../agent/events.ts';
import type { Logger } from '../util/log.ts';
import { claimObjects, isNotFound } from './claims.ts';
import { Expectations } from './expectations.ts';
import { selectorMatches } from './label-selector.ts';
import { controllerRefOf, newControllerRef } from './owner-references.ts';
import { isPodActive, isPodReady } from './pod-readiness.ts';
import { runWorkers } from './queue-workers.ts';
import { PodControl } from './pod-control.ts';
import { podsToDelete, replicaDiff, replicaSetStatus, slowStartBatch, statusDiffers, type ManageError } from './replica-set-decisions.ts';
import { keyOf, plain, replicasOf, splitKey, view, type Pod, type ReplicaSet } from './workload-types.ts';

const podsByOwner = 'replicaset-controller/pods-by-controller-uid';

export interface ReplicaSetControllerOptions {
  api: ApiClient;
  replicaSets: Informer;
  pods: Informer;
  events: EventRecorder;
  log: Logger;
  clock?: Clock;
  /** Concurrent syncs (default 5, as --concurrent-replicaset-syncs). */
  workers?: number;
}

/** Reconciles ReplicaSets with their pods; `run(signal)` until the signal aborts. */
export class ReplicaSetController {
  readonly #options: ReplicaSetControllerOptions;
  readonly #clock: Clock;
  readonly #queue: WorkQueue<string>;
  readonly #expectations: Expectations;
  readonly #podApi: ResourceClient;
  readonly #rsApi: ResourceClient;
  readonly #control: PodControl;

  constructor(options: ReplicaSetControllerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#queue = new WorkQueue<string>({ clock: this.#clock });
    this.#expectations = new Expectations(this.#clock);
    this.#podApi = options.api.resource('Pod');
    this.#rsApi = options.api.resource('ReplicaSet', 'apps/v1');
    this.#control = new PodControl(this.#podApi, options.events);
    options.pods.store.addIndexer(podsByOwner, (pod) => {
      const ref = controllerRefOf(view<Pod>(pod));
      return ref === undefined ? [] : [ref.uid];
    });
  }

  /** Handles cache events and syncs with `workers` loops until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { replicaSets, pods } = this.#options;
    const removeRsHandlers = replicaSets.addHandlers({
      onAdd: (rs) => this.#queue.add(keyOf(rs)),
      onUpdate: (_previous, rs) => this.#queue.add(keyOf(rs)),
      onDelete: (rs) => {
        this.#expectations.forget(keyOf(rs));
        this.#queue.add(keyOf(rs));
      },
    });
    const removePodHandlers = pods.addHandlers({
      onAdd: (pod) => this.#podAdded(view<Pod>(pod)),
      onUpdate: (previous, pod) => this.#podUpdated(view<Pod>(previous), view<Pod>(pod)),
      onDelete: (pod) => this.#podDeleted(view<Pod>(pod)),
    });
    const stop = (): void => this.#queue.shutDown();
    signal.addEventListener('abort', stop, { once: true });
    try {
      await runWorkers({ queue: this.#queue, workers: this.#options.workers ?? 5, sync: (key) => this.sync(key), log: this.#options.log });
    } finally {
      removeRsHandlers();
      removePodHandlers();
      signal.removeEventListener('abort', stop);
    }
  }

  /** The ReplicaSet a pod's controller reference names, if it is in the cache with that uid. */
  #ownerOf(pod: Pod): ReplicaSet | undefined {
    const ref = controllerRefOf(pod);
    if (ref === undefined || ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.#options.replicaSets.store.get(`${pod.metadata.namespace ?? ''}/${ref.name}`);
    return rs !== undefined && rs.metadata.uid === ref.uid ? view<ReplicaSet>(rs) : undefined;
  }

  /** Every cached ReplicaSet in the pod's namespace whose selector matches it. */
  #selecting(pod: Pod): ReplicaSet[] {
    return this.#options.replicaSets.store
      .byIndex('namespace', pod.metadata.namespace ?? '')
      .map((rs) => view<ReplicaSet>(rs))
      .filter((rs) => selectorMatches(rs.spec.selector, pod.metadata.labels));
  }

  #podAdded(pod: Pod): void {
    if (pod.metadata.deletionTimestamp !== undefined) {
      // Seen for the first time already terminating (e.g. after a relist): count it as deleted.
      this.#podDeleted(pod);
      return;
    }
    if (controllerRefOf(pod) !== undefined) {
      const rs = this.#ownerOf(pod);
      if (rs === undefined) return;
      this.#expectations.creationObserved(keyOf(rs));
      this.#queue.add(keyOf(rs));
      return;
    }
    for (const rs of this.#selecting(pod)) this.#queue.add(keyOf(rs));
  }

  #podUpdated(previous: Pod, pod: Pod): void {
    if (previous.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    const labelsChanged = JSON.stringify(previous.metadata.labels ?? {}) !== JSON.stringify(pod.metadata.labels ?? {});
    if (pod.metadata.deletionTimestamp !== undefined) {
      // A graceful delete shows as an update first; it is the deletion the owner awaits.
      this.#podDeleted(pod);
      if (labelsChanged) this.#podDeleted(previous);
      return;
    }
    const previousRef = controllerRefOf(previous);
    const ref = controllerRefOf(pod);
    const refChanged = previousRef?.uid !== ref?.uid;
    if (refChanged && previousRef !== undefined) {
      const old = this.#ownerOf(previous);
      if (old !== undefined) this.#queue.add(keyOf(old));
    }
    if (ref !== undefined) {
      const rs = this.#ownerOf(pod);
      if (rs === undefined) return;
      this.#queue.add(keyOf(rs));
      const minReady = rs.spec.minReadySeconds ?? 0;
      // Becoming ready starts the minReadySeconds clock: look again once it has run.
      if (minReady > 0 && !isPodReady(previous) && isPodReady(pod)) this.#queue.addAfter(keyOf(rs), minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.#selecting(pod)) this.#queue.add(keyOf(rs));
  }

  #podDeleted(pod: Pod): void {
    const rs = this.#ownerOf(pod);
    if (rs === undefined) return;
    this.#expectations.deletionObserved(keyOf(rs), keyOf(pod));
    this.#queue.add(keyOf(rs));
  }

  /** One reconciliation of the ReplicaSet under `key` (namespace/name). */
  async sync(key: string): Promise<void> {
    const cached = this.#options.replicaSets.store.get(key);
    if (cached === undefined) {
      this.#expectations.forget(key);
      return;
    }
    const rs = view<ReplicaSet>(structuredClone(cached));
    const needsSync = this.#expectations.satisfied(key);
    const { namespace } = splitKey(key);
    const candidates = this.#options.pods.store
      .byIndex('namespace', namespace)
      .map((pod) => view<Pod>(pod))
      .filter(isPodActive);
    const pods = await claimObjects<Pod>({
      claimant: { uid: rs.metadata.uid ?? '', namespace, deleting: rs.metadata.deletionTimestamp !== undefined },
      selector: rs.spec.selector,
      ref: newControllerRef(rs, 'apps/v1', 'ReplicaSet'),
      candidates,
      canAdopt: () => this.#recheck(rs),
      patch: async (name, patch) => view<Pod>(await this.#podApi.patch(namespace, name, patch, 'strategic')),
    });
    let failure: ManageError | undefined;
    let manageError: unknown;
    if (needsSync && rs.metadata.deletionTimestamp === undefined) {
      try {
        await this.#manageReplicas(rs, pods);
      } catch (error) {
        manageError = error;
        failure = { message: error instanceof Error ? error.message : String(error) };
      }
    }
    const now = this.#clock.now();
    const status = replicaSetStatus(rs, pods, failure, now);
    const updated = statusDiffers(rs, status) ? await this.#writeStatus(rs, status) : rs;
    const minReady = updated.spec.minReadySeconds ?? 0;
    const wanted = replicasOf(updated);
    if (failure === undefined && minReady > 0 && updated.status?.readyReplicas === wanted && updated.status.availableReplicas !== wanted) {
      this.#queue.addAfter(key, minReady * 1000);
    }
    // Status first, then the retry: the failure shows in ReplicaFailure meanwhile.
    if (failure !== undefined) throw manageError;
  }

  /** Throws unless the ReplicaSet, read fresh, is the same object and not being deleted. */
  async #recheck(rs: ReplicaSet): Promise<void> {
    const fresh = await this.#rsApi.get(rs.metadata.namespace ?? '', rs.metadata.name ?? '');
    if (fresh.metadata.uid !== rs.metadata.uid) {
      throw new Error(`Cannot adopt pods for ReplicaSet ${keyOf(rs)}: it was replaced (uid ${fresh.metadata.uid ?? ''}, expected ${rs.metadata.uid ?? ''})`);
    }
    if (fresh.metadata.deletionTimestamp !== undefined) {
      throw new Error(`Cannot adopt pods for ReplicaSet ${keyOf(rs)}: it is being deleted since ${fresh.metadata.deletionTimestamp}`);
    }
  }

  async #manageReplicas(rs: ReplicaSet, pods: Pod[]): Promise<void> {
    const key = keyOf(rs);
    const diff = replicaDiff(pods.length, replicasOf(rs));
    if (diff > 0) {
      this.#expectations.expectCreations(key, diff);
      const { succeeded, error } = await slowStartBatch(diff, () => this.#control.create(rs));
      // Creates that failed or were never tried will not show up in the watch.
      for (let skipped = diff - succeeded; skipped > 0; skipped--) this.#expectations.creationObserved(key);
      if (error !== undefined) throw error;
    } else if (diff < 0) {
      const doomed = podsToDelete(pods, this.#relatedPods(rs), -diff, this.#clock.now());
      this.#expectations.expectDeletions(key, doomed.map((pod) => keyOf(pod)));
      const results = await Promise.allSettled(doomed.map((pod) => this.#deletePod(rs, pod)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    }
  }

  /** Active pods of every ReplicaSet sharing this one's controller (or just this one's). */
  #relatedPods(rs: ReplicaSet): Pod[] {
    const store = this.#options.pods.store;
    const owner = controllerRefOf(rs);
    const siblings = owner === undefined
      ? [rs]
      : this.#options.replicaSets.store
        .byIndex('namespace', rs.metadata.namespace ?? '')
        .map((other) => view<ReplicaSet>(other))
        .filter((other) => controllerRefOf(other)?.uid === owner.uid);
    return siblings.flatMap((sibling) => store.byIndex(podsByOwner, sibling.metadata.uid ?? '').map((pod) => view<Pod>(pod))).filter(isPodActive);
  }

  async #deletePod(rs: ReplicaSet, pod: Pod): Promise<void> {
    try {
      await this.#control.delete(rs, pod);
    } catch (error) {
      // The delete will never be observed: stop waiting for it.
      this.#expectations.deletionObserved(keyOf(rs), keyOf(pod));
      if (!isNotFound(error)) throw error;
    }
  }

  /** Writes status (with one fresh re-read on a conflict) and returns the stored object. */
  async #writeStatus(rs: ReplicaSet, status: ReplicaSet['status']): Promise<ReplicaSet> {
    let current = rs;
    for (let attempt = 0; ; attempt++) {
      try {
        return view<ReplicaSet>(await this.#rsApi.updateStatus(current.metadata.namespace ?? '', plain({ ...current, status })));
      } catch (error) {
        if (attempt > 0 || !(error instanceof ApiStatusError && error.code === 409)) throw error;
        current = view<ReplicaSet>(await this.#rsApi.get(rs.metadata.namespace ?? '', rs.metadata.name ?? ''));
        // A newer generation must be reported as observed only after it was acted on.
        if (current.metadata.generation !== rs.metadata.generation) throw error;
      }
    }
  }
}
