/**
 * NodeResourcesFit: the pod's effective request must fit in what the node has left
 * (allocatable minus what its pods request), and the node must have room for one more
 * pod. Scores: LeastAllocated prefers nodes with more room left (requests counted with
 * the 100m / 200 MiB defaults), BalancedAllocation prefers nodes whose cpu and memory
 * would be used in equal shares.
 */
import { maxNodeScore, reject, type FilterPlugin, type Rejection, type ScorePlugin } from '../framework.ts';
import type { NodeInfo } from '../node-info.ts';
import { isZero } from '../resources.ts';

/** The plugin names in kube-scheduler. */
export const nodeResourcesFitName = 'NodeResourcesFit';
export const balancedAllocationName = 'NodeResourcesBalancedAllocation';

/** The reasons for one node, in kube-scheduler's order: pods, cpu, memory, ephemeral storage, then the rest by name. */
export function insufficientResources(pod: { requests: NodeInfo['requested'] }, node: NodeInfo): string[] {
  const reasons: string[] = [];
  if (node.pods.size + 1 > node.allowedPods) reasons.push('Too many pods');
  const want = pod.requests;
  if (isZero(want)) return reasons;
  const { allocatable, requested } = node;
  if (want.milliCpu > 0 && want.milliCpu > allocatable.milliCpu - requested.milliCpu) reasons.push('Insufficient cpu');
  if (want.memory > 0 && want.memory > allocatable.memory - requested.memory) reasons.push('Insufficient memory');
  if (want.ephemeralStorage > 0 && want.ephemeralStorage > allocatable.ephemeralStorage - requested.ephemeralStorage) reasons.push('Insufficient ephemeral-storage');
  for (const name of Object.keys(want.scalar).sort()) {
    const amount = want.scalar[name] ?? 0;
    if (amount > 0 && amount > (allocatable.scalar[name] ?? 0) - (requested.scalar[name] ?? 0)) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}

/** Filter: requests against allocatable minus what the node's pods request. */
export const nodeResourcesFit: FilterPlugin = {
  name: nodeResourcesFitName,
  prepare({ pod }) {
    // The same few combinations of reasons repeat across nodes: share the rejections.
    const rejections = new Map<string, Rejection>();
    return {
      filter(node) {
        const reasons = insufficientResources(pod, node);
        if (reasons.length === 0) return null;
        const key = reasons.join('\n');
        let rejection = rejections.get(key);
        if (rejection === undefined) rejections.set(key, (rejection = reject(nodeResourcesFitName, 'Unschedulable', ...reasons)));
        return rejection;
      },
    };
  },
};

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * maxNodeScore) / capacity);
}

/** Score: the share of cpu and memory left free, averaged. */
export const leastAllocated: ScorePlugin = {
  name: nodeResourcesFitName,
  weight: 1,
  prepare({ pod }) {
    return {
      score(node) {
        // cpu and memory, weight 1 each; a resource the node has none of is left out.
        let total = 0;
        let weights = 0;
        if (node.allocatable.milliCpu !== 0) {
          total += leastRequested(node.nonZeroMilliCpu + pod.nonZeroMilliCpu, node.allocatable.milliCpu);
          weights++;
        }
        if (node.allocatable.memory !== 0) {
          total += leastRequested(node.nonZeroMemory + pod.nonZeroMemory, node.allocatable.memory);
          weights++;
        }
        return weights === 0 ? 0 : Math.trunc(total / weights);
      },
    };
  },
};

/** Score: 100 minus the spread between cpu and memory use, in percent. */
export const balancedAllocation: ScorePlugin = {
  name: balancedAllocationName,
  weight: 1,
  prepare({ pod }) {
    // Best-effort pods would otherwise all look best on the same node.
    if (pod.requests.milliCpu === 0 && pod.requests.memory === 0) return null;
    return {
      score(node) {
        const fractions: number[] = [];
        if (node.allocatable.milliCpu !== 0) fractions.push(Math.min(1, (node.requested.milliCpu + pod.requests.milliCpu) / node.allocatable.milliCpu));
        if (node.allocatable.memory !== 0) fractions.push(Math.min(1, (node.requested.memory + pod.requests.memory) / node.allocatable.memory));
        const [a = 0, b = 0] = fractions;
        const deviation = fractions.length === 2 ? Math.abs((a - b) / 2) : 0;
        return Math.trunc((1 - deviation) * maxNodeScore);
      },
    };
  },
};
