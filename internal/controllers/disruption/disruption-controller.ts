/**
 * The disruption controller of kube-controller-manager: keeps each PodDisruptionBudget's
 * status (expected, desired and current healthy pods, disruptions allowed, the pending
 * evictions in disruptedPods, the DisruptionAllowed condition) in step with its pods.
 * A budget is synced when it, one of its pods or a workload in its namespace changes, and
 * again when an approved eviction's two minutes run out. The caches of pods and workloads
 * run only while some budget exists: most clusters have none, and then pay for nothing.
 */
import type { Json, KubeObject } from '../../apiserver/objects.ts';
import { InformerFactory, objectKey, realClock, WorkQueue, type ApiClient, type Clock, type Informer } from '../../client/index.ts';
import type { EventRecorder } from '../../agent/events.ts';
import type { Logger } from '../../util/log.ts';
import { controllerRefOf } from '../owner-references.ts';
import { runWorkers } from '../queue-workers.ts';
import type { Pod } from '../workload-types.ts';
import { budgetCovers, budgetStatus, needsScale, type Budget, type ExpectedScale } from './budget.ts';

export interface DisruptionControllerOptions {
  api: ApiClient;
  log: Logger;
  events: EventRecorder;
  clock?: Clock;
  /** Parallel syncs (default 2). */
  workers?: number;
}

