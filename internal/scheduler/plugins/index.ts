export { balancedAllocation, insufficientResources, leastAllocated, nodeResourcesFit } from './node-resources.ts';
export { errReasonConflict, errReasonNodeAffinity, nodeAffinityFilter, nodeAffinityScore } from './node-affinity.ts';
export { errReasonNodePorts, nodePorts, portsConflict } from './node-ports.ts';
export { errReasonUnschedulable, nodeUnschedulable } from './node-unschedulable.ts';
export { errReasonConstraintsNotMatch, errReasonNodeLabelNotMatch, podTopologySpreadFilter, podTopologySpreadScore } from './pod-topology-spread.ts';
export {
  errReasonAffinityRulesNotMatch,
  errReasonAntiAffinityRulesNotMatch,
  errReasonExistingAntiAffinityRulesNotMatch,
  interPodAffinityFilter,
  interPodAffinityScore,
} from './inter-pod-affinity.ts';
export { taintTolerationFilter, taintTolerationScore } from './taint-toleration.ts';
export { defaultFilters, defaultScores } from './defaults.ts';
