/**
 * Seeded simulation of 3- and 5-member clusters under loss, duplication, reordering,
 * partitions, crashes (also inside Ready handling), compaction, snapshots, reads, leadership
 * transfers and membership changes, checking the Raft paper's Figure 3 properties as it goes.
 *
 * Long mode:   SKIFF_RAFT_SEEDS=20000 node --test internal/datastore/raft/simulation.test.ts
 *              (SKIFF_RAFT_FIRST_SEED=k starts elsewhere, SKIFF_RAFT_TICKS=n changes run length)
 * Replay:      SKIFF_RAFT_SEED=k [SKIFF_RAFT_TICKS=n] node --test internal/datastore/raft/simulation.test.ts
 *              (prints the whole trace of that run when it fails; a failure names this command)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapEntries } from './bootstrap.ts';
import { RawNode } from './raw-node.ts';
import { InvariantChecker, SafetyViolation, type LogView } from './sim/checker.ts';
import { runSimulation, SimulationFailure, type SimulationOptions } from './sim/run.ts';
import type { NodeFactory, RaftNodeLike } from './sim/sim-node.ts';
import type { Ready } from './types.ts';

const realNode: NodeFactory = (config) => new RawNode(config);

const defaultSeeds = 1000;
const defaultTicks = 1200;

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`Cannot use ${name}=${raw}: expected a non-negative integer`);
  return value;
}

/** Odd seeds run 3 members, even seeds 5, so a seed alone names its run. */
function membersFor(seed: number): number {
  return seed % 2 === 1 ? 3 : 5;
}

function options(seed: number, factory: NodeFactory = realNode): SimulationOptions {
  return {
    seed,
    members: membersFor(seed),
    ticks: envNumber('SKIFF_RAFT_TICKS') ?? defaultTicks,
    factory,
    bootstrap: bootstrapEntries,
  };
}

/** Runs seeds [first, first + count) and fails with the first failure's full message. */
function runSeeds(first: number, count: number, filter: (seed: number) => boolean): void {
  const failures: SimulationFailure[] = [];
  let runs = 0;
  for (let seed = first; seed < first + count; seed++) {
    if (!filter(seed)) continue;
    runs++;
    try {
      runSimulation(options(seed));
    } catch (error) {
      if (!(error instanceof SimulationFailure)) throw error;
      failures.push(error);
    }
  }
  const [firstFailure] = failures;
  if (firstFailure !== undefined) {
    assert.fail(`${failures.length} of ${runs} runs failed (seeds ${failures.map((f) => f.seed).join(', ')}); the first:\n${firstFailure.message}`);
  }
}

const replaySeed = envNumber('SKIFF_RAFT_SEED');
const seedCount = envNumber('SKIFF_RAFT_SEEDS') ?? defaultSeeds;
const firstSeed = envNumber('SKIFF_RAFT_FIRST_SEED') ?? 1;

if (replaySeed !== undefined) {
  test(`seed ${replaySeed} keeps every Raft invariant (replay with full trace)`, () => {
    try {
      const result = runSimulation({ ...options(replaySeed), fullTrace: true });
      console.log(JSON.stringify({ ...result, trace: undefined }, null, 2));
    } catch (error) {
      if (error instanceof SimulationFailure) console.log(error.trace.join('\n'));
      throw error;
    }
  });
} else {
  test(`3-member clusters keep every Raft invariant under faults (${Math.ceil(seedCount / 2)} seeds)`, () => {
    runSeeds(firstSeed, seedCount, (seed) => membersFor(seed) === 3);
  });

  test(`5-member clusters keep every Raft invariant under faults (${Math.floor(seedCount / 2)} seeds)`, () => {
    runSeeds(firstSeed, seedCount, (seed) => membersFor(seed) === 5);
  });
}

test('a seed replays to the same run, and another seed to a different one', () => {
  for (const seed of [7, 12, 31]) {
    const a = runSimulation(options(seed));
    const b = runSimulation(options(seed));
    assert.equal(a.digest, b.digest, `seed ${seed} gave two different runs`);
    assert.equal(a.events, b.events);
    assert.ok(a.events > 200, `seed ${seed} recorded only ${a.events} events`);
    const other = runSimulation(options(seed + 2));
    assert.notEqual(a.digest, other.digest);
  }
});

test('runs elect leaders, commit, snapshot, crash, answer reads and change membership', () => {
  const totals = { leaders: 0, applied: 0, snapshots: 0, crashes: 0, compactions: 0, readsAnswered: 0, membershipChanges: 0 };
  for (let seed = 1; seed <= 40; seed++) {
    const r = runSimulation(options(seed));
    totals.leaders += r.leaderTerms;
    totals.applied += r.highestApplied;
    totals.snapshots += r.stats.snapshots;
    totals.crashes += r.stats.crashes;
    totals.compactions += r.stats.compactions;
    totals.readsAnswered += r.readsAnswered;
    totals.membershipChanges += r.stats.membershipChanges;
  }
  for (const [what, count] of Object.entries(totals)) assert.ok(count > 40, `only ${count} ${what} over 40 runs`);
});

