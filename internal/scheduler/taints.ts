/**
 * Taints and tolerations. A node whose Ready condition is not True is treated as
 * carrying the taint Kubernetes' node lifecycle controller would put on it
 * (node.kubernetes.io/not-ready, or .../unreachable when the status is Unknown), so
 * such nodes refuse pods with the same message a Kubernetes cluster gives, and pods
 * that tolerate the taint (DaemonSet-style) may still go there.
 */
import type { Node, Taint, Toleration } from './types.ts';

export const notReadyTaintKey = 'node.kubernetes.io/not-ready';
export const unreachableTaintKey = 'node.kubernetes.io/unreachable';
export const unschedulableTaintKey = 'node.kubernetes.io/unschedulable';

/** Kubernetes' Toleration.ToleratesTaint. */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** True when any toleration tolerates the taint. */
export function tolerated(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const toleration of tolerations) if (toleratesTaint(toleration, taint)) return true;
  return false;
}

/**
 * The first taint with an effect in `effects` that no toleration tolerates, in the
 * node's order (the one the filter names), or undefined.
 */
export function firstUntolerated(taints: readonly Taint[], tolerations: readonly Toleration[], effects: ReadonlySet<string>): Taint | undefined {
  for (const taint of taints) {
    if (effects.has(taint.effect) && !tolerated(tolerations, taint)) return taint;
  }
  return undefined;
}

/** The node's taints plus the not-ready/unreachable taint its Ready condition implies. */
export function effectiveTaints(node: Node): Taint[] {
  const taints = (node.spec?.taints ?? []).filter((t): t is Taint => typeof t?.key === 'string' && typeof t.effect === 'string');
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return taints;
  const key = ready?.status === 'Unknown' ? unreachableTaintKey : notReadyTaintKey;
  if (taints.some((t) => t.key === key && t.effect === 'NoSchedule')) return taints;
  return [...taints, { key, effect: 'NoSchedule' }];
}
