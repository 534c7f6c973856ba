/**
 * A Deployment's status and its Available / Progressing / ReplicaFailure conditions, as
 * kube-controller-manager computes them and `kubectl rollout status` reads them. Pure:
 * time comes in as `nowMs`; condition times are whole seconds, as the API stores them.
 */
import { timestamp } from '../api/meta.ts';
import { maxUnavailable, sums } from './deployment-rollout.ts';
import { replicasOf, type Condition, type ConditionStatus, type Deployment, type DeploymentStatus, type ReplicaSet } from './workload-types.ts';

/** Condition reasons, with the values Kubernetes uses. */
export const reasons = {
  newReplicaSetCreated: 'NewReplicaSetCreated',
  foundNewReplicaSet: 'FoundNewReplicaSet',
  replicaSetUpdated: 'ReplicaSetUpdated',
  newReplicaSetAvailable: 'NewReplicaSetAvailable',
  progressDeadlineExceeded: 'ProgressDeadlineExceeded',
  failedReplicaSetCreate: 'ReplicaSetCreateError',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumReplicasAvailable: 'MinimumReplicasAvailable',
  minimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** A Deployment condition stamped `nowMs` for both its update and transition times. */
export function newCondition(type: string, status: ConditionStatus, reason: string, message: string, nowMs: number): Condition {
  const time = timestamp(nowMs);
  return { type, status, lastUpdateTime: time, lastTransitionTime: time, reason, message };
}

export function getCondition(status: DeploymentStatus | undefined, type: string): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * Puts `condition` in `status`: nothing happens when one of that type already has the
 * same status and reason; a change of reason alone keeps the old transition time.
 */
export function setCondition(status: DeploymentStatus, condition: Condition): void {
  const current = getCondition(status, condition.type);
  if (current !== undefined && current.status === condition.status && current.reason === condition.reason) return;
  const next = { ...condition };
  if (current !== undefined && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  const kept = (status.conditions ?? []).filter((c) => c.type !== type);
  if (kept.length > 0) status.conditions = kept;
  else delete status.conditions;
}

/** progressDeadlineSeconds is set (and not the "never" value 2^31-1). */
export function hasProgressDeadline(deployment: Deployment): boolean {
  const seconds = deployment.spec.progressDeadlineSeconds;
  return seconds !== undefined && seconds !== 2147483647;
}

/**
 * Counts from the ReplicaSets plus the Available condition: True while at least
 * replicas - maxUnavailable pods are available. Other conditions are carried over.
 */
export function calculateStatus(deployment: Deployment, all: readonly ReplicaSet[], newRs: ReplicaSet | undefined, nowMs: number): DeploymentStatus {
  const available = sums.availableReplicas(all);
  const status: DeploymentStatus = {
    observedGeneration: deployment.metadata.generation ?? 0,
    replicas: sums.statusReplicas(all),
    updatedReplicas: newRs === undefined ? 0 : sums.statusReplicas([newRs]),
    readyReplicas: sums.readyReplicas(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sums.specReplicas(all) - available),
  };
  if (deployment.status?.collisionCount !== undefined) status.collisionCount = deployment.status.collisionCount;
  const carried = structuredClone(deployment.status?.conditions ?? []);
  if (carried.length > 0) status.conditions = carried;
  if (available >= replicasOf(deployment) - maxUnavailable(deployment)) {
    setCondition(status, newCondition('Available', 'True', reasons.minimumReplicasAvailable, 'Deployment has minimum availability.', nowMs));
  } else {
    setCondition(status, newCondition('Available', 'False', reasons.minimumReplicasUnavailable, 'Deployment does not have minimum availability.', nowMs));
  }
  return status;
}

/** Every replica updated and available, none extra, and the latest generation seen. */
export function deploymentComplete(deployment: Deployment, status: DeploymentStatus): boolean {
  const replicas = replicasOf(deployment);
  return (
    (status.updatedReplicas ?? 0) === replicas &&
    (status.replicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas &&
    (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 0)
  );
}

/** More updated, ready or available pods than the stored status says, or fewer old ones. */
export function deploymentProgressing(deployment: Deployment, status: DeploymentStatus): boolean {
  const old = deployment.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (
    (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** The Progressing condition has not moved for progressDeadlineSeconds (or already says so). */
export function deploymentTimedOut(deployment: Deployment, status: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(deployment)) return false;
  const condition = getCondition(status, 'Progressing');
  if (condition === undefined || condition.reason === reasons.newReplicaSetAvailable) return false;
  if (condition.reason === reasons.progressDeadlineExceeded) return true;
  const from = Date.parse(condition.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + (deployment.spec.progressDeadlineSeconds ?? 0) * 1000 < nowMs;
}

/** The ReplicaFailure conditions of the new ReplicaSet, else of any ReplicaSet, as Deployment conditions. */
export function replicaFailures(all: readonly ReplicaSet[], newRs: ReplicaSet | undefined): Condition[] {
  const failuresOf = (rs: ReplicaSet): Condition[] =>
    (rs.status?.conditions ?? [])
      .filter((c) => c.type === 'ReplicaFailure')
      .map((c) => ({ type: 'ReplicaFailure', status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message }));
  const fromNew = newRs === undefined ? [] : failuresOf(newRs);
  return fromNew.length > 0 ? fromNew : all.flatMap(failuresOf);
}

/**
 * The status after a rollout step: the counts, Progressing as True/NewReplicaSetAvailable
 * once complete, True/ReplicaSetUpdated (fresh lastUpdateTime) on any progress, or
 * False/ProgressDeadlineExceeded once the deadline passed without progress; and the
 * ReplicaSets' ReplicaFailure, if any.
 */
export function rolloutStatus(deployment: Deployment, all: readonly ReplicaSet[], newRs: ReplicaSet | undefined, nowMs: number): DeploymentStatus {
  const status = calculateStatus(deployment, all, newRs, nowMs);
  if (!hasProgressDeadline(deployment)) removeCondition(status, 'Progressing');
  const current = getCondition(deployment.status, 'Progressing');
  const completeBefore = status.replicas === status.updatedReplicas && current?.reason === reasons.newReplicaSetAvailable;
  const name = deployment.metadata.name ?? '';
  const subject = newRs === undefined ? `Deployment "${name}"` : `ReplicaSet "${newRs.metadata.name ?? ''}"`;
  if (hasProgressDeadline(deployment) && !completeBefore) {
    if (deploymentComplete(deployment, status)) {
      setCondition(status, newCondition('Progressing', 'True', reasons.newReplicaSetAvailable, `${subject} has successfully progressed.`, nowMs));
    } else if (deploymentProgressing(deployment, status)) {
      const condition = newCondition('Progressing', 'True', reasons.replicaSetUpdated, `${subject} is progressing.`, nowMs);
      // Progress refreshes lastUpdateTime even when the reason stays the same; the transition time stays while True.
      if (current !== undefined) {
        if (current.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, 'Progressing');
      }
      setCondition(status, condition);
    } else if (deploymentTimedOut(deployment, status, nowMs)) {
      setCondition(status, newCondition('Progressing', 'False', reasons.progressDeadlineExceeded, `${subject} has timed out progressing.`, nowMs));
    }
  }
  const failure = replicaFailures(all, newRs)[0];
  if (failure !== undefined) setCondition(status, failure);
  else removeCondition(status, 'ReplicaFailure');
  return status;
}

/**
 * When to look at a Deployment again to notice it missing its deadline: undefined when
 * there is nothing to watch for (no deadline, no Progressing condition, complete, or
 * already timed out), otherwise ms until the deadline (at least 0).
 */
export function stuckRecheckMs(deployment: Deployment, status: DeploymentStatus, nowMs: number): number | undefined {
  const current = getCondition(deployment.status, 'Progressing');
  if (!hasProgressDeadline(deployment) || current === undefined) return undefined;
  if (deploymentComplete(deployment, status) || current.reason === reasons.progressDeadlineExceeded) return undefined;
  const from = Date.parse(current.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return undefined;
  return Math.max(0, from + (deployment.spec.progressDeadlineSeconds ?? 0) * 1000 - nowMs);
}

/**
 * `status` as the API shows it: counts of zero left out (they are omitempty upstream), so
 * a status read back compares equal to the one computed.
 */
export function compactStatus(status: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = {};
  for (const [key, value] of Object.entries(status) as [keyof DeploymentStatus, DeploymentStatus[keyof DeploymentStatus]][]) {
    if (value === undefined || value === 0 || (Array.isArray(value) && value.length === 0)) continue;
    Object.assign(out, { [key]: value });
  }
  return out;
}

/** Whether two statuses say the same, zero counts and missing ones alike. */
export function sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  return JSON.stringify(sortedKeys(compactStatus(a ?? {}))) === JSON.stringify(sortedKeys(compactStatus(b ?? {})));
}

function sortedKeys(status: DeploymentStatus): unknown {
  const conditions = status.conditions?.map((c) => Object.fromEntries(Object.entries(c).sort(([x], [y]) => (x < y ? -1 : 1))));
  return Object.fromEntries(Object.entries({ ...status, conditions }).filter(([, v]) => v !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)));
}
