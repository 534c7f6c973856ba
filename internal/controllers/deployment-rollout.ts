/**
 * A Deployment's rollout arithmetic as pure functions, after kube-controller-manager:
 * maxSurge/maxUnavailable (ints or percentages; surge rounds up, unavailable down, and
 * both zero means one unavailable), how far the new ReplicaSet may grow, how far old
 * ones may shrink, and proportional scaling of every active ReplicaSet when the
 * Deployment is resized mid-rollout. Each plan returns the sizes to set, in order.
 */
import { byCreation, desiredReplicasAnnotation, maxReplicasAnnotation } from './deployment-revisions.ts';
import { replicasOf, type Deployment, type ReplicaSet, type RollingUpdate } from './workload-types.ts';

/** One ReplicaSet to resize. */
export interface ScaleStep {
  rs: ReplicaSet;
  replicas: number;
}

/** An int, or a percentage of `total` rounded up or down; anything else is an error. */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const match = /^(\d+)%$/.exec(value);
  if (match?.[1] === undefined) throw new Error(`Cannot use ${JSON.stringify(value)} as a replica count: it must be an integer or a percentage such as "25%"`);
  const exact = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function isRollingUpdate(deployment: Deployment): boolean {
  return (deployment.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** Surge and unavailability in pods for `desired` replicas; never both zero. */
export function resolveFenceposts(rolling: RollingUpdate | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(rolling?.maxSurge, desired, true);
  let unavailable = scaledValue(rolling?.maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** Pods the Deployment may run above spec.replicas (0 for Recreate). */
export function maxSurge(deployment: Deployment): number {
  if (!isRollingUpdate(deployment)) return 0;
  return resolveFenceposts(deployment.spec.strategy?.rollingUpdate, replicasOf(deployment)).surge;
}

/** Pods that may be unavailable, at most spec.replicas (0 for Recreate or zero replicas). */
export function maxUnavailable(deployment: Deployment): number {
  const replicas = replicasOf(deployment);
  if (!isRollingUpdate(deployment) || replicas === 0) return 0;
  return Math.min(resolveFenceposts(deployment.spec.strategy?.rollingUpdate, replicas).unavailable, replicas);
}

const specReplicas = (sets: readonly ReplicaSet[]): number => sets.reduce((sum, rs) => sum + (rs.spec.replicas ?? 0), 0);
const statusReplicas = (sets: readonly ReplicaSet[]): number => sets.reduce((sum, rs) => sum + (rs.status?.replicas ?? 0), 0);
const availableReplicas = (sets: readonly ReplicaSet[]): number => sets.reduce((sum, rs) => sum + (rs.status?.availableReplicas ?? 0), 0);
const readyReplicas = (sets: readonly ReplicaSet[]): number => sets.reduce((sum, rs) => sum + (rs.status?.readyReplicas ?? 0), 0);

/** Sums over ReplicaSets: spec.replicas, status.replicas, available and ready. */
export const sums = { specReplicas, statusReplicas, availableReplicas, readyReplicas };

/** ReplicaSets with spec.replicas above zero. */
export function active(sets: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return sets.filter((rs): rs is ReplicaSet => rs !== undefined && (rs.spec.replicas ?? 0) > 0);
}

/** The size the new ReplicaSet may grow to now: up to spec.replicas without the total passing replicas + maxSurge. */
export function newReplicaSetReplicas(deployment: Deployment, all: readonly ReplicaSet[], newRs: ReplicaSet): number {
  const current = newRs.spec.replicas ?? 0;
  const replicas = replicasOf(deployment);
  if (!isRollingUpdate(deployment)) return replicas;
  const surge = scaledValue(deployment.spec.strategy?.rollingUpdate?.maxSurge, replicas, true);
  const total = specReplicas(all);
  const maxTotal = replicas + surge;
  if (total >= maxTotal) return current;
  return current + Math.max(0, Math.min(maxTotal - total, replicas - current));
}

/**
 * Old ReplicaSets to shrink during a rolling update: first the pods that are not
 * available (they hold nothing up), then available ones while more than
 * replicas - maxUnavailable stay available. `all` is every ReplicaSet of the Deployment,
 * `olds` the active old ones. Returns the steps, oldest ReplicaSet first.
 */
export function scaleDownOldPlan(deployment: Deployment, all: readonly ReplicaSet[], olds: readonly ReplicaSet[], newRs: ReplicaSet): ScaleStep[] {
  if (specReplicas(olds) === 0) return [];
  const minAvailable = replicasOf(deployment) - maxUnavailable(deployment);
  const newUnavailable = (newRs.spec.replicas ?? 0) - (newRs.status?.availableReplicas ?? 0);
  const budget = specReplicas(all) - minAvailable - newUnavailable;
  if (budget <= 0) return [];
  const sizes = new Map<ReplicaSet, number>(olds.map((rs) => [rs, rs.spec.replicas ?? 0]));
  const ordered = [...olds].sort(byCreation);
  let cleaned = 0;
  for (const rs of ordered) {
    if (cleaned >= budget) break;
    const size = sizes.get(rs) ?? 0;
    const unhealthy = size - (rs.status?.availableReplicas ?? 0);
    if (size === 0 || unhealthy <= 0) continue;
    const cut = Math.min(budget - cleaned, unhealthy);
    sizes.set(rs, size - cut);
    cleaned += cut;
  }
  // Only the new and the still active old ReplicaSets count: pods of scaled-down ones are on their way out.
  const available = availableReplicas([...olds, newRs]);
  let toRemove = available - minAvailable;
  for (const rs of ordered) {
    if (toRemove <= 0) break;
    const size = sizes.get(rs) ?? 0;
    if (size === 0) continue;
    const cut = Math.min(size, toRemove);
    sizes.set(rs, size - cut);
    toRemove -= cut;
  }
  return ordered.filter((rs) => sizes.get(rs) !== (rs.spec.replicas ?? 0)).map((rs) => ({ rs, replicas: sizes.get(rs) ?? 0 }));
}

function annotationInt(rs: ReplicaSet, key: string): number | undefined {
  const text = rs.metadata.annotations?.[key];
  const value = text === undefined ? NaN : Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** The new ReplicaSet runs every replica, all available, at the Deployment's current size. */
export function isSaturated(deployment: Deployment, rs: ReplicaSet | undefined): boolean {
  if (rs === undefined) return false;
  const replicas = replicasOf(deployment);
  return (rs.spec.replicas ?? 0) === replicas && annotationInt(rs, desiredReplicasAnnotation) === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

/** The only active ReplicaSet, or with none active the new one (else the newest old one); undefined when several are active. */
export function activeOrLatest(newRs: ReplicaSet | undefined, olds: readonly ReplicaSet[]): ReplicaSet | undefined {
  const newestFirst = [...olds].sort((a, b) => byCreation(b, a));
  const running = active([...newestFirst, newRs]);
  if (running.length === 1) return running[0];
  if (running.length === 0) return newRs ?? newestFirst[0];
  return undefined;
}

/** This ReplicaSet's share of a resize, from its size relative to the Deployment's size when it was last scaled. */
function proportion(rs: ReplicaSet, deployment: Deployment, toAdd: number, added: number): number {
  const size = rs.spec.replicas ?? 0;
  if (size === 0 || toAdd === 0 || toAdd === added) return 0;
  const replicas = replicasOf(deployment);
  let fraction: number;
  if (replicas === 0) fraction = -size;
  else {
    const maxNow = replicas + maxSurge(deployment);
    let maxBefore = annotationInt(rs, maxReplicasAnnotation) ?? 0;
    if (maxBefore === 0) maxBefore = deployment.status?.replicas ?? 0;
    // Sizes are never negative here, so Math.round rounds halves away from zero as Go's math.Round does.
    fraction = maxBefore === 0 ? 0 : Math.round((size * maxNow) / maxBefore) - size;
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * Sizes after the Deployment was resized. One active ReplicaSet (or none) takes the whole
 * size; a saturated new one means every old one goes to zero; otherwise, in a rolling
 * update, the difference to replicas + maxSurge is shared in proportion to size (larger
 * first; newer first when growing, older first when shrinking), leftovers to the first.
 * Steps whose size would not change are included so annotations get refreshed.
 */
export function proportionalScalePlan(deployment: Deployment, newRs: ReplicaSet | undefined, olds: readonly ReplicaSet[]): ScaleStep[] {
  const replicas = replicasOf(deployment);
  const only = activeOrLatest(newRs, olds);
  if (only !== undefined) return (only.spec.replicas ?? 0) === replicas ? [] : [{ rs: only, replicas }];
  if (isSaturated(deployment, newRs)) return active(olds).map((rs) => ({ rs, replicas: 0 }));
  if (!isRollingUpdate(deployment)) return [];
  const sets = active([...olds, newRs]);
  const allowed = replicas > 0 ? replicas + maxSurge(deployment) : 0;
  const toAdd = allowed - specReplicas(sets);
  const bigFirst = (newerFirst: boolean) => (a: ReplicaSet, b: ReplicaSet): number => {
    const diff = (b.spec.replicas ?? 0) - (a.spec.replicas ?? 0);
    if (diff !== 0) return diff;
    return newerFirst ? byCreation(b, a) : byCreation(a, b);
  };
  if (toAdd > 0) sets.sort(bigFirst(true));
  else if (toAdd < 0) sets.sort(bigFirst(false));
  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of sets) {
    const share = toAdd === 0 ? 0 : proportion(rs, deployment, toAdd, added);
    sizes.set(rs, (rs.spec.replicas ?? 0) + share);
    added += share;
  }
  const first = sets[0];
  if (first !== undefined && toAdd !== 0) sizes.set(first, Math.max(0, (sizes.get(first) ?? 0) + toAdd - added));
  return sets.map((rs) => ({ rs, replicas: sizes.get(rs) ?? 0 }));
}
