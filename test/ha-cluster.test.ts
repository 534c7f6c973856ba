/**
 * The HA control plane end to end: three real `skiff server` processes on 127.0.0.1–3
 * replicating through embedded Raft, under SIGKILL of the leader, a partitioned follower and
 * concurrent clients whose history is checked for linearizability.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { startHaCluster, startSingleServer, type HaCluster } from './support/ha-cluster.ts';
import { skiffBinary, skiffEnv } from './support/skiff-server.ts';
import { performKv, startKvRecorder, type KvRecording } from './support/kv-recorder.ts';
import { checkOperations, kvModel, type CheckResult, type KvInput, type KvOutput } from './support/linearizability.ts';
import { jsonBody } from './support/raw-https.ts';
import { eventually } from './support/poll.ts';

const namespace = 'default';

interface Ack {
  version: string;
  call: number;
  return: number;
}

/** Creates ConfigMaps `<prefix>-<writer>-<n>` from `writers` sequential writers, in turn against each of `servers()`. */
function startCreateLoad(cluster: HaCluster, prefix: string, writers: number, servers: () => string[]): { acked: Map<string, Ack>; stop(): Promise<void> } {
  const acked = new Map<string, Ack>();
  let stopped = false;
  const writer = async (w: number): Promise<void> => {
    for (let n = 0; !stopped; n++) {
      const live = servers();
      const server = live[(w + n) % live.length] ?? 's1';
      const key = `${prefix}-${w}-${n}`;
      const call = performance.now();
      const outcome = await performKv((s, req, ms) => cluster.send(s, req, ms), server, namespace, { op: 'create', key, value: key }, 5000);
      if (outcome.kind === 'answered' && outcome.output.result === 'ok' && outcome.output.version !== undefined) {
        acked.set(key, { version: outcome.output.version, call, return: performance.now() });
      }
    }
  };
  const running = Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
  return {
    acked,
    async stop() {
      stopped = true;
      await running;
    },
  };
}

/** name → resourceVersion of the ConfigMaps starting with `prefix`, read from `server` (a linearizable list). */
async function listed(cluster: HaCluster, server: string, prefix: string): Promise<Map<string, string>> {
  const response = await cluster.send(server, { method: 'GET', path: `/api/v1/namespaces/${namespace}/configmaps` }, 10_000);
  assert.equal(response.status, 200, `${server} answered ${response.status} to the list: ${response.body.toString().slice(0, 300)}`);
  const body = jsonBody(response) as { items?: Array<{ metadata?: { name?: string; resourceVersion?: string } }> };
  const found = new Map<string, string>();
  for (const item of body.items ?? []) {
    const name = item.metadata?.name ?? '';
    if (name.startsWith(prefix)) found.set(name, item.metadata?.resourceVersion ?? '');
  }
  return found;
}

/** Checks every acknowledged create is listed by `server` with the resourceVersion it was acknowledged with. */
async function assertAllPresent(cluster: HaCluster, server: string, prefix: string, acked: Map<string, Ack>): Promise<void> {
  const found = await listed(cluster, server, prefix);
  const missing = [...acked].filter(([name, ack]) => found.get(name) !== ack.version);
  assert.deepEqual(missing.slice(0, 10).map(([name, ack]) => `${name}@${ack.version} listed as ${found.get(name) ?? 'absent'}`), [], `${server} lost ${missing.length} of ${acked.size} acknowledged creates`);
}

function otherThan(cluster: HaCluster, ...names: string[]): string {
  const other = cluster.names.find((name) => !names.includes(name));
  if (other === undefined) throw new Error(`every member is one of ${names.join(', ')}`);
  return other;
}

