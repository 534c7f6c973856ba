/**
 * Basic preemption, as kube-scheduler's DefaultPreemption: a pod that fits nowhere may
 * evict pods of lower priority from one node. Only nodes refused for reasons removing
 * pods can fix are tried; on each, every lower-priority pod is taken away, the pod must
 * then fit, and the most important of those pods are put back as long as it still fits.
 * Of the nodes that work, the one whose most important victim matters least wins (then
 * the least total priority, the fewest victims, the most recently started victims).
 * Pod disruption budgets are not consulted.
 */
import { prepareFilters, runFilters } from './algorithm.ts';
import type { FilterPlugin, Rejection, Snapshot } from './framework.ts';
import { fitErrorMessage, newDiagnosis, type Diagnosis } from './fit-error.ts';
import type { NodeInfo } from './node-info.ts';
import type { PodInfo } from './pod-info.ts';

/** Pods to evict on one node, or the message saying why preemption cannot help. */
export type PreemptionResult =
  | { kind: 'preempt'; node: string; victims: PodInfo[] }
  | { kind: 'none'; message: string };

const notHelpful: Rejection = { plugin: 'DefaultPreemption', code: 'UnschedulableAndUnresolvable', reasons: ['Preemption is not helpful for scheduling'] };
const noVictims: Rejection = { plugin: 'DefaultPreemption', code: 'UnschedulableAndUnresolvable', reasons: ['No preemption victims found for incoming pod'] };

/** True when `a` should be kept rather than `b`: higher priority, then earlier start. */
function moreImportant(a: PodInfo, b: PodInfo): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return a.startMs < b.startMs;
}

/** The snapshot with one node replaced by a what-if copy. */
function overlay(snapshot: Snapshot, replacement: NodeInfo): Snapshot {
  const nodes = snapshot.nodes.map((node) => (node.name === replacement.name ? replacement : node));
  return {
    nodes,
    get: (name) => (name === replacement.name ? replacement : snapshot.get(name)),
    namespaceLabels: snapshot.namespaceLabels,
    nominated: snapshot.nominated,
  };
}

/** The reason preemption was not tried at all, or null when the pod may preempt. */
function ineligible(pod: PodInfo, snapshot: Snapshot, diagnosis: Diagnosis): string | null {
  if (pod.pod.spec?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
  const nominated = pod.pod.status?.nominatedNodeName;
  if (!nominated || diagnosis.nodes.get(nominated)?.code === 'UnschedulableAndUnresolvable') return null;
  const node = snapshot.get(nominated);
  if (node === undefined) return null;
  // Victims of an earlier preemption are still leaving: wait for them rather than evict more.
  for (const other of node.pods.values()) if (other.priority < pod.priority && other.terminating) return 'not eligible due to a terminating pod on the nominated node.';
  return null;
}

/** The victims `pod` needs on `node`, or the rejection saying why evicting does not help there. */
function victimsOn(pod: PodInfo, snapshot: Snapshot, node: NodeInfo, filters: readonly FilterPlugin[]): PodInfo[] | Rejection {
  const candidates = [...node.pods.values()].filter((other) => other.priority < pod.priority);
  if (candidates.length === 0) return noVictims;
  const trial = node.clone();
  for (const victim of candidates) trial.removePod(victim.key);
  const check = (): Rejection | null => {
    const prepared = prepareFilters(filters, { pod, snapshot: overlay(snapshot, trial) });
    return prepared.rejection ?? runFilters(prepared, trial);
  };
  const rejection = check();
  if (rejection !== null) return rejection;
  candidates.sort((a, b) => (moreImportant(a, b) ? -1 : moreImportant(b, a) ? 1 : 0));
  const victims: PodInfo[] = [];
  for (const candidate of candidates) {
    trial.addPod(candidate);
    if (check() !== null) {
      trial.removePod(candidate.key);
      victims.push(candidate);
    }
  }
  return victims;
}

interface Candidate {
  node: string;
  victims: PodInfo[];
}

/** kube-scheduler's pickOneNodeForPreemption, without disruption budgets. */
function pickCandidate(candidates: readonly Candidate[]): Candidate | undefined {
  const highest = (c: Candidate) => Math.max(...c.victims.map((v) => v.priority));
  // An offset keeps negative priorities from making more victims look cheaper.
  const total = (c: Candidate) => c.victims.reduce((sum, v) => sum + v.priority + 2 ** 31, 0);
  const earliestStartOfHighest = (c: Candidate) => {
    const top = highest(c);
    return Math.min(...c.victims.filter((v) => v.priority === top).map((v) => v.startMs));
  };
  let remaining = [...candidates];
  const keepMin = (measure: (c: Candidate) => number): void => {
    const best = Math.min(...remaining.map(measure));
    remaining = remaining.filter((c) => measure(c) === best);
  };
  keepMin(highest);
  keepMin(total);
  keepMin((c) => c.victims.length);
  keepMin((c) => -earliestStartOfHighest(c));
  return remaining[0];
}

/**
 * Tries preemption for a pod the last decision found no node for. `diagnosis` is that
 * decision's; the message is what follows "preemption: " in the FitError.
 */
export function preempt(pod: PodInfo, snapshot: Snapshot, diagnosis: Diagnosis, filters: readonly FilterPlugin[]): PreemptionResult {
  const reason = ineligible(pod, snapshot, diagnosis);
  if (reason !== null) return { kind: 'none', message: `preemption: ${reason}` };
  const statuses = newDiagnosis();
  statuses.absent = notHelpful;
  const candidates: Candidate[] = [];
  for (const node of snapshot.nodes) {
    if (diagnosis.nodes.get(node.name)?.code !== 'Unschedulable') continue;
    const result = victimsOn(pod, snapshot, node, filters);
    if (Array.isArray(result)) candidates.push({ node: node.name, victims: result });
    else statuses.nodes.set(node.name, result);
  }
  const chosen = pickCandidate(candidates);
  if (chosen === undefined) return { kind: 'none', message: `preemption: ${fitErrorMessage(snapshot.nodes.length, statuses)}` };
  return { kind: 'preempt', node: chosen.node, victims: chosen.victims };
}
