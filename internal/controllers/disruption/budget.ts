/**
 * A PodDisruptionBudget's status as kube-controller-manager's disruption controller
 * computes it, as pure functions: which pods it covers, how many must stay healthy,
 * how many are, and so how many may be disrupted now. The eviction subresource reads
 * the same status and writes disruptedPods; entries older than two minutes are dropped.
 */
import { selectorMatches } from '../label-selector.ts';
import { isPodReady } from '../pod-readiness.ts';
import type { LabelSelector, Pod } from '../workload-types.ts';
import { scaledValue as scaledReplicas } from '../deployment-rollout.ts';
import { timestamp } from '../../api/meta.ts';

/** How long an approved eviction is expected to take before its pod counts as healthy again. */
export const deletionTimeoutMs = 2 * 60_000;

export interface BudgetCondition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface BudgetSpec {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  selector?: LabelSelector | null;
  unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
}

export interface BudgetStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: BudgetCondition[];
}

export interface Budget {
  metadata: { name?: string; namespace?: string; generation?: number; uid?: string; resourceVersion?: string };
  spec?: BudgetSpec;
  status?: BudgetStatus;
}

/** Pods counted towards the budget's expected count: a number, or why it cannot be known. */
export type ExpectedScale = { scale: number; unmanaged: string[] } | { error: string };

/** A v1 budget's selector: a missing one covers no pod, an empty one every pod of the namespace. */
export function budgetCovers(budget: Budget, pod: Pod): boolean {
  const selector = budget.spec?.selector;
  if (selector === undefined || selector === null) return false;
  return budget.metadata.namespace === pod.metadata.namespace && selectorMatches(selector, pod.metadata.labels);
}

/** intstr's scaled value rounding up: an int as is, "N%" of `total`; throws on anything else. */
export function scaledValue(value: number | string, total: number): number {
  try {
    return scaledReplicas(value, total, true);
  } catch {
    // The budget's status reports it in the disruption controller's words.
    throw new Error('invalid value for IntOrString: invalid type: string is not a percentage');
  }
}

/** Whether the budget needs the scale of the pods' controllers (maxUnavailable, or a percentage minAvailable). */
export function needsScale(spec: BudgetSpec | undefined): boolean {
  if (spec?.maxUnavailable !== undefined && spec.maxUnavailable !== null) return true;
  return typeof spec?.minAvailable === 'string';
}

/** Expected pods and desired healthy pods; `scale` is consulted only when `needsScale`. */
export function expectedAndDesired(spec: BudgetSpec | undefined, podCount: number, scale: number): { expected: number; desired: number } {
  if (spec?.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    return { expected: scale, desired: Math.max(0, scale - scaledValue(spec.maxUnavailable, scale)) };
  }
  if (typeof spec?.minAvailable === 'number') return { expected: podCount, desired: spec.minAvailable };
  if (typeof spec?.minAvailable === 'string') return { expected: scale, desired: scaledValue(spec.minAvailable, scale) };
  return { expected: 0, desired: 0 };
}

/**
 * The disruptedPods entries still pending: pods that exist, are not being deleted and whose
 * eviction was approved less than two minutes ago. Also when the next entry expires.
 */
export function pendingDisruptions(disrupted: Readonly<Record<string, string>> | undefined, pods: readonly Pod[], nowMs: number): { pending: Record<string, string>; recheckAtMs: number | null; expired: string[] } {
  const pending: Record<string, string> = {};
  const expired: string[] = [];
  let recheckAtMs: number | null = null;
  if (disrupted === undefined) return { pending, recheckAtMs, expired };
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    const at = disrupted[name];
    if (pod.metadata.deletionTimestamp !== undefined || at === undefined) continue;
    const due = Date.parse(at) + deletionTimeoutMs;
    if (!(due >= nowMs)) {
      expired.push(name);
      continue;
    }
    pending[name] = at;
    recheckAtMs = recheckAtMs === null ? due : Math.min(recheckAtMs, due);
  }
  return { pending, recheckAtMs, expired };
}

/** Ready pods that are neither being deleted nor about to be (pending disruptions). */
export function countHealthy(pods: readonly Pod[], pending: Readonly<Record<string, string>>): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp !== undefined || pending[pod.metadata.name ?? ''] !== undefined) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

/** The DisruptionAllowed condition for `status`, keeping the transition time while the status holds. */
export function withAllowedCondition(status: BudgetStatus, now: string, failure?: string): BudgetStatus {
  const allowed = failure === undefined && status.disruptionsAllowed > 0;
  const reason = failure !== undefined ? 'SyncFailed' : allowed ? 'SufficientPods' : 'InsufficientPods';
  const previous = status.conditions?.find((c) => c.type === 'DisruptionAllowed');
  const condition: BudgetCondition = {
    type: 'DisruptionAllowed',
    status: allowed ? 'True' : 'False',
    reason,
    message: failure ?? '',
    lastTransitionTime: previous !== undefined && previous.status === (allowed ? 'True' : 'False') ? previous.lastTransitionTime : now,
  };
  if (status.observedGeneration !== undefined) condition.observedGeneration = status.observedGeneration;
  return { ...status, conditions: [...(status.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed'), condition] };
}

/**
 * The budget's status from its covered pods at `nowMs`. `expected` is the pods' controllers'
 * total scale where the budget needs it; an error there fails the sync safely (nothing allowed).
 */
export function budgetStatus(budget: Budget, pods: readonly Pod[], expected: ExpectedScale, nowMs: number): { status: BudgetStatus; recheckAtMs: number | null; expired: string[] } {
  const now = timestamp(nowMs);
  const previous = budget.status;
  const generation = budget.metadata.generation;
  const { pending, recheckAtMs, expired } = pendingDisruptions(previous?.disruptedPods, pods, nowMs);
  let counts: { expected: number; desired: number };
  try {
    if ('error' in expected) throw new Error(expected.error);
    counts = expectedAndDesired(budget.spec, pods.length, expected.scale);
  } catch (error) {
    const failed: BudgetStatus = { ...(previous ?? { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }), disruptionsAllowed: 0, observedGeneration: generation };
    return { status: withAllowedCondition(failed, now, error instanceof Error ? error.message : String(error)), recheckAtMs: null, expired };
  }
  const currentHealthy = countHealthy(pods, pending);
  // Nothing may go while no pod is expected: the first pods may appear before the next sync.
  const allowed = counts.expected <= 0 ? 0 : Math.max(0, currentHealthy - counts.desired);
  const status: BudgetStatus = {
    ...(generation === undefined ? {} : { observedGeneration: generation }),
    ...(Object.keys(pending).length > 0 ? { disruptedPods: pending } : {}),
    disruptionsAllowed: allowed,
    currentHealthy,
    desiredHealthy: counts.desired,
    expectedPods: counts.expected,
    ...(previous?.conditions === undefined ? {} : { conditions: previous.conditions }),
  };
  return { status: withAllowedCondition(status, now), recheckAtMs, expired };
}
