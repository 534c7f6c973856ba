import type { NodeId } from '../types.ts';
import { SafetyViolation } from './checker.ts';
import { Cluster, stepsPerTick, type Bootstrap } from './cluster.ts';
import { Events, membersOf } from './events.ts';
import { calmNetwork } from './network.ts';
import { Random } from './random.ts';
import { drawScenario, type Scenario } from './scenario.ts';
import type { NodeFactory, SimNode } from './sim-node.ts';
import { Trace } from './trace.ts';

export interface SimulationOptions {
  seed: number;
  /** Voting members the cluster is formed (or grown) with: 3 or 5. */
  members: number;
  /** Ticks of faults before the network heals. */
  ticks: number;
  /** Ticks after healing within which a fresh proposal must be applied everywhere (default 400 + committed entries). */
  settleTicks?: number;
  factory: NodeFactory;
  bootstrap: Bootstrap;
  /** Keep every trace line (for replaying one seed). */
  fullTrace?: boolean;
}

export interface SimulationResult {
  seed: number;
  scenario: Scenario;
  /** Digest of every event of the run: equal seeds give equal digests. */
  digest: string;
  events: number;
  /** Ticks the cluster needed after healing to apply a fresh proposal everywhere. */
  settledIn: number;
  highestApplied: number;
  leaderTerms: number;
  readsAnswered: number;
  stats: Cluster['stats'];
  trace: string[] | undefined;
}

/** A run broke an invariant or made no progress; the message says which seed and how to replay it. */
export class SimulationFailure extends Error {
  readonly seed: number;
  /** The run's whole trace when it was kept, else its last events. */
  readonly trace: string[];
  override readonly cause: unknown;
  constructor(seed: number, members: number, ticks: number, cause: unknown, tail: string[], trace: string[]) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const kind = cause instanceof SafetyViolation ? 'safety violation' : 'failure';
    super(
      `seed ${seed} (${members} members): ${kind}: ${reason}\n` +
        `replay: SKIFF_RAFT_SEED=${seed} SKIFF_RAFT_TICKS=${ticks} node --test internal/datastore/raft/simulation.test.ts\n` +
        `last events:\n  ${tail.join('\n  ')}` +
        (cause instanceof Error && !(cause instanceof SafetyViolation) ? `\n${cause.stack ?? ''}` : ''),
    );
    this.seed = seed;
    this.trace = trace;
    this.cause = cause;
  }
}

/** The cluster made no progress after every fault was healed. */
export class LivenessFailure extends Error {}

const finalPayload = 'final';

/** Runs one seeded simulation; throws SimulationFailure on any violated invariant. */
export function runSimulation(options: SimulationOptions): SimulationResult {
  const random = new Random(options.seed * 8 + options.members);
  const scenario = drawScenario(random.fork(), options.members);
  const trace = new Trace(120, options.fullTrace ?? false);
  let cluster: Cluster | undefined;
  try {
    cluster = new Cluster(scenario, random.fork(), options.factory, options.bootstrap, trace);
    const events = new Events(cluster, random.fork());
    for (let t = 0; t < options.ticks; t++) {
      cluster.beginTick();
      events.run();
      cluster.tickAll();
      for (let s = 0; s < stepsPerTick; s++) cluster.networkStep();
    }
    // A member far behind catches up at the configured pace (one entry per message at
    // worst), so the allowance grows with the log.
    const settledIn = settle(cluster, options.settleTicks ?? 400 + cluster.checker.highestCommitted);
    const sequences = new Map<NodeId, readonly string[]>();
    for (const node of cluster.nodes.values()) sequences.set(node.id, node.store.applied());
    cluster.checker.checkPrefixes(sequences);
    return {
      seed: options.seed,
      scenario,
      digest: trace.value(),
      events: trace.events,
      settledIn,
      highestApplied: cluster.checker.highestApplied,
      leaderTerms: cluster.checker.leaderTerms,
      readsAnswered: cluster.checker.readsAnswered,
      stats: cluster.stats,
      trace: trace.full,
    };
  } catch (error) {
    const nodes = cluster === undefined ? [] : describeNodes(cluster);
    const tail = [...trace.tail(), ...nodes];
    throw new SimulationFailure(options.seed, options.members, options.ticks, error, tail, trace.full === undefined ? tail : [...trace.full, ...nodes]);
  }
}

/**
 * Heals every fault and restarts every member, then waits for a leader and for a fresh
 * proposal to be applied on every live member (Raft's liveness once a quorum can talk).
 */
function settle(cluster: Cluster, bound: number): number {
  cluster.network.heal();
  cluster.network.faults = calmNetwork;
  cluster.faulty = false;
  cluster.restartAll();
  cluster.note('all faults healed');
  const encoder = new TextEncoder();
  let proposedAt = -Infinity;
  for (let t = 0; t < bound; t++) {
    cluster.beginTick();
    cluster.tickAll();
    for (let s = 0; s < stepsPerTick; s++) cluster.networkStep();
    const leader = cluster.leader();
    if (leader?.raft === undefined) continue;
    const members = membersOf(leader);
    if (members.every((id) => hasFinal(cluster.nodes.get(id)))) return t + 1;
    if (!hasFinal(leader) && t - proposedAt >= 30) {
      proposedAt = t;
      try {
        leader.raft.propose(encoder.encode(finalPayload));
        cluster.note(`${leader.id} accepts the final proposal`);
      } catch (error) {
        cluster.note(`${leader.id} refuses the final proposal: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  throw new LivenessFailure(`no leader applied a fresh proposal on every live member within ${bound} ticks of healing`);
}

function hasFinal(node: SimNode | undefined): boolean {
  if (node === undefined || !node.live) return false;
  const applied = node.store.applied();
  for (let i = applied.length - 1; i >= 0; i--) {
    if (applied[i]?.endsWith(`:${finalPayload}`) === true) return true;
  }
  return false;
}

function describeNodes(cluster: Cluster): string[] {
  const lines: string[] = ['nodes at failure:'];
  for (const node of cluster.nodes.values()) {
    const status = node.raft?.status();
    const s = node.store;
    lines.push(
      `${node.id}: ${node.removed ? 'removed' : node.live ? 'live' : 'down'} role=${status?.role ?? '-'} term=${status?.term ?? s.hardState.term} ` +
        `leader=${status?.leader ?? '-'} commit=${status?.commit ?? s.hardState.commit} applied=${s.appliedIndex} ` +
        `log=${s.firstIndex()}..${s.lastIndex()} conf=${JSON.stringify(s.appliedConf)}`,
    );
  }
  return lines;
}