it('a new leader serves writes within 2 s of the leader being SIGKILLed under load, and no acknowledged write is lost', async (t) => {
  const cluster = await startHaCluster(t);
  const leader = await cluster.leader();
  const load = startCreateLoad(cluster, 'load', 6, () => cluster.names.filter((name) => cluster.running(name)));
  await eventually('the load to acknowledge 100 creates', () => load.acked.size >= 100, 30_000, 20);

  const killedAt = await cluster.kill(leader, 'SIGKILL');
  // Fresh writes every 20 ms to the survivors besides the load: the first acknowledged one
  // that was sent after the kill marks when the cluster served writes again.
  let probes = 0;
  const probed = new Map<string, Ack>();
  const firstAck = (): number | undefined => {
    const after = [...load.acked.values(), ...probed.values()].filter((ack) => ack.call >= killedAt).map((ack) => ack.return);
    return after.length === 0 ? undefined : Math.min(...after);
  };
  const probe = async (): Promise<void> => {
    const survivors = cluster.names.filter((name) => cluster.running(name));
    const key = `probe-${probes++}`;
    const call = performance.now();
    const outcome = await performKv((s, req, ms) => cluster.send(s, req, ms), survivors[probes % survivors.length] ?? 's1', namespace, { op: 'create', key, value: key }, 5000);
    if (outcome.kind === 'answered' && outcome.output.result === 'ok' && outcome.output.version !== undefined) probed.set(key, { version: outcome.output.version, call, return: performance.now() });
  };
  const inFlight: Promise<void>[] = [];
  const served = await eventually('an acknowledged write sent after the kill', () => {
    inFlight.push(probe());
    return firstAck();
  }, 15_000, 20);
  const failoverMs = Math.round(served - killedAt);
  const newLeader = await cluster.leader();
  const before = load.acked.size;
  await eventually('the load to go on under the new leader', () => load.acked.size >= before + 50, 15_000, 20);
  await load.stop();
  await Promise.all(inFlight);
  t.diagnostic(`killed leader ${leader}; ${newLeader} leads; first write acknowledged ${failoverMs} ms after the kill; ${load.acked.size} load and ${probed.size} probe creates acknowledged`);
  assert.ok(failoverMs <= 2000, `the first write after the kill was acknowledged ${failoverMs} ms after it, want at most 2000 ms`);

  for (const server of cluster.names.filter((name) => cluster.running(name))) {
    await assertAllPresent(cluster, server, 'load-', load.acked);
    await assertAllPresent(cluster, server, 'probe-', probed);
  }

  await cluster.restart(leader);
  const { leader: led, member } = await cluster.waitCaughtUp(leader);
  t.diagnostic(`${leader} restarted: applied ${member.applied}, leader commit ${led.commit}`);
  await assertAllPresent(cluster, leader, 'load-', load.acked);
  assert.deepEqual(await listed(cluster, leader, ''), await listed(cluster, newLeader, ''));
});

it('a member cut off from its peers catches up when healed, by snapshot when the log was compacted', async (t) => {
  const compactEvery = 200;
  const cluster = await startHaCluster(t, { extraArgs: ['--raft-compact-entries', String(compactEvery)] });
  const leader = await cluster.leader();
  const follower = otherThan(cluster, leader);
  cluster.blockPeerTraffic(follower);
  let last = -1;
  const cutAt = await eventually(`${follower}'s applied index to settle once cut off`, async () => {
    const { applied } = await cluster.status(follower);
    const settled = applied === last;
    last = applied;
    return settled && applied;
  }, 10_000, 200);
  t.diagnostic(`${follower} cut off at applied index ${cutAt} (its own outgoing connections cut too: ${cluster.partitionIsTwoWay})`);

  const incoming = cluster.watchSnapshotFiles(follower);
  t.after(() => incoming.close());
  // Writes only through the two members that still form a majority, until the leader applied
  // three compaction intervals past the follower: the entries it lacks are then gone from the
  // leader's log, so only a snapshot can bring it up to date.
  const load = startCreateLoad(cluster, 'cut', 8, () => cluster.names.filter((name) => name !== follower));
  const past = cutAt + 3 * compactEvery;
  await eventually(`the leader to apply index ${past}`, async () => (await cluster.status(leader)).applied >= past, 60_000, 100)
    .finally(() => load.stop());
  assert.equal((await cluster.status(follower)).applied, cutAt, `${follower} applied entries while cut off`);
  assert.deepEqual([...incoming.seen], [], `${follower} received a snapshot while cut off`);

  cluster.unblockPeerTraffic(follower);
  const healedAt = performance.now();
  const { member } = await cluster.waitCaughtUp(follower, 60_000);
  t.diagnostic(`${load.acked.size} creates while cut off; ${follower} applied ${member.applied} ${Math.round(performance.now() - healedAt)} ms after healing; snapshot files seen: ${[...incoming.seen].join(', ')}`);
  assert.ok([...incoming.seen].some((file) => file.startsWith('incoming-')), `${follower} caught up without receiving a snapshot`);
  await assertAllPresent(cluster, follower, 'cut-', load.acked);
  assert.deepEqual(await listed(cluster, follower, ''), await listed(cluster, leader, ''));
});

