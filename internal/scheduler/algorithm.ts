/**
 * One scheduling decision, as kube-scheduler's schedulePod: PreFilter every filter
 * plugin, look for feasible nodes starting where the last decision stopped (and stop
 * once enough are found: all nodes up to 100, then an adaptive share down to 5 %),
 * score the feasible ones, weight and add the scores, and pick the best, breaking ties
 * at random. Pure: the caller passes the snapshot and the random source.
 */
import { isRejection, type Cycle, type FilterPlugin, type NodeFilter, type Rejection, type ScorePlugin, type Snapshot } from './framework.ts';
import { newDiagnosis, type Diagnosis } from './fit-error.ts';
import type { NodeInfo } from './node-info.ts';
import type { PodInfo } from './pod-info.ts';
import { defaultFilters, defaultScores } from './plugins/defaults.ts';

/** A source of floats in [0, 1), like Math.random. */
export type Random = () => number;

/** How a SchedulingAlgorithm decides; only `random` is required. */
export interface AlgorithmOptions {
  random: Random;
  filters?: readonly FilterPlugin[];
  scores?: readonly ScorePlugin[];
  /** Share of nodes to find feasible before stopping, 1..100; 0 or unset: kube-scheduler's adaptive share. */
  percentageOfNodesToScore?: number;
}

/** A node for the pod, or the record of why every node refused it. */
export type Decision =
  | { kind: 'fit'; node: string; feasibleNodes: number; evaluatedNodes: number }
  | { kind: 'unfit'; diagnosis: Diagnosis; numAllNodes: number };

/** Filters prepared for one pod against one snapshot. */
export interface PreparedFilters {
  checks: Array<{ plugin: string; filter: NodeFilter }>;
  /** Only these nodes can fit; undefined: any node. */
  nodeNames: ReadonlySet<string> | undefined;
  plugins: string[];
  /** Set when a PreFilter ruled out every node. */
  rejection: Rejection | null;
}

const minFeasibleNodesToFind = 100;
const minFeasibleNodesPercentageToFind = 5;

/** Runs every filter plugin's PreFilter for `cycle`. */
export function prepareFilters(filters: readonly FilterPlugin[], cycle: Cycle): PreparedFilters {
  const prepared: PreparedFilters = { checks: [], nodeNames: undefined, plugins: [], rejection: null };
  for (const plugin of filters) {
    const result = plugin.prepare(cycle);
    if (result === null) continue;
    if (isRejection(result)) {
      prepared.rejection = result;
      return prepared;
    }
    prepared.checks.push({ plugin: plugin.name, filter: result.filter });
    if (result.nodeNames !== undefined) {
      prepared.plugins.push(plugin.name);
      const before = prepared.nodeNames;
      prepared.nodeNames = before === undefined ? result.nodeNames : new Set([...before].filter((name) => result.nodeNames?.has(name)));
    }
  }
  return prepared;
}

/** The first rejection of `node` by the prepared filters, or null when it passes. */
export function runFilters(prepared: PreparedFilters, node: NodeInfo): Rejection | null {
  for (const { filter } of prepared.checks) {
    const rejection = filter(node);
    if (rejection !== null) return rejection;
  }
  return null;
}

/** kube-scheduler's numFeasibleNodesToFind. */
export function feasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
  let share = percentage;
  if (share <= 0) share = Math.max(minFeasibleNodesPercentageToFind, 50 - Math.trunc(numAllNodes / 125));
  if (share >= 100) return numAllNodes;
  return Math.max(minFeasibleNodesToFind, Math.trunc((numAllNodes * share) / 100));
}

/** Decides where pods go; keeps only where the next search starts. */
export class SchedulingAlgorithm {
  readonly filters: readonly FilterPlugin[];
  readonly #scores: readonly ScorePlugin[];
  readonly #random: Random;
  readonly #percentage: number;
  #nextStartNodeIndex = 0;

  constructor(options: AlgorithmOptions) {
    this.filters = options.filters ?? defaultFilters;
    this.#scores = options.scores ?? defaultScores;
    this.#random = options.random;
    this.#percentage = options.percentageOfNodesToScore ?? 0;
  }

