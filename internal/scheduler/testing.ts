/** Builders of pods, nodes and snapshots for the scheduler's tests. */
import { SchedulerCache } from './cache.ts';
import { isRejection, type FilterPlugin, type Rejection, type ScorePlugin } from './framework.ts';
import { podInfo, type PodInfo } from './pod-info.ts';
import type { Affinity, Container, Node, Pod, PodSpec, Taint, Toleration, TopologySpreadConstraint } from './types.ts';

export interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  cpu?: string;
  memory?: string;
  containers?: Container[];
  initContainers?: Container[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  hostPort?: number;
  priority?: number;
  spread?: TopologySpreadConstraint[];
  owner?: string;
  nominatedNodeName?: string;
  preemptionPolicy?: string;
  startTime?: string;
  terminating?: boolean;
  spec?: PodSpec;
}

/** A pod with one container (requests from `cpu`/`memory`) unless `containers` is given. */
export function makePod(name: string, options: PodOptions = {}): Pod {
  const requests: Record<string, string> = {};
  if (options.cpu !== undefined) requests.cpu = options.cpu;
  if (options.memory !== undefined) requests.memory = options.memory;
  const container: Container = { name: 'main', resources: { requests } };
  if (options.hostPort !== undefined) container.ports = [{ containerPort: 80, hostPort: options.hostPort }];
  const spec: PodSpec = { containers: options.containers ?? [container], ...options.spec };
  if (options.initContainers) spec.initContainers = options.initContainers;
  if (options.nodeName) spec.nodeName = options.nodeName;
  if (options.nodeSelector) spec.nodeSelector = options.nodeSelector;
  if (options.affinity) spec.affinity = options.affinity;
  if (options.tolerations) spec.tolerations = options.tolerations;
  if (options.spread) spec.topologySpreadConstraints = options.spread;
  if (options.preemptionPolicy) spec.preemptionPolicy = options.preemptionPolicy;
  spec.priority = options.priority ?? 0;
  const metadata: Pod['metadata'] = { name, namespace: options.namespace ?? 'default', uid: `uid-${name}`, labels: options.labels ?? {} };
  if (options.owner) metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: options.owner, uid: `uid-${options.owner}`, controller: true }];
  if (options.terminating) metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  const status: Pod['status'] = { phase: 'Pending' };
  if (options.nominatedNodeName) status.nominatedNodeName = options.nominatedNodeName;
  if (options.startTime) status.startTime = options.startTime;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec, status };
}

/** The pod prepared with its spec.priority. */
export function makePodInfo(name: string, options: PodOptions = {}): PodInfo {
  const pod = makePod(name, options);
  return podInfo(pod, pod.spec?.priority ?? 0);
}

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  ready?: 'True' | 'False' | 'Unknown' | null;
  extra?: Record<string, string>;
}

/** A Ready node with 4 cpu, 8Gi and room for 110 pods unless told otherwise; labelled with its hostname. */
export function makeNode(name: string, options: NodeOptions = {}): Node {
  const allocatable = { cpu: options.cpu ?? '4', memory: options.memory ?? '8Gi', pods: options.pods ?? '110', ...options.extra };
  const ready = options.ready === undefined ? 'True' : options.ready;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...options.labels } },
    spec: { unschedulable: options.unschedulable ?? false, taints: options.taints ?? [] },
    status: { allocatable, capacity: allocatable, conditions: ready === null ? [] : [{ type: 'Ready', status: ready }] },
  };
}

/** A cache holding the nodes and, bound to their nodes, the pods. */
export function makeCluster(nodes: Node[], pods: Array<{ pod: PodInfo; node: string }> = []): SchedulerCache {
  const cache = new SchedulerCache();
  for (const node of nodes) cache.setNode(node);
  for (const { pod, node } of pods) cache.setPod(pod, node);
  return cache;
}

/** A deterministic random source (a linear congruential generator) for tie-breaking tests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** What one filter plugin says about `pod` on `node` (null: fits). */
export function runFilter(plugin: FilterPlugin, pod: PodInfo, cluster: SchedulerCache, node: string): Rejection | null {
  const prepared = plugin.prepare({ pod, snapshot: cluster });
  if (prepared === null) return null;
  if (isRejection(prepared)) return prepared;
  const info = cluster.get(node);
  if (info === undefined) throw new Error(`no node ${node} in the test cluster`);
  return prepared.filter(info);
}

/** One score plugin's normalized scores for `pod` over all nodes of the cluster (null: the plugin skips the pod). */
export function runScore(plugin: ScorePlugin, pod: PodInfo, cluster: SchedulerCache): Record<string, number> | null {
  const nodes = cluster.nodes;
  const scorer = plugin.prepare({ pod, snapshot: cluster }, nodes);
  if (scorer === null) return null;
  const scores = nodes.map((node) => scorer.score(node));
  scorer.normalize?.(scores, nodes);
  return Object.fromEntries(nodes.map((node, i) => [node.name, scores[i] ?? 0]));
}
