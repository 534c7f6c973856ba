/**
 * Why a pod fits nowhere, worded as kube-scheduler's FitError: "0/N nodes are
 * available:", then either the PreFilter message or every node's reasons counted and
 * sorted as text ("1 node(s) had untolerated taint {…: }, 2 Insufficient cpu."), then
 * what preemption found ("preemption: 0/N nodes are available: …").
 */
import type { Rejection } from './framework.ts';

/** The decision's record of rejections. */
export interface Diagnosis {
  /** Each evaluated node's rejection. */
  nodes: Map<string, Rejection>;
  /** The rejection of every node not in `nodes` (not evaluated: ruled out up front). */
  absent: Rejection | null;
  /** Set when a PreFilter ruled out every node; then it is the whole explanation. */
  preFilterMessage: string;
}

/** An empty diagnosis. */
export function newDiagnosis(): Diagnosis {
  return { nodes: new Map(), absent: null, preFilterMessage: '' };
}

/** kube-scheduler's ErrNoNodesAvailable text, for a cluster without nodes. */
export const noNodesAvailable = 'no nodes available to schedule pods';

/** The plugins whose rejections the diagnosis holds (the queue retries the pod on events that concern them). */
export function rejectingPlugins(diagnosis: Diagnosis): Set<string> {
  const plugins = new Set<string>();
  for (const rejection of diagnosis.nodes.values()) plugins.add(rejection.plugin);
  if (diagnosis.absent !== null) plugins.add(diagnosis.absent.plugin);
  return plugins;
}

/** The message kube-scheduler puts in the PodScheduled condition and the FailedScheduling event. */
export function fitErrorMessage(numAllNodes: number, diagnosis: Diagnosis, postFilterMessage = ''): string {
  let message = `0/${numAllNodes} nodes are available:`;
  if (diagnosis.preFilterMessage !== '') {
    message += ` ${diagnosis.preFilterMessage}.`;
  } else {
    const counts = new Map<string, number>();
    for (const rejection of diagnosis.nodes.values()) {
      for (const reason of rejection.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    }
    const absent = numAllNodes - diagnosis.nodes.size;
    if (diagnosis.absent !== null && absent > 0) {
      for (const reason of diagnosis.absent.reasons) counts.set(reason, (counts.get(reason) ?? 0) + absent);
    }
    // Sorted as text, count first, exactly as Go's sort.Strings orders them.
    const parts = [...counts].map(([reason, count]) => `${count} ${reason}`).sort();
    if (parts.length > 0) message += ` ${parts.join(', ')}.`;
  }
  if (postFilterMessage !== '') message += ` ${postFilterMessage}`;
  return message;
}