it('a history of concurrent reads, writes and compare-and-swaps recorded during leader kills and a partition is linearizable', async (t) => {
  const cluster = await startHaCluster(t);
  const seed = Number(process.env.SKIFF_HA_SEED ?? Date.now() % 1_000_000);
  t.diagnostic(`seed ${seed} (repeat the operation mix with SKIFF_HA_SEED=${seed})`);
  // A member without a leader answers 503 after 7 s: waiting 8 s turns those answers into
  // refusals, which the check takes at their word (no effect), rather than unknown outcomes.
  const recorder = startKvRecorder({ send: (s, req, ms) => cluster.send(s, req, ms), servers: cluster.names, seed, clients: 5, keys: 6, timeoutMs: 8000 });
  const answered = (): number => recorder.recording.history.filter((op) => op.return !== null).length;
  const progress = async (what: string, more: number): Promise<void> => {
    const from = answered();
    await eventually(`${more} more answered operations ${what}`, () => answered() >= from + more, 20_000, 20);
  };
  const started = performance.now();
  const timeline: string[] = [];
  const mark = (event: string): void => {
    timeline.push(`${((performance.now() - started) / 1000).toFixed(1)} s ${event} (${answered()} answered)`);
  };
  try {
    await progress('before any fault', 150);
    const leader = await cluster.leader();
    mark(`SIGKILL ${leader}`);
    await cluster.kill(leader, 'SIGKILL');
    await progress(`after killing the leader ${leader}`, 150);
    mark(`restart ${leader}`);
    await cluster.restart(leader);
    await cluster.waitCaughtUp(leader);
    mark(`${leader} caught up`);
    await progress(`after restarting ${leader}`, 100);

    const follower = otherThan(cluster, await cluster.leader());
    mark(`cut off ${follower}`);
    cluster.blockPeerTraffic(follower);
    const blockedAt = performance.now();
    const before = answered();
    // Longer than an election timeout, so the cut-off member campaigns; requests sent to it
    // wait for a leader it cannot reach, so most answers come from the other two.
    await eventually(`${follower} to stay cut off for 4 s while the others answer 10 operations`, () => performance.now() - blockedAt >= 4000 && answered() >= before + 10, 30_000, 50);
    mark(`heal ${follower}`);
    cluster.unblockPeerTraffic(follower);
    await cluster.waitCaughtUp(follower);
    mark(`${follower} caught up`);
    await progress(`after healing ${follower}`, 100);
    await eventually('the recording to span 20 s', () => performance.now() - started >= 20_000, 20_000, 100);
  } finally {
    await recorder.stop();
    mark('stop');
    t.diagnostic(timeline.join('; '));
  }

  const { history, refused, unexpected, causes } = recorder.recording;
  const unknown = history.filter((op) => op.return === null);
  const swaps = history.filter((op) => op.input.op === 'cas' && op.output?.result === 'ok').length;
  t.diagnostic(`${history.length} operations (${unknown.length} with unknown outcome, ${swaps} successful compare-and-swaps), ${refused.length} refused with 503 or a refused connection; causes: ${JSON.stringify(causes)}`);
  assert.deepEqual(unexpected.slice(0, 10), [], `${unexpected.length} answers fit no mapping`);
  assert.ok(swaps > 0, 'no compare-and-swap succeeded, so the history checks little');

  // Every answer is taken as the API documents it: a 409 to a compare-and-swap wrote nothing,
  // and a write answered 503 (left out of the history) never took effect; only timeouts and
  // broken connections are of unknown outcome.
  const result = checkOperations(kvModel, history, { timeoutMs: 60_000 });
  if (result.ok !== true) assert.fail(`the history is not linearizable (${String(result.ok)}): ${explain(result, recorder.recording)}`);
});

/** The checker's account, led by every request that wrote a value the first unexplained answer saw. */
function explain(result: Exclude<CheckResult<KvInput, KvOutput>, { ok: true }>, recording: KvRecording): string {
  if (result.ok === 'unknown') return result.explanation;
  const culprit = result.culprit;
  const seen = culprit?.output !== null && culprit?.output !== undefined && 'value' in culprit.output ? culprit.output.value : undefined;
  if (culprit === undefined || seen === undefined) return result.explanation;
  const writers = [...recording.history, ...recording.refused].filter((op) => 'value' in op.input && op.input.value === seen);
  const described = writers.map((op) => {
    const ended = op.return === null ? 'never answered' : `answered ${(op.return - culprit.call).toFixed(0)} ms`;
    return `${op.input.op} sent to ${op.server} ${(op.call - culprit.call).toFixed(0)} ms and ${ended} from the unexplained call, with ${op.cause ?? JSON.stringify(op.output)}`;
  });
  return `the unexplained answer saw ${JSON.stringify(seen)}, written by: ${described.join('; ') || 'no recorded request'}\n${result.explanation}`;
}

