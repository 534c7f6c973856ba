/**
 * The ReplicaSet controller's decisions as pure functions: how many pods to create or
 * delete, in which batches, which pods go first when scaling down, and the status that
 * results. The controller (replica-set-controller.ts) feeds them its cache and acts.
 */
import type { KubeObject, ObjectMeta } from '../apiserver/objects.ts';
import { timestamp } from '../api/meta.ts';
import { newControllerRef } from './owner-references.ts';
import { isPodActive, isPodAvailable, isPodReady, readySinceMs } from './pod-readiness.ts';
import { createdMs, replicasOf, type Condition, type Pod, type ReplicaSet, type ReplicaSetStatus } from './workload-types.ts';

/** At most this many creates or deletes per sync, as kube-controller-manager's burstReplicas. */
export const burstReplicas = 500;

/** The first batch of creates has one pod; each later batch doubles (1, 2, 4, …). */
export const slowStartInitialBatch = 1;

/** Pods to create (positive) or delete (negative) to go from `active` to `wanted`, capped at the burst. */
export function replicaDiff(active: number, wanted: number): number {
  const diff = wanted - active;
  return Math.sign(diff) * Math.min(Math.abs(diff), burstReplicas);
}

/** The batch sizes slow start uses for `count` creates: 1, 2, 4, … until the rest fits. */
export function slowStartBatches(count: number, initial = slowStartInitialBatch): number[] {
  const batches: number[] = [];
  let remaining = count;
  let size = Math.min(remaining, initial);
  while (size > 0) {
    batches.push(size);
    remaining -= size;
    size = Math.min(2 * size, remaining);
  }
  return batches;
}

/**
 * Runs `create` `count` times in slow-start batches: a batch runs in parallel, and a batch
 * with any failure ends the run, so a create that keeps failing (quota, admission) costs
 * one call rather than `count`. Returns how many succeeded and the first error.
 */
export async function slowStartBatch(count: number, create: () => Promise<void>, initial = slowStartInitialBatch): Promise<{ succeeded: number; error: unknown }> {
  let succeeded = 0;
  for (const size of slowStartBatches(count, initial)) {
    const results = await Promise.allSettled(Array.from({ length: size }, () => create()));
    let firstError: unknown;
    for (const result of results) {
      if (result.status === 'fulfilled') succeeded++;
      else firstError ??= result.reason;
    }
    if (firstError !== undefined) return { succeeded, error: firstError };
  }
  return { succeeded, error: undefined };
}

const phaseOrder: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const value = Number(pod.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'] ?? 0);
  return Number.isInteger(value) ? value : 0;
}

function maxRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));
}

/** Buckets of log2(age): pods whose ages are within a factor of two rank the same (LogarithmicScaleDown). */
function ageRank(sinceMs: number, nowMs: number): number {
  const age = nowMs - sinceMs;
  return age > 0 ? Math.floor(Math.log2(age * 1e6)) : -1;
}

/** Negative when `a` should be deleted before `b`; compares two time stamps, newer (or missing) first. */
function newerFirst(a: number | undefined, b: number | undefined, uidA: string, uidB: string, nowMs: number): number {
  const known = (ms: number | undefined): ms is number => ms !== undefined && ms !== 0;
  if (!known(a) || !known(b)) return known(a) === known(b) ? 0 : known(a) ? 1 : -1;
  if (a === b) return 0;
  const diff = ageRank(a, nowMs) - ageRank(b, nowMs);
  if (diff !== 0) return diff;
  return uidA < uidB ? -1 : uidA > uidB ? 1 : 0;
}

/**
 * Orders pods for deletion, first to go first: unscheduled before scheduled; Pending,
 * Unknown, then Running; not ready before ready; lower deletion cost first; pods sharing
 * a node with more of their kind first; ready for a shorter time first; more restarts
 * first; newer first. `rank` gives each pod's count of related pods on its node.
 */
export function deletionOrder(pods: readonly Pod[], rank: (pod: Pod) => number, nowMs: number): Pod[] {
  return [...pods].sort((a, b) => {
    const nodeA = a.spec?.nodeName ?? '';
    const nodeB = b.spec?.nodeName ?? '';
    if (nodeA !== nodeB && (nodeA === '' || nodeB === '')) return nodeA === '' ? -1 : 1;
    const phaseA = phaseOrder[a.status?.phase ?? ''] ?? 0;
    const phaseB = phaseOrder[b.status?.phase ?? ''] ?? 0;
    if (phaseA !== phaseB) return phaseA - phaseB;
    if (isPodReady(a) !== isPodReady(b)) return isPodReady(a) ? 1 : -1;
    if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
    if (rank(a) !== rank(b)) return rank(b) - rank(a);
    const uidA = a.metadata.uid ?? '';
    const uidB = b.metadata.uid ?? '';
    if (isPodReady(a) && isPodReady(b)) {
      const byReady = newerFirst(readySinceMs(a), readySinceMs(b), uidA, uidB, nowMs);
      if (byReady !== 0) return byReady;
    }
    if (maxRestarts(a) !== maxRestarts(b)) return maxRestarts(b) - maxRestarts(a);
    return newerFirst(createdMs(a), createdMs(b), uidA, uidB, nowMs);
  });
}

