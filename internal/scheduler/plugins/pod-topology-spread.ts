/**
 * PodTopologySpread: topologySpreadConstraints. DoNotSchedule constraints filter (the
 * node's domain may not get more than maxSkew matching pods above the emptiest domain);
 * ScheduleAnyway constraints score (fewer matching pods in the node's domain is
 * better). A pod without constraints of its own gets the system defaults, which spread
 * the replicas of its controller over hosts (maxSkew 3) and zones (maxSkew 5).
 */
import { maxNodeScore, reject, type Cycle, type FilterPlugin, type ScorePlugin } from '../framework.ts';
import type { NodeInfo } from '../node-info.ts';
import type { PodInfo } from '../pod-info.ts';
import { labelSelectorMatcher, type Labels } from '../selectors.ts';
import { firstUntolerated } from '../taints.ts';
import { hostnameLabel, zoneLabel, type TopologySpreadConstraint } from '../types.ts';
import { requiredNodeAffinity } from './node-affinity.ts';

/** The plugin's name in kube-scheduler. */
export const podTopologySpreadName = 'PodTopologySpread';
/** kube-scheduler's ErrReasonConstraintsNotMatch. */
export const errReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
/** kube-scheduler's ErrReasonNodeLabelNotMatch. */
export const errReasonNodeLabelNotMatch = `${errReasonConstraintsNotMatch} (missing required label)`;

const skewRejection = reject(podTopologySpreadName, 'Unschedulable', errReasonConstraintsNotMatch);
const labelRejection = reject(podTopologySpreadName, 'UnschedulableAndUnresolvable', errReasonNodeLabelNotMatch);
const hardEffects: ReadonlySet<string> = new Set(['NoSchedule', 'NoExecute']);

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  minDomains: number;
  /** Selects the pods that count, among those in the incoming pod's namespace. */
  selects: (pod: PodInfo) => boolean;
  honorNodeAffinity: boolean;
  honorTaints: boolean;
}

/** The pod's own constraints with `when` (matchLabelKeys folded in), or the defaults when it has none at all. */
function constraintsOf(pod: PodInfo, when: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  const own = pod.pod.spec?.topologySpreadConstraints ?? [];
  if (own.length === 0) return when === 'ScheduleAnyway' ? defaultConstraints(pod) : [];
  return own.filter((c) => c && c.whenUnsatisfiable === when).map((c) => compile(pod, c));
}

function compile(pod: PodInfo, c: TopologySpreadConstraint): Constraint {
  let selector = c.labelSelector;
  const keys = (c.matchLabelKeys ?? []).filter((key) => pod.labels[key] !== undefined);
  if (selector && keys.length > 0) {
    selector = { ...selector, matchExpressions: [...(selector.matchExpressions ?? []), ...keys.map((key) => ({ key, operator: 'In', values: [pod.labels[key] ?? ''] }))] };
  }
  const matches = labelSelectorMatcher(selector);
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    minDomains: c.minDomains ?? 1,
    selects: (other) => matches(other.labels),
    honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorTaints: c.nodeTaintsPolicy === 'Honor',
  };
}

/** System default spreading: replicas of the pod's controller over hosts and zones; nothing for a pod without one. */
function defaultConstraints(pod: PodInfo): Constraint[] {
  const owner = pod.controllerUid;
  if (owner === undefined) return [];
  const selects = (other: PodInfo): boolean => other.controllerUid === owner;
  const base = { minDomains: 1, selects, honorNodeAffinity: true, honorTaints: false };
  return [
    { ...base, maxSkew: 3, topologyKey: hostnameLabel },
    { ...base, maxSkew: 5, topologyKey: zoneLabel },
  ];
}

function hasAllKeys(labels: Labels, constraints: readonly Constraint[]): boolean {
  for (const c of constraints) if (labels[c.topologyKey] === undefined) return false;
  return true;
}

/** Matching pods on the node: same namespace as the incoming pod, not terminating, selected. */
function countMatching(node: NodeInfo, c: Constraint, namespace: string): number {
  let count = 0;
  for (const pod of node.pods.values()) {
    if (!pod.terminating && pod.namespace === namespace && c.selects(pod)) count++;
  }
  return count;
}

/** Whether the node counts for the constraint under its node inclusion policies. */
function includes(c: Constraint, cycle: Cycle, node: NodeInfo, affinity: (node: NodeInfo) => boolean): boolean {
  if (c.honorNodeAffinity && !affinity(node)) return false;
  return !(c.honorTaints && firstUntolerated(node.taints, cycle.pod.tolerations, hardEffects) !== undefined);
}

