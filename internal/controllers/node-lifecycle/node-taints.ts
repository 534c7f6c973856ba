/**
 * The taints the node lifecycle controller keeps on nodes, as upstream's: NoSchedule taints
 * mirroring the node's conditions and spec.unschedulable (so the scheduler keeps new pods
 * off), and the not-ready or unreachable NoExecute taint that starts evicting the pods
 * already there. Taints others put on the node are left alone.
 */
import { notReadyTaintKey, unreachableTaintKey, unschedulableTaintKey } from '../../scheduler/taints.ts';
import { nodeStatusUnknownReason, readyStatus, type NodeCondition } from './node-health.ts';


export interface NodeTaint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

/** How NoExecute taints may change in the node's zone (see zone-disruption.ts). */
export type NoExecuteMode = 'normal' | 'hold' | 'release';

/** The NoSchedule taint keys this controller owns, with the condition (or field) each mirrors. */
const conditionTaints: ReadonlyArray<{ type: string; status: string; key: string }> = [
  { type: 'MemoryPressure', status: 'True', key: 'node.kubernetes.io/memory-pressure' },
  { type: 'DiskPressure', status: 'True', key: 'node.kubernetes.io/disk-pressure' },
  { type: 'PIDPressure', status: 'True', key: 'node.kubernetes.io/pid-pressure' },
  { type: 'NetworkUnavailable', status: 'True', key: 'node.kubernetes.io/network-unavailable' },
];
const noScheduleKeys = new Set([notReadyTaintKey, unreachableTaintKey, unschedulableTaintKey, ...conditionTaints.map((t) => t.key)]);
const noExecuteKeys = new Set([notReadyTaintKey, unreachableTaintKey]);

/** The NoSchedule taint keys the node's conditions and spec.unschedulable call for. */
export function wantedNoScheduleKeys(conditions: readonly NodeCondition[], unschedulable: boolean): Set<string> {
  const keys = new Set<string>();
  const ready = readyStatus(conditions);
  // No Ready condition at all: the node has not posted yet; upstream leaves it untainted.
  if (conditions.some((c) => c.type === 'Ready')) {
    if (ready === 'False') keys.add(notReadyTaintKey);
    if (ready === 'Unknown') keys.add(unreachableTaintKey);
  }
  for (const t of conditionTaints) if (conditions.some((c) => c.type === t.type && c.status === t.status)) keys.add(t.key);
  if (unschedulable) keys.add(unschedulableTaintKey);
  return keys;
}

/**
 * The NoExecute taint key the node's Ready condition calls for (none while Ready or not yet
 * posted). `heardFrom` says the node renews its Lease again: a Ready=Unknown this controller
 * wrote then no longer evicts, since the node is back even before its agent re-posts status.
 */
export function wantedNoExecuteKey(conditions: readonly NodeCondition[], heardFrom: boolean): string | null {
  const condition = conditions.find((c) => c.type === 'Ready');
  if (condition === undefined) return null;
  const ready = readyStatus(conditions);
  if (ready === 'True') return null;
  if (ready === 'False') return notReadyTaintKey;
  return heardFrom && condition.reason === nodeStatusUnknownReason ? null : unreachableTaintKey;
}

/**
 * The node's taints after this controller's pass, or null when they need no change.
 * New taints are stamped with `now`; taints already there keep their timeAdded. In 'hold'
 * mode a node without a NoExecute taint of ours gets none (one it has may still switch
 * between not-ready and unreachable, or go); in 'release' mode ours are all removed.
 */
export function reconcileTaints(current: readonly NodeTaint[], noSchedule: ReadonlySet<string>, noExecute: string | null, mode: NoExecuteMode, now: string): NodeTaint[] | null {
  const ours = (t: NodeTaint): boolean => (t.effect === 'NoSchedule' && noScheduleKeys.has(t.key)) || (t.effect === 'NoExecute' && noExecuteKeys.has(t.key));
  const hasNoExecute = current.some((t) => t.effect === 'NoExecute' && noExecuteKeys.has(t.key));
  let wantedNoExecute = noExecute;
  if (mode === 'release' || (mode === 'hold' && !hasNoExecute)) wantedNoExecute = null;
  const wanted = new Set([...[...noSchedule].map((k) => `${k}:NoSchedule`), ...(wantedNoExecute === null ? [] : [`${wantedNoExecute}:NoExecute`])]);
  const result: NodeTaint[] = [];
  let changed = false;
  for (const taint of current) {
    const id = `${taint.key}:${taint.effect}`;
    if (ours(taint) && !wanted.has(id)) {
      changed = true;
      continue;
    }
    wanted.delete(id);
    result.push(taint);
  }
  for (const id of wanted) {
    const at = id.lastIndexOf(':');
    result.push({ key: id.slice(0, at), effect: id.slice(at + 1), timeAdded: now });
    changed = true;
  }
  return changed ? result : null;
}