/** Runs the controller until `signal` aborts. */
export async function runDisruptionController(options: DisruptionControllerOptions, signal: AbortSignal): Promise<void> {
  const { api, log, events } = options;
  const clock = options.clock ?? realClock;
  const factory = new InformerFactory(api, { onError: (error) => log.debug('watch retrying', { error }) });
  const budgets = factory.informer<KubeObject>('PodDisruptionBudget');
  const queue = new WorkQueue<string>({ clock });
  const enqueueForPod = (object: KubeObject): void => {
    for (const budget of budgets.store.byIndex('namespace', object.metadata.namespace ?? '')) {
      if (budgetCovers(budget as Budget, object as unknown as Pod)) queue.add(objectKey(budget));
    }
  };
  const enqueueNamespace = (object: KubeObject): void => {
    for (const budget of budgets.store.byIndex('namespace', object.metadata.namespace ?? '')) {
      if (needsScale((budget as Budget).spec)) queue.add(objectKey(budget));
    }
  };
  let covered: Covered | undefined;
  const startCovered = (): Covered => {
    const stop = new AbortController();
    const coveredFactory = new InformerFactory(api, { onError: (error) => log.debug('watch retrying', { error }) });
    const pods = coveredFactory.informer<KubeObject>('Pod');
    const workloads: Workloads = {
      ReplicaSet: coveredFactory.informer<KubeObject>('ReplicaSet'),
      Deployment: coveredFactory.informer<KubeObject>('Deployment'),
      StatefulSet: coveredFactory.informer<KubeObject>('StatefulSet'),
    };
    pods.addHandlers({
      onAdd: enqueueForPod,
      onUpdate: (before, after) => {
        enqueueForPod(after);
        if (JSON.stringify(before.metadata.labels ?? {}) !== JSON.stringify(after.metadata.labels ?? {})) enqueueForPod(before);
      },
      onDelete: enqueueForPod,
    });
    for (const informer of Object.values(workloads)) {
      informer.addHandlers({ onAdd: enqueueNamespace, onUpdate: (before, after) => replicasOf(before) !== replicasOf(after) && enqueueNamespace(after), onDelete: enqueueNamespace });
    }
    coveredFactory.start(AbortSignal.any([signal, stop.signal]));
    return { pods, workloads, stop: async () => (stop.abort(), await coveredFactory.stopped()) };
  };
  budgets.addHandlers({
    onAdd: (b) => queue.add(objectKey(b)),
    onUpdate: (_, b) => queue.add(objectKey(b)),
    onDelete: () => {
      if (budgets.store.size > 0 || covered === undefined) return;
      void covered.stop();
      covered = undefined;
    },
  });
  const statusApi = api.resource('PodDisruptionBudget', 'policy/v1');

  const sync = async (key: string): Promise<void> => {
    const object = budgets.store.get(key);
    if (object === undefined) return;
    const budget = object as Budget;
    covered ??= startCovered();
    const { pods, workloads } = covered;
    if (!(await pods.waitForSync(signal)) || !(await Promise.all(Object.values(workloads).map((w) => w.waitForSync(signal)))).every(Boolean)) return;
    const coveredPods = pods.store.byIndex('namespace', budget.metadata.namespace ?? '').map((p) => p as unknown as Pod).filter((p) => budgetCovers(budget, p));
    const ref = { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1', namespace: budget.metadata.namespace, name: budget.metadata.name ?? '', uid: budget.metadata.uid };
    if (coveredPods.length === 0) events.record({ object: ref, type: 'Normal', reason: 'NoPods', message: 'No matching pods found' });
    const expected: ExpectedScale = needsScale(budget.spec) ? expectedScale(coveredPods, workloads) : { scale: 0, unmanaged: [] };
    if ('error' in expected) {
      events.record({ object: ref, type: 'Warning', reason: 'CalculateExpectedPodCountFailed', message: `Failed to calculate the number of expected pods: ${expected.error}` });
    } else if (expected.unmanaged.length > 0) {
      events.record({
        object: ref,
        type: 'Warning',
        reason: 'UnmanagedPods',
        message: 'Pods selected by this PodDisruptionBudget were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.',
      });
    }
    const { status, recheckAtMs, expired } = budgetStatus(budget, coveredPods, expected, clock.now());
    for (const name of expired) {
      events.record({ object: { kind: 'Pod', apiVersion: 'v1', namespace: budget.metadata.namespace, name }, type: 'Warning', reason: 'NotDeleted', message: `Pod was expected by PDB ${budget.metadata.namespace ?? ''}/${budget.metadata.name ?? ''} to be deleted but it wasn't` });
    }
    if (JSON.stringify(status) !== JSON.stringify(budget.status ?? null)) {
      await statusApi.updateStatus(budget.metadata.namespace ?? null, { ...object, status: status as unknown as Json }, { fieldManager: 'disruption-controller' });
    }
    if (recheckAtMs !== null) queue.addAfter(key, Math.max(0, recheckAtMs - clock.now()) + 1);
  };

  factory.start(signal);
  signal.addEventListener('abort', () => queue.shutDown(), { once: true });
  try {
    if (!(await factory.waitForSync(signal))) return;
    log.info('disruption controller started');
    await runWorkers({ queue, workers: options.workers ?? 2, sync, log });
  } finally {
    queue.shutDown();
    await covered?.stop();
    await factory.stopped();
  }
}

interface Covered {
  pods: Informer<KubeObject>;
  workloads: Workloads;
  stop(): Promise<void>;
}

type Workloads = Record<'ReplicaSet' | 'Deployment' | 'StatefulSet', Informer<KubeObject>>;

/**
 * The total replicas of the pods' controllers, each counted once (a ReplicaSet of a
 * Deployment counts as the Deployment). Pods without a controller are listed apart; a
 * controller that cannot be found or has no scale is an error, as upstream.
 */
export function expectedScale(pods: readonly Pod[], workloads: Workloads): ExpectedScale {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = controllerRefOf(pod);
    if (ref === undefined) {
      unmanaged.push(pod.metadata.name ?? '');
      continue;
    }
    const found = findScale(ref.kind, pod.metadata.namespace ?? '', ref.name, ref.uid, workloads);
    if (found === undefined) return { error: `found no controllers for pod "${pod.metadata.name ?? ''}"` };
    scales.set(found.uid, found.replicas);
  }
  let scale = 0;
  for (const replicas of scales.values()) scale += replicas;
  return { scale, unmanaged };
}

function findScale(kind: string, namespace: string, name: string, uid: string, workloads: Workloads): { uid: string; replicas: number } | undefined {
  if (kind !== 'ReplicaSet' && kind !== 'StatefulSet') return undefined;
  const owner = workloads[kind].store.get(`${namespace}/${name}`);
  if (owner === undefined || owner.metadata.uid !== uid) return undefined;
  if (kind === 'ReplicaSet') {
    const deploymentRef = controllerRefOf(owner as unknown as Pod);
    if (deploymentRef?.kind === 'Deployment') {
      const deployment = workloads.Deployment.store.get(`${namespace}/${deploymentRef.name}`);
      if (deployment !== undefined && deployment.metadata.uid === deploymentRef.uid) return { uid: deploymentRef.uid, replicas: replicasOf(deployment) };
    }
  }
  return { uid, replicas: replicasOf(owner) };
}

function replicasOf(object: KubeObject): number {
  const spec = object.spec as { replicas?: unknown } | undefined;
  return typeof spec?.replicas === 'number' ? spec.replicas : 1;
}