/** Filter: DoNotSchedule constraints. */
export const podTopologySpreadFilter: FilterPlugin = {
  name: podTopologySpreadName,
  prepare(cycle) {
    const { pod, snapshot } = cycle;
    const constraints = constraintsOf(pod, 'DoNotSchedule');
    if (constraints.length === 0) return null;
    const affinity = requiredNodeAffinity(pod.pod);
    // Per constraint: matching pods per domain, over every node that counts.
    const counts = constraints.map(() => new Map<string, number>());
    for (const node of snapshot.nodes) {
      if (!hasAllKeys(node.labels, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!includes(c, cycle, node, affinity)) return;
        const domain = node.labels[c.topologyKey] ?? '';
        const domains = counts[i];
        domains?.set(domain, (domains.get(domain) ?? 0) + countMatching(node, c, pod.namespace));
      });
    }
    const minimums = constraints.map((c, i) => {
      const domains = counts[i] ?? new Map<string, number>();
      // Fewer domains than minDomains: the missing ones count as empty.
      if (domains.size < c.minDomains) return 0;
      return domains.size === 0 ? 0 : Math.min(...domains.values());
    });
    const selfMatches = constraints.map((c) => (c.selects(pod) ? 1 : 0));
    return {
      filter(node) {
        for (let i = 0; i < constraints.length; i++) {
          const c = constraints[i];
          if (c === undefined) continue;
          const domain = node.labels[c.topologyKey];
          if (domain === undefined) return labelRejection;
          const skew = (counts[i]?.get(domain) ?? 0) + (selfMatches[i] ?? 0) - (minimums[i] ?? 0);
          if (skew > c.maxSkew) return skewRejection;
        }
        return null;
      },
    };
  },
};

/** Score: ScheduleAnyway constraints and the default spreading. */
export const podTopologySpreadScore: ScorePlugin = {
  name: podTopologySpreadName,
  weight: 2,
  prepare(cycle, feasible) {
    const { pod, snapshot } = cycle;
    if (feasible.length === 0 || snapshot.nodes.length === 0) return null;
    const constraints = constraintsOf(pod, 'ScheduleAnyway');
    if (constraints.length === 0) return null;
    // The defaults spread over hosts even where nodes have no zone label.
    const requireAll = (pod.pod.spec?.topologySpreadConstraints ?? []).length > 0;
    const ignored = new Set<string>();
    const pairCounts = new Map<string, number>();
    const sizes = constraints.map(() => 0);
    for (const node of feasible) {
      if (requireAll && !hasAllKeys(node.labels, constraints)) {
        ignored.add(node.name);
        continue;
      }
      constraints.forEach((c, i) => {
        if (c.topologyKey === hostnameLabel) return;
        const pair = `${c.topologyKey}\n${node.labels[c.topologyKey] ?? ''}`;
        if (!pairCounts.has(pair)) {
          pairCounts.set(pair, 0);
          sizes[i] = (sizes[i] ?? 0) + 1;
        }
      });
    }
    const weights = constraints.map((c, i) => Math.log((c.topologyKey === hostnameLabel ? feasible.length - ignored.size : (sizes[i] ?? 0)) + 2));
    const affinity = requiredNodeAffinity(pod.pod);
    for (const node of snapshot.nodes) {
      if (requireAll && !hasAllKeys(node.labels, constraints)) continue;
      for (const c of constraints) {
        if (c.topologyKey === hostnameLabel || !includes(c, cycle, node, affinity)) continue;
        const pair = `${c.topologyKey}\n${node.labels[c.topologyKey] ?? ''}`;
        const count = pairCounts.get(pair);
        if (count !== undefined) pairCounts.set(pair, count + countMatching(node, c, pod.namespace));
      }
    }
    return {
      score(node) {
        if (ignored.has(node.name)) return 0;
        let score = 0;
        constraints.forEach((c, i) => {
          const domain = node.labels[c.topologyKey];
          if (domain === undefined) return;
          const count = c.topologyKey === hostnameLabel ? countMatching(node, c, pod.namespace) : (pairCounts.get(`${c.topologyKey}\n${domain}`) ?? 0);
          score += count * (weights[i] ?? 0) + (c.maxSkew - 1);
        });
        return Math.round(score);
      },
      normalize(scores, nodes) {
        let min = Number.MAX_SAFE_INTEGER;
        let max = 0;
        nodes.forEach((node, i) => {
          if (ignored.has(node.name)) return;
          const score = scores[i] ?? 0;
          if (score < min) min = score;
          if (score > max) max = score;
        });
        nodes.forEach((node, i) => {
          if (ignored.has(node.name)) scores[i] = 0;
          else if (max === 0) scores[i] = maxNodeScore;
          else scores[i] = Math.trunc((maxNodeScore * (max + min - (scores[i] ?? 0))) / max);
        });
      },
    };
  },
};