it('a server that leaves hands on leadership and is removed from the voters; the other two keep serving', async (t) => {
  const cluster = await startHaCluster(t);
  const leaving = await cluster.leader();
  const result = spawnSync(skiffBinary(), ['server', 'leave', '--data-dir', join(cluster.member(leaving).dir, 'data')], {
    encoding: 'utf8',
    env: skiffEnv(cluster.member(leaving).dir),
    timeout: 60_000,
  });
  assert.equal(result.status, 0, `skiff server leave failed: ${result.stderr}`);
  assert.match(result.stdout, /left the cluster; 2 members remain/, `stdout: ${result.stdout} stderr: ${result.stderr}`);
  // Still running, it learns from the others (410 Gone on the peer port) that it was removed.
  await eventually(`${leaving} to know it was removed`, async () => (await cluster.status(leaving)).removed, 15_000, 100);
  assert.match(cluster.member(leaving).log(), /was removed from the cluster \(member .* says so\): stop this server/);
  await cluster.kill(leaving);
  const rest = cluster.names.filter((name) => name !== leaving);
  const next = await cluster.leader();
  assert.ok(rest.includes(next as (typeof rest)[number]), `the leader is ${next}, not one of ${rest.join(', ')}`);
  const status = await cluster.status(next);
  assert.equal(status.members.length, 2);
  assert.ok(status.members.every((member) => member.voter));
  for (const server of rest) {
    const outcome = await performKv((s, req, ms) => cluster.send(s, req, ms), server, namespace, { op: 'create', key: `after-leave-${server}`, value: 'x' }, 5000);
    assert.equal(outcome.kind === 'answered' && outcome.output.result, 'ok', `${server} did not take a write after the leave: ${JSON.stringify(outcome)}`);
  }
});

it('a single server restarted with --cluster-init grows into three, with its objects on every member and writes taken anywhere', async (t) => {
  const cluster = await startSingleServer(t);
  const before = startCreateLoad(cluster, 'single', 4, () => ['s1']);
  await eventually('the single server to take 40 writes', () => before.acked.size >= 40, 20_000, 50);
  await before.stop();
  await cluster.grow();
  for (const server of cluster.names) await assertAllPresent(cluster, server, 'single', before.acked);
  // Every member serves writes (a follower forwards them to the leader).
  const after = startCreateLoad(cluster, 'grown', 3, () => [...cluster.names]);
  await eventually('the grown cluster to take 30 writes', () => after.acked.size >= 30, 20_000, 50);
  await after.stop();
  for (const server of cluster.names) await assertAllPresent(cluster, server, 'grown', after.acked);
  const status = await cluster.status('s3');
  assert.equal(status.members.length, 3);
  assert.ok(status.members.every((member) => member.voter));
});

it('the kubernetes Service lists every running server: one that stops leaves it at once, a killed one once its lease expires', async (t) => {
  const cluster = await startHaCluster(t);
  const listed = async (server: string): Promise<string[]> => {
    const response = await cluster.send(server, { method: 'GET', path: '/api/v1/namespaces/default/endpoints/kubernetes' });
    assert.equal(response.status, 200, response.body.toString());
    const body = jsonBody(response) as { subsets?: Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ port: number }> }> };
    return (body.subsets ?? []).flatMap((subset) => (subset.addresses ?? []).flatMap((address) => (subset.ports ?? []).map((port) => `${address.ip}:${port.port}`))).sort();
  };
  const of = (...names: string[]): string[] => names.map((name) => `${cluster.member(name).address}:${cluster.member(name).apiPort}`).sort();
  await eventually('all three servers listed', async () => JSON.stringify(await listed('s1')) === JSON.stringify(of('s1', 's2', 's3')), 15_000, 100);
  await cluster.kill('s3', 'SIGTERM');
  assert.deepEqual(await listed('s1'), of('s1', 's2'), 'a server that stopped is withdrawn as it stops');
  await cluster.restart('s3');
  await eventually('s3 listed again', async () => JSON.stringify(await listed('s2')) === JSON.stringify(of('s1', 's2', 's3')), 15_000, 100);
  await cluster.kill('s2');
  await eventually('the killed s2 dropped once its lease expired', async () => JSON.stringify(await listed('s1')) === JSON.stringify(of('s1', 's3')), 40_000, 250);
});
