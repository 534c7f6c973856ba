/**
 * The Deployment controller: follows Deployments, ReplicaSets and pod deletions, claims
 * the ReplicaSets a Deployment selects (adopting orphans, releasing strays) and runs one
 * DeploymentSync per queued Deployment. The rollout logic lives in deployment-sync.ts.
 */
import { realClock, WorkQueue, type ApiClient, type Clock, type Informer, type ResourceClient } from '../client/index.ts';
import type { EventRecorder } from '../agent/events.ts';
import type { KubeObject } from '../apiserver/objects.ts';
import type { Logger } from '../util/log.ts';
import { claimObjects } from './claims.ts';
import { DeploymentSync } from './deployment-sync.ts';
import { selectorMatches, selectsEverything } from './label-selector.ts';
import { controllerRefOf, newControllerRef } from './owner-references.ts';
import { runWorkers } from './queue-workers.ts';
import { compactStatus } from './deployment-status.ts';
import { keyOf, plain, splitKey, view, type Deployment, type Pod, type ReplicaSet } from './workload-types.ts';

const setsByOwner = 'deployment-controller/replicasets-by-controller-uid';
const podsByOwner = 'deployment-controller/pods-by-controller-uid';

/** Failed syncs after which a Deployment is dropped until it or its ReplicaSets change again. */
const maxRetries = 15;

export interface DeploymentControllerOptions {
  api: ApiClient;
  deployments: Informer;
  replicaSets: Informer;
  pods: Informer;
  events: EventRecorder;
  log: Logger;
  clock?: Clock;
  /** Concurrent syncs (default 5, as --concurrent-deployment-syncs). */
  workers?: number;
}

/** Reconciles Deployments with their ReplicaSets; `run(signal)` until the signal aborts. */
export class DeploymentController {
  readonly #options: DeploymentControllerOptions;
  readonly #clock: Clock;
  readonly #queue: WorkQueue<string>;
  readonly #deployApi: ResourceClient;
  readonly #rsApi: ResourceClient;

  constructor(options: DeploymentControllerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#queue = new WorkQueue<string>({ clock: this.#clock });
    this.#deployApi = options.api.resource('Deployment', 'apps/v1');
    this.#rsApi = options.api.resource('ReplicaSet', 'apps/v1');
    const ownerUid = (object: KubeObject): string[] => {
      const ref = controllerRefOf(view<ReplicaSet>(object));
      return ref === undefined ? [] : [ref.uid];
    };
    options.replicaSets.store.addIndexer(setsByOwner, ownerUid);
    options.pods.store.addIndexer(podsByOwner, ownerUid);
  }

