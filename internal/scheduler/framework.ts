/**
 * The plugin shapes of the scheduling core, after kube-scheduler's framework: a filter
 * plugin prepares once per pod (PreFilter) and then judges each node; a score plugin
 * prepares once over the feasible nodes, scores each, and may normalize the scores to
 * 0..100 before they are weighted and summed.
 */
import type { NodeInfo } from './node-info.ts';
import type { NamespaceLabels, PodInfo } from './pod-info.ts';

/** The highest score a plugin gives a node after normalizing. */
export const maxNodeScore = 100;

/**
 * Unschedulable: removing pods might help (preemption will try the node).
 * UnschedulableAndUnresolvable: it would not.
 */
export type RejectionCode = 'Unschedulable' | 'UnschedulableAndUnresolvable';

/** Why a node (or, from PreFilter, every node) cannot take the pod. */
export interface Rejection {
  plugin: string;
  code: RejectionCode;
  /** Each reason is counted once per node in the "0/N nodes are available" message. */
  reasons: readonly string[];
}

/** A rejection; plugins keep the ones with fixed wording as constants. */
export function reject(plugin: string, code: RejectionCode, ...reasons: string[]): Rejection {
  return { plugin, code, reasons };
}

/** The cluster as one scheduling decision sees it; must not change while a decision runs. */
export interface Snapshot {
  readonly nodes: readonly NodeInfo[];
  get(name: string): NodeInfo | undefined;
  namespaceLabels: NamespaceLabels;
  /** Pods waiting to be placed on the node after a preemption made room there. */
  nominated?: (node: string) => readonly PodInfo[];
}

/** What every plugin gets for one pod's decision. */
export interface Cycle {
  pod: PodInfo;
  snapshot: Snapshot;
}

/** One filter's verdict on one node: null when the pod may go there. */
export type NodeFilter = (node: NodeInfo) => Rejection | null;

/** What a filter plugin's PreFilter yields. */
export interface Prepared {
  filter: NodeFilter;
  /** Only these nodes can fit (e.g. node affinity naming nodes); the rest are not evaluated. */
  nodeNames?: ReadonlySet<string>;
}

/** A filter: prepared once per pod, then asked about each node in turn. */
export interface FilterPlugin {
  name: string;
  /** null: the plugin has nothing to check for this pod; a Rejection: no node can fit. */
  prepare(cycle: Cycle): Prepared | Rejection | null;
}

/** A score plugin prepared for one pod and its feasible nodes. */
export interface NodeScorer {
  /** The raw score of one feasible node. */
  score(node: NodeInfo): number;
  /** Rewrites `scores` (parallel to the feasible nodes) into 0..100. */
  normalize?(scores: number[], nodes: readonly NodeInfo[]): void;
}

/** A score: its normalized 0..100 scores are multiplied by `weight` and summed over plugins. */
export interface ScorePlugin {
  name: string;
  weight: number;
  /** null: the plugin does not score this pod (all nodes get 0). */
  prepare(cycle: Cycle, feasible: readonly NodeInfo[]): NodeScorer | null;
}

/** True when a prepare result is a rejection rather than prepared checks. */
export function isRejection(value: Prepared | Rejection | null): value is Rejection {
  return value !== null && 'code' in value;
}

/**
 * kube-scheduler's DefaultNormalizeScore: scales so the best node gets 100 (all 0 stays
 * 0); `reverse` turns it around so the node with the lowest raw score gets 100.
 */
export function defaultNormalize(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const score of scores) if (score > max) max = score;
  if (max === 0) {
    if (reverse) scores.fill(maxNodeScore);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const scaled = Math.trunc((maxNodeScore * (scores[i] ?? 0)) / max);
    scores[i] = reverse ? maxNodeScore - scaled : scaled;
  }
}
