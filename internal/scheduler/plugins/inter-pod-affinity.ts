/**
 * InterPodAffinity: required pod affinity (the node's topology domain must already hold
 * a pod matching every term, unless no such pod exists anywhere and the pod matches its
 * own terms), required anti-affinity (no matching pod in the domain) and the required
 * anti-affinity of pods already placed. As a score, preferred terms of the pod and of
 * the placed pods add or subtract their weights per domain; placed pods' required
 * affinity terms that the pod matches count with weight 1.
 */
import { maxNodeScore, reject, type FilterPlugin, type ScorePlugin } from '../framework.ts';
import type { NodeInfo } from '../node-info.ts';
import { hasAffinity, matchesAllTerms, termMatches, type AffinityTerm, type NamespaceLabels, type PodInfo, type WeightedAffinityTerm } from '../pod-info.ts';

/** The plugin's name in kube-scheduler. */
export const interPodAffinityName = 'InterPodAffinity';
/** kube-scheduler's reasons, word for word. */
export const errReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
export const errReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";
export const errReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";

const affinityRejection = reject(interPodAffinityName, 'UnschedulableAndUnresolvable', errReasonAffinityRulesNotMatch);
const antiAffinityRejection = reject(interPodAffinityName, 'Unschedulable', errReasonAntiAffinityRulesNotMatch);
const existingRejection = reject(interPodAffinityName, 'Unschedulable', errReasonExistingAntiAffinityRulesNotMatch);

/** Counts keyed by topology key, then by the node's value for it. */
class TopologyCounts {
  readonly byKey = new Map<string, Map<string, number>>();
  size = 0;

  add(key: string, value: string, amount: number): void {
    let values = this.byKey.get(key);
    if (values === undefined) this.byKey.set(key, (values = new Map()));
    const next = (values.get(value) ?? 0) + amount;
    if (!values.has(value)) this.size++;
    values.set(value, next);
  }

  get(key: string, value: string): number {
    return this.byKey.get(key)?.get(value) ?? 0;
  }
}

/** Counts the placed pods' required anti-affinity terms that select `incoming`, per domain. */
function existingAntiAffinity(nodes: readonly NodeInfo[], incoming: PodInfo, namespaceLabels: NamespaceLabels): TopologyCounts {
  const counts = new TopologyCounts();
  for (const node of nodes) {
    if (node.podsWithRequiredAntiAffinity === 0) continue;
    for (const existing of node.pods.values()) {
      for (const term of existing.requiredAntiAffinity) {
        const value = node.labels[term.topologyKey];
        if (value !== undefined && termMatches(term, incoming, namespaceLabels)) counts.add(term.topologyKey, value, 1);
      }
    }
  }
  return counts;
}

/** Filter: required affinity and anti-affinity of the pod, and the placed pods' required anti-affinity. */
export const interPodAffinityFilter: FilterPlugin = {
  name: interPodAffinityName,
  prepare({ pod, snapshot }) {
    const nsLabels = snapshot.namespaceLabels;
    const existing = existingAntiAffinity(snapshot.nodes, pod, nsLabels);
    const affinityTerms = pod.requiredAffinity;
    const antiTerms = pod.requiredAntiAffinity;
    if (existing.size === 0 && affinityTerms.length === 0 && antiTerms.length === 0) return null;
    const affinity = new TopologyCounts();
    const anti = new TopologyCounts();
    if (affinityTerms.length > 0 || antiTerms.length > 0) {
      for (const node of snapshot.nodes) {
        for (const other of node.pods.values()) {
          if (affinityTerms.length > 0 && matchesAllTerms(affinityTerms, other, nsLabels)) {
            for (const term of affinityTerms) {
              const value = node.labels[term.topologyKey];
              if (value !== undefined) affinity.add(term.topologyKey, value, 1);
            }
          }
          for (const term of antiTerms) {
            const value = node.labels[term.topologyKey];
            if (value !== undefined && termMatches(term, other, nsLabels)) anti.add(term.topologyKey, value, 1);
          }
        }
      }
    }
    // The first pod of a group with affinity to itself must be placeable somewhere.
    const selfSatisfies = affinity.size === 0 && matchesAllTerms(affinityTerms, pod, nsLabels);
    return {
      filter(node) {
        if (affinityTerms.length > 0) {
          let podsExist = true;
          for (const term of affinityTerms) {
            const value = node.labels[term.topologyKey];
            if (value === undefined) return affinityRejection;
            if (affinity.get(term.topologyKey, value) <= 0) podsExist = false;
          }
          if (!podsExist && !selfSatisfies) return affinityRejection;
        }
        if (anti.size > 0) {
          for (const term of antiTerms) {
            const value = node.labels[term.topologyKey];
            if (value !== undefined && anti.get(term.topologyKey, value) > 0) return antiAffinityRejection;
          }
        }
        if (existing.size > 0) {
          for (const [key, values] of existing.byKey) {
            const value = node.labels[key];
            if (value !== undefined && (values.get(value) ?? 0) > 0) return existingRejection;
          }
        }
        return null;
      },
    };
  },
};

