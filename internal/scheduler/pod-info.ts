/**
 * A pod prepared once for all the scheduler's checks: effective requests, host ports,
 * parsed inter-pod (anti-)affinity terms, priority. Built when a pod enters the cache
 * or the queue, never per node.
 */
import { labelSelectorMatcher, type LabelMatcher, type Labels } from './selectors.ts';
import { podRequests, type Resources } from './resources.ts';
import { podKey, type LabelSelector, type Pod, type PodAffinityTerm, type Toleration, type WeightedPodAffinityTerm } from './types.ts';

/** Looks up a namespace's labels (for namespaceSelector); undefined when unknown. */
export type NamespaceLabels = (namespace: string) => Labels | undefined;

/** A pod (anti-)affinity term with its selectors compiled. */
export interface AffinityTerm {
  topologyKey: string;
  selector: LabelMatcher;
  /** Namespaces named outright (the pod's own when neither namespaces nor a selector is given). */
  namespaces: ReadonlySet<string>;
  /** Namespaces chosen by labels; null when the term has no namespaceSelector. */
  namespaceSelector: LabelMatcher | null;
}

/** A preferred term with its weight (1..100). */
export interface WeightedAffinityTerm {
  weight: number;
  term: AffinityTerm;
}

/** A host port a container binds (address 0.0.0.0 when none is given). */
export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** Everything the checks read about a pod, computed once. */
export interface PodInfo {
  pod: Pod;
  key: string;
  uid: string;
  namespace: string;
  labels: Labels;
  priority: number;
  /** Effective requests, for the fit check and the node's running total. */
  requests: Resources;
  /** cpu and memory with the scoring defaults for containers that state none. */
  nonZeroMilliCpu: number;
  nonZeroMemory: number;
  hostPorts: HostPort[];
  tolerations: Toleration[];
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
  /** The controller owning the pod (ReplicaSet, StatefulSet…), for spreading its replicas. */
  controllerUid: string | undefined;
  terminating: boolean;
  /** When the pod started (or was created), in ms; later starters are preempted first among equals. */
  startMs: number;
}

/** The term as Kubernetes evaluates it, with matchLabelKeys/mismatchLabelKeys folded into the selector. */
function compileTerm(pod: Pod, term: PodAffinityTerm): AffinityTerm {
  const labels = pod.metadata.labels ?? {};
  let selector: LabelSelector | null | undefined = term.labelSelector;
  const extra = [
    ...(term.matchLabelKeys ?? []).filter((key) => labels[key] !== undefined).map((key) => ({ key, operator: 'In', values: [labels[key] ?? ''] })),
    ...(term.mismatchLabelKeys ?? []).filter((key) => labels[key] !== undefined).map((key) => ({ key, operator: 'NotIn', values: [labels[key] ?? ''] })),
  ];
  if (extra.length > 0 && selector) selector = { ...selector, matchExpressions: [...(selector.matchExpressions ?? []), ...extra] };
  const named = term.namespaces ?? [];
  const hasSelector = term.namespaceSelector !== undefined && term.namespaceSelector !== null;
  return {
    topologyKey: term.topologyKey,
    selector: labelSelectorMatcher(selector),
    namespaces: new Set(named.length === 0 && !hasSelector ? [pod.metadata.namespace ?? ''] : named),
    namespaceSelector: hasSelector ? labelSelectorMatcher(term.namespaceSelector) : null,
  };
}

function weighted(pod: Pod, terms: readonly WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] {
  return (terms ?? []).filter((t) => t?.podAffinityTerm).map((t) => ({ weight: t.weight, term: compileTerm(pod, t.podAffinityTerm) }));
}

function timeMs(text: string | undefined): number {
  const ms = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isNaN(ms) ? 0 : ms;
}

/** Prepares `pod`; `priority` is its resolved priority (spec.priority or from its PriorityClass). */
export function podInfo(pod: Pod, priority: number): PodInfo {
  const spec = pod.spec ?? {};
  const requests = podRequests(pod);
  const nonZero = podRequests(pod, true);
  const hostPorts: HostPort[] = [];
  for (const container of spec.containers ?? []) {
    for (const port of container.ports ?? []) {
      if (typeof port.hostPort === 'number' && port.hostPort > 0) {
        hostPorts.push({ ip: port.hostIP || '0.0.0.0', protocol: port.protocol || 'TCP', port: port.hostPort });
      }
    }
  }
  const affinity = spec.affinity ?? {};
  const required = (terms: readonly PodAffinityTerm[] | undefined) => (terms ?? []).filter(Boolean).map((t) => compileTerm(pod, t));
  const controller = (pod.metadata.ownerReferences as Array<{ uid?: string; controller?: boolean }> | undefined)?.find((ref) => ref?.controller === true);
  return {
    pod,
    key: podKey(pod),
    uid: pod.metadata.uid ?? '',
    namespace: pod.metadata.namespace ?? '',
    labels: pod.metadata.labels ?? {},
    priority,
    requests,
    nonZeroMilliCpu: nonZero.milliCpu,
    nonZeroMemory: nonZero.memory,
    hostPorts,
    tolerations: spec.tolerations ?? [],
    requiredAffinity: required(affinity.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    requiredAntiAffinity: required(affinity.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    preferredAffinity: weighted(pod, affinity.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: weighted(pod, affinity.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    controllerUid: controller?.uid,
    terminating: typeof pod.metadata.deletionTimestamp === 'string' && pod.metadata.deletionTimestamp !== '',
    startMs: timeMs(pod.status?.startTime ?? pod.metadata.creationTimestamp),
  };
}

/** True when `term` selects `pod` (namespace and labels). */
export function termMatches(term: AffinityTerm, pod: PodInfo, namespaceLabels: NamespaceLabels): boolean {
  if (!term.namespaces.has(pod.namespace)) {
    if (term.namespaceSelector === null || !term.namespaceSelector(namespaceLabels(pod.namespace) ?? {})) return false;
  }
  return term.selector(pod.labels);
}

/** True when `pod` matches every term (and there is at least one). */
export function matchesAllTerms(terms: readonly AffinityTerm[], pod: PodInfo, namespaceLabels: NamespaceLabels): boolean {
  if (terms.length === 0) return false;
  for (const term of terms) if (!termMatches(term, pod, namespaceLabels)) return false;
  return true;
}

/** True when the pod has any inter-pod affinity or anti-affinity term. */
export function hasAffinity(pod: PodInfo): boolean {
  return pod.requiredAffinity.length + pod.requiredAntiAffinity.length + pod.preferredAffinity.length + pod.preferredAntiAffinity.length > 0;
}