  /** Where `pod` should go in `snapshot`, or why it fits nowhere. `snapshot` must hold at least one node. */
  schedule(pod: PodInfo, snapshot: Snapshot): Decision {
    const cycle: Cycle = { pod, snapshot };
    const numAllNodes = snapshot.nodes.length;
    const diagnosis = newDiagnosis();
    const prepared = prepareFilters(this.filters, cycle);
    if (prepared.rejection !== null) {
      for (const node of snapshot.nodes) diagnosis.nodes.set(node.name, prepared.rejection);
      diagnosis.preFilterMessage = prepared.rejection.reasons.join(', ');
      return { kind: 'unfit', diagnosis, numAllNodes };
    }
    // A node chosen by an earlier preemption is tried first, as it was made room on.
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated) {
      const node = snapshot.get(nominated);
      if (node !== undefined && (prepared.nodeNames === undefined || prepared.nodeNames.has(nominated)) && this.#passes(prepared, pod, snapshot, node) === null) {
        return { kind: 'fit', node: nominated, feasibleNodes: 1, evaluatedNodes: 1 };
      }
    }
    let nodes = snapshot.nodes;
    if (prepared.nodeNames !== undefined) {
      const names = prepared.nodeNames;
      nodes = [...names].map((name) => snapshot.get(name)).filter((node): node is NodeInfo => node !== undefined);
      diagnosis.absent = { plugin: prepared.plugins[0] ?? '', code: 'UnschedulableAndUnresolvable', reasons: [`node(s) didn't satisfy plugin(s) [${[...prepared.plugins].sort().join(' ')}]`] };
    }
    const feasible = this.#findFeasible(prepared, pod, snapshot, nodes, diagnosis);
    if (feasible.length === 0) return { kind: 'unfit', diagnosis, numAllNodes };
    const evaluatedNodes = feasible.length + diagnosis.nodes.size;
    if (feasible.length === 1) return { kind: 'fit', node: feasible[0]?.name ?? '', feasibleNodes: 1, evaluatedNodes };
    const totals = this.#score(cycle, feasible);
    return { kind: 'fit', node: feasible[this.#select(totals)]?.name ?? '', feasibleNodes: feasible.length, evaluatedNodes };
  }

  #findFeasible(prepared: PreparedFilters, pod: PodInfo, snapshot: Snapshot, nodes: readonly NodeInfo[], diagnosis: Diagnosis): NodeInfo[] {
    const wanted = feasibleNodesToFind(nodes.length, this.#percentage);
    const feasible: NodeInfo[] = [];
    const start = nodes.length === 0 ? 0 : this.#nextStartNodeIndex % nodes.length;
    let processed = 0;
    for (let i = 0; i < nodes.length && feasible.length < wanted; i++) {
      const node = nodes[(start + i) % nodes.length];
      if (node === undefined) continue;
      processed++;
      const rejection = this.#passes(prepared, pod, snapshot, node);
      if (rejection === null) feasible.push(node);
      else diagnosis.nodes.set(node.name, rejection);
    }
    if (nodes.length > 0) this.#nextStartNodeIndex = (start + processed) % nodes.length;
    return feasible;
  }

  /**
   * Runs the filters; when pods of at least this priority are nominated to the node
   * (room was made for them there), the node must also fit with them placed.
   */
  #passes(prepared: PreparedFilters, pod: PodInfo, snapshot: Snapshot, node: NodeInfo): Rejection | null {
    const nominated = snapshot.nominated?.(node.name)?.filter((other) => other.key !== pod.key && other.priority >= pod.priority) ?? [];
    if (nominated.length > 0) {
      const withNominated = node.clone();
      for (const other of nominated) withNominated.addPod(other);
      const rejection = runFilters(prepared, withNominated);
      if (rejection !== null) return rejection;
    }
    return runFilters(prepared, node);
  }

  #score(cycle: Cycle, feasible: readonly NodeInfo[]): number[] {
    const totals: number[] = new Array<number>(feasible.length).fill(0);
    for (const plugin of this.#scores) {
      const scorer = plugin.prepare(cycle, feasible);
      if (scorer === null) continue;
      const scores = feasible.map((node) => scorer.score(node));
      scorer.normalize?.(scores, feasible);
      for (let i = 0; i < scores.length; i++) totals[i] = (totals[i] ?? 0) + (scores[i] ?? 0) * plugin.weight;
    }
    return totals;
  }

  /** The index of a best total; among equals, each is equally likely (reservoir sampling). */
  #select(totals: readonly number[]): number {
    let best = 0;
    let bestScore = totals[0] ?? 0;
    let ties = 1;
    for (let i = 1; i < totals.length; i++) {
      const score = totals[i] ?? 0;
      if (score > bestScore) {
        bestScore = score;
        best = i;
        ties = 1;
      } else if (score === bestScore) {
        ties++;
        if (Math.floor(this.#random() * ties) === 0) best = i;
      }
    }
    return best;
  }
}
