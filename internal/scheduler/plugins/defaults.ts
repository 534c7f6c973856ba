/** kube-scheduler's default profile: filters in its order, scores with its weights. */
import type { FilterPlugin, ScorePlugin } from '../framework.ts';
import { interPodAffinityFilter, interPodAffinityScore } from './inter-pod-affinity.ts';
import { nodeAffinityFilter, nodeAffinityScore } from './node-affinity.ts';
import { nodePorts } from './node-ports.ts';
import { balancedAllocation, leastAllocated, nodeResourcesFit } from './node-resources.ts';
import { nodeUnschedulable } from './node-unschedulable.ts';
import { podTopologySpreadFilter, podTopologySpreadScore } from './pod-topology-spread.ts';
import { taintTolerationFilter, taintTolerationScore } from './taint-toleration.ts';

/** The order matters: a node is reported with the first filter that refuses it. */
export const defaultFilters: readonly FilterPlugin[] = [
  nodeUnschedulable,
  taintTolerationFilter,
  nodeAffinityFilter,
  nodePorts,
  nodeResourcesFit,
  podTopologySpreadFilter,
  interPodAffinityFilter,
];

/** With kube-scheduler's weights: TaintToleration 3, NodeAffinity 2, PodTopologySpread 2, InterPodAffinity 2, the resource scores 1. */
export const defaultScores: readonly ScorePlugin[] = [
  taintTolerationScore,
  nodeAffinityScore,
  leastAllocated,
  podTopologySpreadScore,
  interPodAffinityScore,
  balancedAllocation,
];