/**
 * The `count` pods of `pods` to delete. `related` are the active pods of every ReplicaSet
 * with the same owner (this one's included): a pod on a node crowded with them goes first.
 */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], count: number, nowMs: number): Pod[] {
  if (count >= pods.length) return [...pods];
  const perNode = new Map<string, number>();
  for (const pod of related) {
    if (!isPodActive(pod)) continue;
    const node = pod.spec?.nodeName ?? '';
    perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  return deletionOrder(pods, (pod) => perNode.get(pod.spec?.nodeName ?? '') ?? 0, nowMs).slice(0, count);
}

/** A new pod for `rs`: its template's labels, annotations, finalizers and spec, named `<rs>-<random>` by the server. */
export function podFromTemplate(rs: ReplicaSet): KubeObject {
  const template = rs.spec.template ?? {};
  const source = template.metadata ?? {};
  const metadata: ObjectMeta = {
    generateName: `${rs.metadata.name ?? ''}-`,
    namespace: rs.metadata.namespace,
    labels: { ...(source.labels ?? {}) },
    ownerReferences: [{ ...newControllerRef(rs, 'apps/v1', 'ReplicaSet') }],
  };
  if (source.annotations !== undefined) metadata.annotations = { ...source.annotations };
  if (Array.isArray(source.finalizers)) metadata.finalizers = source.finalizers.filter((f): f is string => typeof f === 'string');
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: structuredClone(template.spec ?? {}) };
}

/** A failed create or delete during the last sync, for the ReplicaFailure condition. */
export interface ManageError {
  message: string;
}

/**
 * The status of `rs` given its active, claimed pods (as seen before this sync's creates and
 * deletes). A failure sets ReplicaFailure (FailedCreate / FailedDelete) unless one is already
 * there; a clean sync removes it. observedGeneration is the RS's generation.
 */
export function replicaSetStatus(rs: ReplicaSet, pods: readonly Pod[], failure: ManageError | undefined, nowMs: number): ReplicaSetStatus {
  const templateLabels = rs.spec.template?.metadata?.labels ?? {};
  const minReady = rs.spec.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    const labels = pod.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([key, value]) => labels[key] === value)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, nowMs)) available++;
    }
  }
  let conditions: Condition[] = structuredClone(rs.status?.conditions ?? []);
  const hasFailure = conditions.some((c) => c.type === 'ReplicaFailure');
  if (failure !== undefined && !hasFailure) {
    const diff = pods.length - replicasOf(rs);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions.push({ type: 'ReplicaFailure', status: 'True', lastTransitionTime: timestamp(nowMs), reason, message: failure.message });
  } else if (failure === undefined && hasFailure) {
    conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  // Zero counts are left out, as the API's omitempty fields are (replicas is always shown).
  const status: ReplicaSetStatus = { replicas: pods.length };
  if (fullyLabeled > 0) status.fullyLabeledReplicas = fullyLabeled;
  if (ready > 0) status.readyReplicas = ready;
  if (available > 0) status.availableReplicas = available;
  if ((rs.metadata.generation ?? 0) > 0) status.observedGeneration = rs.metadata.generation;
  if (conditions.length > 0) status.conditions = conditions;
  return status;
}

/** Whether writing `next` would change what `rs` reports (counts, observed generation, conditions). */
export function statusDiffers(rs: ReplicaSet, next: ReplicaSetStatus): boolean {
  const current = rs.status ?? { replicas: 0 };
  return (
    (current.replicas ?? 0) !== next.replicas ||
    (current.fullyLabeledReplicas ?? 0) !== (next.fullyLabeledReplicas ?? 0) ||
    (current.readyReplicas ?? 0) !== (next.readyReplicas ?? 0) ||
    (current.availableReplicas ?? 0) !== (next.availableReplicas ?? 0) ||
    (current.observedGeneration ?? 0) !== (next.observedGeneration ?? 0) ||
    JSON.stringify(current.conditions ?? []) !== JSON.stringify(next.conditions ?? [])
  );
}