function view(terms: number[], snapshotIndex = 0): LogView {
  return { snapshotIndex, lastIndex: snapshotIndex + terms.length, termAt: (i) => terms[i - snapshotIndex - 1] };
}

test('the checker reports two leaders in one term (Election Safety)', () => {
  const checker = new InvariantChecker();
  checker.observeLeader(3, 'n1', view([1, 1]));
  checker.observeLeader(3, 'n1', view([1, 1]));
  assert.throws(() => checker.observeLeader(3, 'n2', view([1, 1])), (e) => e instanceof SafetyViolation && e.invariant === 'Election Safety');
});

test('the checker reports nodes applying different entries at one index (State Machine Safety)', () => {
  const checker = new InvariantChecker();
  checker.observeCommit('n1', 2, 2, view([1, 2]));
  checker.observeApply('n1', 0, 1, '1:a');
  checker.observeApply('n2', 0, 1, '1:a');
  assert.throws(() => checker.observeApply('n3', 0, 1, '1:b'), (e) => e instanceof SafetyViolation && e.invariant === 'State Machine Safety');
  assert.throws(() => checker.observeApply('n2', 1, 3, '2:c'), /State Machine Safety|Ready contract/);
  assert.throws(
    () => checker.checkPrefixes(new Map([['n1', ['1:a', '2:b']], ['n2', ['1:a', '2:x', '2:y']]])),
    (e) => e instanceof SafetyViolation && e.invariant === 'State Machine Safety',
  );
});

test('the checker reports a leader that lacks a committed entry (Leader Completeness), also when elected first', () => {
  const early = new InvariantChecker();
  early.observeCommit('n1', 2, 3, view([1, 2, 2]));
  assert.throws(() => early.observeLeader(3, 'n2', view([1, 2])), (e) => e instanceof SafetyViolation && e.invariant === 'Leader Completeness');
  early.observeLeader(4, 'n3', view([2], 2));

  const late = new InvariantChecker();
  late.observeLeader(5, 'n2', view([1, 2]));
  assert.throws(() => late.observeCommit('n1', 3, 3, view([1, 2, 3])), (e) => e instanceof SafetyViolation && e.invariant === 'Leader Completeness');
});

test('the checker reports a leader that commits by counting an entry of an earlier term (§5.4.2, Figure 8)', () => {
  const checker = new InvariantChecker();
  checker.observeLeaderCommit('n1', 4, 7, 4);
  assert.throws(() => checker.observeLeaderCommit('n1', 4, 6, 2), (e) => e instanceof SafetyViolation && e.invariant === 'Leader commit rule');
});

test('the checker reports logs that share an entry but differ before it (Log Matching)', () => {
  const checker = new InvariantChecker();
  checker.observeLogEntry('n1', 4, 2, 'chain-a');
  checker.observeLogEntry('n2', 4, 2, 'chain-a');
  assert.throws(() => checker.observeLogEntry('n3', 4, 2, 'chain-b'), (e) => e instanceof SafetyViolation && e.invariant === 'Log Matching');
});

test('the checker reports a read index below an entry applied before the read', () => {
  const checker = new InvariantChecker();
  checker.observeCommit('n1', 1, 2, view([1, 1]));
  checker.observeApply('n1', 0, 1, '1:a');
  checker.observeApply('n1', 1, 2, '1:b');
  checker.readIssued('n2', 'r1');
  checker.observeReadState('n2', { context: 'r1', index: 2 });
  assert.throws(() => checker.observeReadState('n2', { context: 'r1', index: 1 }), (e) => e instanceof SafetyViolation && e.invariant === 'Read index');
});

/** A node that applies a corrupted payload at index 12: the simulation must catch it and name the seed. */
function corruptingNode(config: Parameters<NodeFactory>[0]): RaftNodeLike {
  const node = new RawNode(config);
  const ready = node.ready.bind(node);
  return Object.assign(node, {
    ready(): Ready {
      const rd = ready();
      if (config.id !== 'n2') return rd;
      const committedEntries = rd.committedEntries.map((e) => (e.index === 12 ? { ...e, data: new TextEncoder().encode('corrupt') } : e));
      return { ...rd, committedEntries };
    },
  });
}

test('a node applying a corrupted entry fails the run with its seed and the replay command', () => {
  let caught: unknown;
  try {
    runSimulation({ ...options(3, corruptingNode), ticks: 300 });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof SimulationFailure, `expected a SimulationFailure, got ${String(caught)}`);
  assert.match(caught.message, /^seed 3 \(3 members\): safety violation: State Machine Safety/);
  assert.match(caught.message, /SKIFF_RAFT_SEED=3 SKIFF_RAFT_TICKS=300 node --test internal\/datastore\/raft\/simulation\.test\.ts/);
});