/** Adds `weight × sign` to the domain of `node` for every term that selects `target`. */
function processTerms(scores: TopologyCounts, terms: readonly WeightedAffinityTerm[], target: PodInfo, node: NodeInfo, sign: number, nsLabels: NamespaceLabels): void {
  for (const { weight, term } of terms) processTerm(scores, term, weight * sign, target, node, nsLabels);
}

function processTerm(scores: TopologyCounts, term: AffinityTerm, amount: number, target: PodInfo, node: NodeInfo, nsLabels: NamespaceLabels): void {
  const value = node.labels[term.topologyKey];
  if (value !== undefined && termMatches(term, target, nsLabels)) scores.add(term.topologyKey, value, amount);
}

/** Weight given to placed pods' required affinity terms that select the incoming pod (kube-scheduler's hardPodAffinityWeight). */
const hardPodAffinityWeight = 1;

/** Score: preferred terms on both sides, normalized between the lowest and highest node. */
export const interPodAffinityScore: ScorePlugin = {
  name: interPodAffinityName,
  weight: 2,
  prepare({ pod, snapshot }, feasible) {
    if (feasible.length === 0) return null;
    const nsLabels = snapshot.namespaceLabels;
    const ownTerms = pod.preferredAffinity.length > 0 || pod.preferredAntiAffinity.length > 0;
    const scores = new TopologyCounts();
    for (const node of snapshot.nodes) {
      if (!ownTerms && node.podsWithAffinity === 0) continue;
      if (Object.keys(node.labels).length === 0) continue;
      for (const existing of node.pods.values()) {
        if (!ownTerms && !hasAffinity(existing)) continue;
        processTerms(scores, pod.preferredAffinity, existing, node, 1, nsLabels);
        processTerms(scores, pod.preferredAntiAffinity, existing, node, -1, nsLabels);
        for (const term of existing.requiredAffinity) processTerm(scores, term, hardPodAffinityWeight, pod, node, nsLabels);
        processTerms(scores, existing.preferredAffinity, pod, node, 1, nsLabels);
        processTerms(scores, existing.preferredAntiAffinity, pod, node, -1, nsLabels);
      }
    }
    if (scores.size === 0) return null;
    return {
      score(node) {
        let total = 0;
        for (const [key, values] of scores.byKey) {
          const value = node.labels[key];
          if (value !== undefined) total += values.get(value) ?? 0;
        }
        return total;
      },
      normalize(list) {
        let min = Number.POSITIVE_INFINITY;
        let max = Number.NEGATIVE_INFINITY;
        for (const score of list) {
          if (score > max) max = score;
          if (score < min) min = score;
        }
        const spread = max - min;
        for (let i = 0; i < list.length; i++) list[i] = spread > 0 ? Math.trunc((maxNodeScore * ((list[i] ?? 0) - min)) / spread) : 0;
      },
    };
  },
};
