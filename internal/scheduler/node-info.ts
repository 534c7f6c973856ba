/**
 * One node as the scheduler sees it: the Node, the pods placed on it (bound or
 * assumed), and running totals of what they request, kept up to date on every add
 * and remove so no check has to sum the pods again.
 */
import type { Labels } from './selectors.ts';
import { hasAffinity, type HostPort, type PodInfo } from './pod-info.ts';
import { addInto, emptyResources, quantityOf, resourcesOf, type Resources } from './resources.ts';
import { effectiveTaints } from './taints.ts';
import type { Node, Taint } from './types.ts';

interface NodeFacts {
  labels: Labels;
  taints: Taint[];
  unschedulable: boolean;
  allocatable: Resources;
  allowedPods: number;
}

function factsOf(node: Node): NodeFacts {
  const allocatable = node.status?.allocatable ?? node.status?.capacity;
  return {
    labels: node.metadata.labels ?? {},
    taints: effectiveTaints(node),
    unschedulable: node.spec?.unschedulable === true,
    allocatable: resourcesOf(allocatable),
    allowedPods: quantityOf('pods', allocatable?.pods),
  };
}

/** A node and the pods counted on it, with running totals of their requests and host ports. */
export class NodeInfo {
  readonly name: string;
  node: Node;
  labels: Labels;
  /** Spec taints plus the one a not-Ready condition implies. */
  taints: Taint[];
  unschedulable: boolean;
  allocatable: Resources;
  allowedPods: number;
  readonly pods = new Map<string, PodInfo>();
  readonly requested: Resources = emptyResources();
  nonZeroMilliCpu = 0;
  nonZeroMemory = 0;
  readonly usedPorts: HostPort[] = [];
  podsWithAffinity = 0;
  podsWithRequiredAntiAffinity = 0;

  constructor(node: Node) {
    this.name = node.metadata.name ?? '';
    this.node = node;
    ({ labels: this.labels, taints: this.taints, unschedulable: this.unschedulable, allocatable: this.allocatable, allowedPods: this.allowedPods } = factsOf(node));
  }

  /** Replaces the Node object (its pods stay). */
  setNode(node: Node): void {
    this.node = node;
    ({ labels: this.labels, taints: this.taints, unschedulable: this.unschedulable, allocatable: this.allocatable, allowedPods: this.allowedPods } = factsOf(node));
  }

  /** Counts the pod on this node (replacing an earlier version with the same key). */
  addPod(pod: PodInfo): void {
    this.removePod(pod.key);
    this.pods.set(pod.key, pod);
    this.#account(pod, 1);
  }

  /** Stops counting the pod; returns what was counted. */
  removePod(key: string): PodInfo | undefined {
    const pod = this.pods.get(key);
    if (pod === undefined) return undefined;
    this.pods.delete(key);
    this.#account(pod, -1);
    return pod;
  }

  /** An independent copy (for what-if evaluation such as preemption). */
  clone(): NodeInfo {
    const copy = new NodeInfo(this.node);
    for (const pod of this.pods.values()) copy.addPod(pod);
    return copy;
  }

  #account(pod: PodInfo, sign: 1 | -1): void {
    addInto(this.requested, pod.requests, sign);
    this.nonZeroMilliCpu += sign * pod.nonZeroMilliCpu;
    this.nonZeroMemory += sign * pod.nonZeroMemory;
    if (hasAffinity(pod)) this.podsWithAffinity += sign;
    if (pod.requiredAntiAffinity.length > 0) this.podsWithRequiredAntiAffinity += sign;
    for (const port of pod.hostPorts) {
      if (sign === 1) this.usedPorts.push(port);
      else {
        const at = this.usedPorts.indexOf(port);
        if (at >= 0) this.usedPorts.splice(at, 1);
      }
    }
  }
}
