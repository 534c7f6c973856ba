import type { NetworkFaults } from './network.ts';
import type { Random } from './random.ts';

/** The shape of one simulated run, drawn from its seed. */
export interface Scenario {
  members: number;
  /** 'formed': all members share a bootstrapped log; 'grown': one node bootstraps and the rest join. */
  start: 'formed' | 'grown';
  /** Members are added, promoted and removed while faults go on. */
  churn: boolean;
  network: NetworkFaults;
  /** Per tick: chance that a partition starts (when none is active), and its length in ticks. */
  partitionChance: number;
  partitionTicks: [number, number];
  /** Per tick and live node: chance of a crash; and per Ready: chance of a crash inside it. */
  crashChance: number;
  /** Per tick: chance that the current leader crashes (terms turn over with divergent logs). */
  leaderCrashChance: number;
  readyCrashChance: number;
  /** Per Ready that carries votes or vote requests: chance of a crash inside it (just after voting). */
  voteCrashChance: number;
  /** Per Ready in which a leader advances its commit index: chance of a crash inside it. */
  commitCrashChance: number;
  /** Per Ready in which a node becomes leader: chance of a crash inside it. */
  electedCrashChance: number;
  restartTicks: [number, number];
  /** Per tick: chance of a compaction on some node, a proposal, a read, a transfer (campaigns: half of it). */
  compactChance: number;
  proposeChance: number;
  readChance: number;
  transferChance: number;
  /** Ticks between membership operations in churn runs. */
  churnTicks: [number, number];
  preVote: boolean;
  checkQuorum: boolean;
  electionTicks: number;
  heartbeatTicks: number;
  maxSizePerMsg: number;
  maxInflightMsgs: number;
}

/** Draws a scenario for a cluster of `members`; the draw uses only `random`. */
export function drawScenario(random: Random, members: number): Scenario {
  const calm = random.chance(0.15);
  const scenario = drawFaults(random, members, calm);
  // A storm: leaders die as soon as they win or commit and come back at once, and entries
  // travel one per message, so logs diverge at the same index over several terms (the
  // situation of the Raft paper's Figure 8).
  if (!calm && random.chance(0.2)) {
    return {
      ...scenario,
      electedCrashChance: random.pick([0.3, 0.5]),
      commitCrashChance: random.pick([0.1, 0.3]),
      leaderCrashChance: 0.02,
      restartTicks: [0, 2],
      maxSizePerMsg: 1,
    };
  }
  return scenario;
}

function drawFaults(random: Random, members: number, calm: boolean): Scenario {
  return {
    members,
    start: random.chance(0.25) ? 'grown' : 'formed',
    churn: random.chance(0.3),
    network: {
      loss: calm ? 0 : random.pick([0, 0.01, 0.05, 0.15]),
      duplicate: calm ? 0 : random.pick([0, 0.02, 0.1]),
      maxDelay: random.int(1, 4),
      slow: calm ? 0 : random.pick([0, 0.01, 0.05]),
      slowDelay: random.int(10, 60),
      reorder: calm ? 0 : random.pick([0, 0.02, 0.2]),
    },
    partitionChance: calm ? 0 : random.pick([0, 0.01, 0.03]),
    partitionTicks: [5, random.int(20, 120)],
    crashChance: calm ? 0 : random.pick([0, 0.001, 0.004]),
    leaderCrashChance: calm ? 0 : random.pick([0, 0.005, 0.02]),
    readyCrashChance: calm ? 0 : random.pick([0, 0.002, 0.01]),
    voteCrashChance: calm ? 0 : random.pick([0, 0.05, 0.2]),
    commitCrashChance: calm ? 0 : random.pick([0, 0.02, 0.1]),
    electedCrashChance: calm ? 0 : random.pick([0, 0.1, 0.3]),
    restartTicks: [0, random.pick([2, 10, 60])],
    compactChance: random.pick([0, 0.02, 0.1]),
    proposeChance: random.pick([0.1, 0.3, 0.8]),
    readChance: random.pick([0, 0.02, 0.1]),
    transferChance: random.pick([0, 0.005, 0.02]),
    churnTicks: [20, random.int(40, 150)],
    preVote: random.chance(0.8),
    checkQuorum: random.chance(0.8),
    electionTicks: random.pick([5, 10, 10, 20]),
    heartbeatTicks: random.chance(0.8) ? 1 : 2,
    maxSizePerMsg: random.pick([1, 64, 1024, 1024 * 1024]),
    maxInflightMsgs: random.pick([2, 16, 256]),
  };
}
