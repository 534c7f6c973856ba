/**
 * NodeAffinity: the pod's nodeSelector and required node affinity must both match the
 * node; terms that name nodes through matchFields metadata.name narrow the nodes
 * evaluated at all. As a score, the weights of the preferred terms a node matches add up.
 */
import { defaultNormalize, reject, type FilterPlugin, type ScorePlugin } from '../framework.ts';
import { mapSelectorMatcher, nodeSelectorMatcher, nodeSelectorTermMatcher } from '../selectors.ts';
import type { NodeSelectorTerm, Pod } from '../types.ts';

/** The plugin's name in kube-scheduler. */
export const nodeAffinityName = 'NodeAffinity';
/** kube-scheduler's ErrReasonPod. */
export const errReasonNodeAffinity = "node(s) didn't match Pod's node affinity/selector";
/** kube-scheduler's errReasonConflict: terms naming nodes that cannot all hold. */
export const errReasonConflict = 'pod affinity terms conflict';

const rejection = reject(nodeAffinityName, 'UnschedulableAndUnresolvable', errReasonNodeAffinity);

function requiredTerms(pod: Pod): NodeSelectorTerm[] | undefined {
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required === undefined || required === null) return undefined;
  return required.nodeSelectorTerms ?? [];
}

/** The node names the terms allow (union over terms of each term's metadata.name In sets); undefined when any term allows all. */
function namedNodes(terms: readonly NodeSelectorTerm[]): Set<string> | undefined {
  let union: Set<string> | undefined;
  for (const term of terms) {
    let names: Set<string> | undefined;
    for (const field of term.matchFields ?? []) {
      if (field.key !== 'metadata.name' || field.operator !== 'In') continue;
      const values = new Set(field.values ?? []);
      names = names === undefined ? values : new Set([...names].filter((name) => values.has(name)));
    }
    // A term naming no node leaves every node possible, as the terms are ORed.
    if (names === undefined) return undefined;
    union = new Set([...(union ?? []), ...names]);
  }
  return union;
}

/** True when the node satisfies the pod's nodeSelector and required node affinity (also used by topology spreading). */
export function requiredNodeAffinity(pod: Pod): (node: { name: string; labels: Readonly<Record<string, string>> }) => boolean {
  const selector = mapSelectorMatcher(pod.spec?.nodeSelector);
  const terms = requiredTerms(pod);
  const affinity = terms === undefined ? null : nodeSelectorMatcher(terms);
  return (node) => selector(node.labels) && (affinity === null || affinity(node));
}

/** Filter: nodeSelector and required node affinity. */
export const nodeAffinityFilter: FilterPlugin = {
  name: nodeAffinityName,
  prepare({ pod }) {
    const terms = requiredTerms(pod.pod);
    if (terms === undefined && Object.keys(pod.pod.spec?.nodeSelector ?? {}).length === 0) return null;
    const matches = requiredNodeAffinity(pod.pod);
    const filter = (node: { name: string; labels: Readonly<Record<string, string>> }) => (matches(node) ? null : rejection);
    const names = terms === undefined ? undefined : namedNodes(terms);
    if (names === undefined) return { filter };
    if (names.size === 0) return reject(nodeAffinityName, 'UnschedulableAndUnresolvable', errReasonConflict);
    return { filter, nodeNames: names };
  },
};

/** Score: summed weights of matching preferred terms. */
export const nodeAffinityScore: ScorePlugin = {
  name: nodeAffinityName,
  weight: 2,
  prepare({ pod }) {
    const preferred = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const terms = preferred.filter((t) => t && t.weight !== 0 && t.preference).map((t) => ({ weight: t.weight, match: nodeSelectorTermMatcher(t.preference) }));
    if (terms.length === 0) return null;
    return {
      score(node) {
        let total = 0;
        for (const term of terms) if (term.match(node)) total += term.weight;
        return total;
      },
      normalize: (scores) => defaultNormalize(scores, false),
    };
  },
};
