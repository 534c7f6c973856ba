/**
 * Typed views of the Pod and Node fields the scheduler reads. Objects arrive as JSON
 * (KubeObject); `asPod`/`asNode` only change how TypeScript sees them, so every field
 * stays optional and is read defensively.
 */
import type { KubeObject, ObjectMeta } from '../apiserver/objects.ts';

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface PreferredSchedulingTerm {
  weight: number;
  preference: NodeSelectorTerm;
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector | null;
  namespaces?: string[];
  namespaceSelector?: LabelSelector | null;
  topologyKey: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

export interface WeightedPodAffinityTerm {
  weight: number;
  podAffinityTerm: PodAffinityTerm;
}

export interface PodAffinityRules {
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
}

export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } | null;
    preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
  } | null;
  podAffinity?: PodAffinityRules | null;
  podAntiAffinity?: PodAffinityRules | null;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: string;
  labelSelector?: LabelSelector | null;
  minDomains?: number;
  nodeAffinityPolicy?: string;
  nodeTaintsPolicy?: string;
  matchLabelKeys?: string[];
}

export interface ContainerPort {
  containerPort?: number;
  hostPort?: number;
  protocol?: string;
  hostIP?: string;
}

export type ResourceList = Record<string, string | number>;

export interface Container {
  name?: string;
  image?: string;
  resources?: { requests?: ResourceList; limits?: ResourceList };
  ports?: ContainerPort[];
  restartPolicy?: string;
}

export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
}

export interface PodSpec {
  nodeName?: string;
  schedulerName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity | null;
  tolerations?: Toleration[];
  containers?: Container[];
  initContainers?: Container[];
  overhead?: ResourceList;
  priority?: number;
  priorityClassName?: string;
  preemptionPolicy?: string;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  schedulingGates?: Array<{ name: string }>;
  hostNetwork?: boolean;
}

export interface PodStatus {
  phase?: string;
  nominatedNodeName?: string;
  conditions?: PodCondition[];
  startTime?: string;
}

/** A Pod as the scheduler reads it. */
export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: PodSpec;
  status?: PodStatus;
}

export interface NodeCondition {
  type: string;
  status: string;
}

/** A Node as the scheduler reads it. */
export interface Node {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: { unschedulable?: boolean; taints?: Taint[] };
  status?: { allocatable?: ResourceList; capacity?: ResourceList; conditions?: NodeCondition[] };
}

/** The same object seen as a Pod. */
export function asPod(object: KubeObject): Pod {
  return object as unknown as Pod;
}

/** The same object seen as a Node. */
export function asNode(object: KubeObject): Node {
  return object as unknown as Node;
}

/** `namespace/name`, the key pods go by in the queue and the cache. */
export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
}

/** The hostname label every node carries; the topology key of per-node spreading. */
export const hostnameLabel = 'kubernetes.io/hostname';
/** The zone label default spreading also uses. */
export const zoneLabel = 'topology.kubernetes.io/zone';
