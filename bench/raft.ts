/**
 * Raft benchmark: commit throughput and p99 latency with 16 concurrent clients for the
 * unreplicated store (group commit, the baseline), one Raft member, and three members;
 * then the time from killing a three-member cluster's leader to the first write a new
 * leader acknowledges. The three members run in this one process over an in-process
 * network (each with its own SQLite file and fsyncs), so they share one CPU: a cluster of
 * three machines has three times the CPU.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { UnavailableError, WriteTimeoutError } from '../internal/datastore/errors.ts';
import { MvccStore } from '../internal/datastore/mvcc/store.ts';
import { LocalNetwork } from '../internal/datastore/replicated/local-network.ts';
import { openReplicatedStore } from '../internal/datastore/replicated/open.ts';
import { TestCluster, until } from '../internal/datastore/replicated/test-cluster.ts';
import type { Backend } from '../internal/datastore/types.ts';
import { figure, percentile, target } from './report.ts';

// Enough writes per run for steady state: a couple of thousand are over before the code is warm.
const writes = Number(process.env.BENCH_RAFT_WRITES ?? '6000');
const rounds = 9;
const clients = 16;
const value = new TextEncoder().encode(JSON.stringify({ kind: 'ConfigMap', data: { payload: 'x'.repeat(400) } }));

interface Rate {
  perSecond: number;
  p99: number;
}

async function load(store: Backend, prefix: string): Promise<Rate> {
  const perClient = Math.ceil(writes / clients);
  const samples: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; i < perClient; i++) {
        const t0 = performance.now();
        await store.create(`/registry/configmaps/${prefix}/c${c}-${i}`, value);
        samples.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: (perClient * clients) / seconds, p99: percentile(samples, 99) };
}

async function unreplicated(dir: string): Promise<Rate> {
  mkdirSync(dir, { recursive: true });
  const store = MvccStore.open({ file: join(dir, 'plain.db'), compactIntervalMs: 0 });
  try {
    return await load(store, 'plain');
  } finally {
    await store.close();
  }
}

async function oneMember(dir: string): Promise<Rate> {
  const network = new LocalNetwork();
  const { store, node } = openReplicatedStore({
    file: join(dir, 'one.db'),
    id: 'one',
    peerUrl: 'local://one',
    compactIntervalMs: 0,
    member: { transport: network.transport('one'), snapshotDir: join(dir, 'one-snapshots') },
  });
  network.attach(node);
  try {
    await until(() => node.leads(), 'the member to lead');
    return await load(store, 'one');
  } finally {
    await store.close();
  }
}

async function threeMembers(dir: string): Promise<Rate> {
  const cluster = await TestCluster.start({ dir: join(dir, 'three'), size: 3, tickMs: 100 });
  try {
    const leader = await cluster.waitForLeader();
    return await load(leader.store, 'three');
  } finally {
    await cluster.close();
  }
}

/** Kill the leader under a trickle of writes; time until a write is acknowledged again. */
async function failover(dir: string): Promise<number> {
  const cluster = await TestCluster.start({ dir: join(dir, 'failover'), size: 3, tickMs: 100 });
  try {
    const leader = await cluster.waitForLeader();
    for (let i = 0; i < 50; i++) await leader.store.create(`/registry/configmaps/f/warm-${i}`, value);
    const survivor = cluster.other(leader.id);
    const killedAt = performance.now();
    await cluster.kill(leader.id);
    for (let attempt = 0; ; attempt++) {
      try {
        await survivor.store.create(`/registry/configmaps/f/after-${attempt}`, value);
        return performance.now() - killedAt;
      } catch (error) {
        // No leader yet (503) or the write lost with the old one (504): exactly the wait being measured.
        if (!(error instanceof UnavailableError || error instanceof WriteTimeoutError)) throw error;
        if (performance.now() - killedAt > 30_000) throw new Error('no new leader within 30 s');
        // A refusal can come at once: let the members' timers run before asking again.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  } finally {
    await cluster.close();
  }
}

export async function runRaftBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-raft-'));
  try {
    // The disk's sync speed drifts over a run: the two are measured in alternation, and
    // the ratio is the median of the rounds' ratios.
    const measured: Array<{ plain: Rate; one: Rate }> = [];
    for (let round = 0; round < rounds; round++) {
      const at = join(dir, `r${round}`);
      mkdirSync(at, { recursive: true });
      // Which goes first alternates, so neither always meets the disk as the other left it.
      if (round % 2 === 0) {
        const plain = await unreplicated(at);
        measured.push({ plain, one: await oneMember(at) });
      } else {
        const one = await oneMember(at);
        measured.push({ plain: await unreplicated(at), one });
      }
    }
    const ratios = measured.map((round) => round.one.perSecond / round.plain.perSecond);
    const ratio = percentile(ratios, 50);
    const middle = measured[ratios.indexOf(ratio)] ?? measured[0];
    if (middle === undefined) throw new Error('no rounds');
    const { plain, one } = middle;
    const three = await threeMembers(dir);
    figure('raft_unreplicated_writes_per_s', plain.perSecond, 0);
    figure('raft_unreplicated_p99_ms', plain.p99);
    figure('raft_single_writes_per_s', one.perSecond, 0);
    figure('raft_single_p99_ms', one.p99);
    figure('raft_three_writes_per_s', three.perSecond, 0);
    figure('raft_three_p99_ms', three.p99);
    figure('raft_single_vs_unreplicated_ratios', ratios.map((r) => r.toFixed(2)).join(','));
    figure('raft_single_vs_unreplicated_ratio', ratio);
    target('raft_single_vs_unreplicated_ratio', ratio >= 0.8, '>=0.8');
    const failovers: number[] = [];
    for (let i = 0; i < 3; i++) failovers.push(await failover(join(dir, `f${i}`)));
    const failoverMs = percentile(failovers, 50);
    figure('raft_failover_ms', failoverMs, 0);
    figure('raft_failover_worst_ms', Math.max(...failovers), 0);
    target('raft_failover_ms', failoverMs <= 1500, '<=1500');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