  /** Handles cache events and syncs with `workers` loops until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { deployments, replicaSets, pods } = this.#options;
    const removers = [
      deployments.addHandlers({
        onAdd: (d) => this.#queue.add(keyOf(d)),
        onUpdate: (_previous, d) => this.#queue.add(keyOf(d)),
        onDelete: (d) => this.#queue.add(keyOf(d)),
      }),
      replicaSets.addHandlers({
        onAdd: (rs) => this.#setChanged(undefined, view<ReplicaSet>(rs)),
        onUpdate: (previous, rs) => this.#setChanged(view<ReplicaSet>(previous), view<ReplicaSet>(rs)),
        onDelete: (rs) => this.#enqueueOwner(view<ReplicaSet>(rs)),
      }),
      // A Recreate rollout waits for the old pods to be gone.
      pods.addHandlers({ onDelete: (pod) => this.#podDeleted(view<Pod>(pod)) }),
    ];
    const stop = (): void => this.#queue.shutDown();
    signal.addEventListener('abort', stop, { once: true });
    try {
      await runWorkers({ queue: this.#queue, workers: this.#options.workers ?? 5, sync: (key) => this.sync(key), log: this.#options.log, maxRetries });
    } finally {
      for (const remove of removers) remove();
      signal.removeEventListener('abort', stop);
    }
  }

  #ownerOf(object: ReplicaSet): Deployment | undefined {
    const ref = controllerRefOf(object);
    if (ref === undefined || ref.kind !== 'Deployment') return undefined;
    const d = this.#options.deployments.store.get(`${object.metadata.namespace ?? ''}/${ref.name}`);
    return d !== undefined && d.metadata.uid === ref.uid ? view<Deployment>(d) : undefined;
  }

  #enqueueOwner(rs: ReplicaSet): void {
    const d = this.#ownerOf(rs);
    if (d !== undefined) this.#queue.add(keyOf(d));
  }

  #enqueueSelecting(rs: ReplicaSet): void {
    for (const object of this.#options.deployments.store.byIndex('namespace', rs.metadata.namespace ?? '')) {
      const d = view<Deployment>(object);
      if (!selectsEverything(d.spec.selector) && selectorMatches(d.spec.selector, rs.metadata.labels)) this.#queue.add(keyOf(d));
    }
  }

  #setChanged(previous: ReplicaSet | undefined, rs: ReplicaSet): void {
    if (previous !== undefined && previous.metadata.resourceVersion === rs.metadata.resourceVersion) return;
    const previousRef = previous === undefined ? undefined : controllerRefOf(previous);
    const ref = controllerRefOf(rs);
    if (previous !== undefined && previousRef !== undefined && previousRef.uid !== ref?.uid) this.#enqueueOwner(previous);
    if (ref !== undefined) {
      this.#enqueueOwner(rs);
      return;
    }
    const labelsChanged = previous !== undefined && JSON.stringify(previous.metadata.labels ?? {}) !== JSON.stringify(rs.metadata.labels ?? {});
    if (previous === undefined || labelsChanged || previousRef !== undefined) this.#enqueueSelecting(rs);
  }

  #podDeleted(pod: Pod): void {
    const ref = controllerRefOf(pod);
    if (ref === undefined || ref.kind !== 'ReplicaSet') return;
    const rs = this.#options.replicaSets.store.get(`${pod.metadata.namespace ?? ''}/${ref.name}`);
    if (rs === undefined || rs.metadata.uid !== ref.uid) return;
    const d = this.#ownerOf(view<ReplicaSet>(rs));
    if (d !== undefined && d.spec.strategy?.type === 'Recreate') this.#queue.add(keyOf(d));
  }

  /** One reconciliation of the Deployment under `key` (namespace/name). */
  async sync(key: string): Promise<void> {
    const cached = this.#options.deployments.store.get(key);
    if (cached === undefined) return;
    const d = view<Deployment>(structuredClone(cached));
    const { namespace } = splitKey(key);
    if (selectsEverything(d.spec.selector)) {
      this.#options.events.record({
        object: { kind: 'Deployment', apiVersion: 'apps/v1', namespace, name: d.metadata.name ?? '', uid: d.metadata.uid },
        type: 'Warning',
        reason: 'SelectingAll',
        message: 'This deployment is selecting all pods. A non-empty selector is required.',
      });
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        await this.#deployApi.updateStatus(namespace, plain({ ...d, status: compactStatus({ ...d.status, observedGeneration: d.metadata.generation ?? 0 }) }));
      }
      return;
    }
    const candidates = this.#options.replicaSets.store.byIndex('namespace', namespace).map((rs) => view<ReplicaSet>(structuredClone(rs)));
    const sets = await claimObjects<ReplicaSet>({
      claimant: { uid: d.metadata.uid ?? '', namespace, deleting: d.metadata.deletionTimestamp !== undefined },
      selector: d.spec.selector,
      ref: newControllerRef(d, 'apps/v1', 'Deployment'),
      candidates,
      canAdopt: async () => {
        const fresh = await this.#deployApi.get(namespace, d.metadata.name ?? '');
        if (fresh.metadata.uid !== d.metadata.uid) throw new Error(`Cannot adopt ReplicaSets for Deployment ${key}: it was replaced`);
        if (fresh.metadata.deletionTimestamp !== undefined) throw new Error(`Cannot adopt ReplicaSets for Deployment ${key}: it is being deleted`);
      },
      patch: async (name, patch) => view<ReplicaSet>(await this.#rsApi.patch(namespace, name, patch, 'strategic')),
    });
    const podsBySet = new Map<string, Pod[]>();
    for (const rs of sets) {
      const uid = rs.metadata.uid ?? '';
      const owned = this.#options.pods.store.byIndex(podsByOwner, uid).map((pod) => view<Pod>(pod));
      podsBySet.set(uid, owned.filter((pod) => selectorMatches(d.spec.selector, pod.metadata.labels)));
    }
    const context = {
      deployments: this.#deployApi,
      replicaSets: this.#rsApi,
      events: this.#options.events,
      clock: this.#clock,
      recheck: (k: string, ms: number) => (ms <= 0 ? this.#queue.addRateLimited(k) : this.#queue.addAfter(k, ms)),
    };
    await new DeploymentSync(context, d, sets, podsBySet).run();
  }
}
