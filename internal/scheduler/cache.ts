/**
 * The scheduler's picture of the cluster: nodes with the pods placed on them. A pod is
 * counted from the moment the scheduler decides on its node ("assumed"), before the
 * binding reaches the API server, so the next decision already sees it; the pod's
 * informer update confirms it, a failed binding forgets it. Pods whose node is not known
 * yet are kept aside and counted once the Node arrives. Also the Snapshot decisions read.
 */
import type { Snapshot } from './framework.ts';
import { NodeInfo } from './node-info.ts';
import type { PodInfo } from './pod-info.ts';
import type { Labels } from './selectors.ts';
import type { Node } from './types.ts';

/** Nodes and placed pods; see the file comment. Decisions read it directly as their Snapshot. */
export class SchedulerCache implements Snapshot {
  readonly #nodes = new Map<string, NodeInfo>();
  #list: NodeInfo[] | null = null;
  /** pod key → node it is counted on (or waits for). */
  readonly #placements = new Map<string, string>();
  readonly #orphans = new Map<string, Map<string, PodInfo>>();
  readonly #assumed = new Set<string>();
  readonly #nominated = new Map<string, Map<string, PodInfo>>();
  readonly #nominatedNode = new Map<string, string>();
  readonly #namespaces = new Map<string, Labels>();

  get nodes(): readonly NodeInfo[] {
    this.#list ??= [...this.#nodes.values()];
    return this.#list;
  }

  get(name: string): NodeInfo | undefined {
    return this.#nodes.get(name);
  }

  readonly namespaceLabels = (namespace: string): Labels | undefined => this.#namespaces.get(namespace);

  readonly nominated = (node: string): readonly PodInfo[] => {
    const pods = this.#nominated.get(node);
    return pods === undefined ? [] : [...pods.values()];
  };

  /** Adds or replaces a Node; returns whether it was new. */
  setNode(node: Node): boolean {
    const name = node.metadata.name ?? '';
    const known = this.#nodes.get(name);
    if (known !== undefined) {
      known.setNode(node);
      return false;
    }
    const info = new NodeInfo(node);
    for (const pod of this.#orphans.get(name)?.values() ?? []) info.addPod(pod);
    this.#orphans.delete(name);
    this.#nodes.set(name, info);
    this.#list = null;
    return true;
  }

  /** Forgets a Node; pods still counted on it wait for it to come back. */
  removeNode(name: string): void {
    const info = this.#nodes.get(name);
    if (info === undefined) return;
    this.#nodes.delete(name);
    this.#list = null;
    if (info.pods.size > 0) this.#orphans.set(name, new Map(info.pods));
  }

  /** Counts a pod bound to `node` (from the API); confirms it when it was assumed. */
  setPod(pod: PodInfo, node: string): void {
    this.#assumed.delete(pod.key);
    this.#place(pod, node);
  }

  /** Stops counting the pod wherever it was (deleted, or finished). */
  removePod(key: string): void {
    this.#assumed.delete(key);
    const node = this.#placements.get(key);
    if (node === undefined) return;
    this.#placements.delete(key);
    this.#nodes.get(node)?.removePod(key);
    const orphans = this.#orphans.get(node);
    orphans?.delete(key);
    if (orphans?.size === 0) this.#orphans.delete(node);
  }

  /** Counts the pod on the node chosen for it while its binding is under way. */
  assume(pod: PodInfo, node: string): void {
    this.unnominate(pod.key);
    this.#place(pod, node);
    this.#assumed.add(pod.key);
  }

  /** Undoes `assume` after a failed binding (a confirmed pod stays). */
  forget(key: string): void {
    if (this.#assumed.has(key)) this.removePod(key);
  }

  isAssumed(key: string): boolean {
    return this.#assumed.has(key);
  }

  /** Where the pod is counted, if anywhere. */
  nodeOf(key: string): string | undefined {
    return this.#placements.get(key);
  }

  /** Records that preemption made room for the pod on `node`. */
  nominate(pod: PodInfo, node: string): void {
    this.unnominate(pod.key);
    let pods = this.#nominated.get(node);
    if (pods === undefined) this.#nominated.set(node, (pods = new Map()));
    pods.set(pod.key, pod);
    this.#nominatedNode.set(pod.key, node);
  }

  unnominate(key: string): void {
    const node = this.#nominatedNode.get(key);
    if (node === undefined) return;
    this.#nominatedNode.delete(key);
    const pods = this.#nominated.get(node);
    pods?.delete(key);
    if (pods?.size === 0) this.#nominated.delete(node);
  }

  setNamespace(name: string, labels: Labels): void {
    this.#namespaces.set(name, labels);
  }

  deleteNamespace(name: string): void {
    this.#namespaces.delete(name);
  }

  #place(pod: PodInfo, node: string): void {
    const before = this.#placements.get(pod.key);
    if (before !== undefined && before !== node) this.removePod(pod.key);
    this.#placements.set(pod.key, node);
    const info = this.#nodes.get(node);
    if (info !== undefined) {
      info.addPod(pod);
      return;
    }
    let orphans = this.#orphans.get(node);
    if (orphans === undefined) this.#orphans.set(node, (orphans = new Map()));
    orphans.set(pod.key, pod);
  }
}
