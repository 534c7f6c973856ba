import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../../test/support/tmp.ts';
import { runBackendCases } from '../backend.case.test.ts';
import type { Backend } from '../types.ts';
import { openReplicatedStore } from './open.ts';
import { resetToSingleMember } from './reset.ts';
import { openSqlite } from '../../util/sqlite.ts';
import { LocalNetwork } from './local-network.ts';
import { TestCluster, until } from './test-cluster.ts';
import { UnavailableError, WriteTimeoutError } from '../errors.ts';
import { decodeCommand } from './command-codec.ts';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const str = (value: Uint8Array | undefined): string => new TextDecoder().decode(value);

runBackendCases('replicated, one member', async ({ dir, now }) => {
  const network = new LocalNetwork();
  const { store, node } = openReplicatedStore({
    file: join(dir, 'state.db'),
    id: 'solo',
    peerUrl: 'local://solo',
    now,
    leaseCheckIntervalMs: 5,
    compactIntervalMs: 0,
    member: { transport: network.transport('solo'), snapshotDir: join(dir, 'snapshots'), tickMs: 10 },
  });
  network.attach(node);
  await until(() => node.leads(), 'the lone member to lead');
  return store;
});

/** The case suite against a follower of a three-member cluster: writes are forwarded, reads go through ReadIndex. */
runBackendCases('replicated, three members (a follower)', async ({ dir, now }) => {
  const cluster = existsSync(join(dir, 'm0', 'state.db'))
    ? TestCluster.reopen({ dir, size: 3, now }, ['m0', 'm1', 'm2'])
    : await TestCluster.start({ dir, size: 3, now });
  const leader = await cluster.waitForLeader();
  const follower = cluster.other(leader.id);
  return withClose(follower.store, () => cluster.close());
});

function withClose(store: Backend, close: () => Promise<void>): Backend {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'close') return close;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('replicated store', () => {
  it('gives every member the same revisions and values', async (t) => {
    const cluster = await TestCluster.start({ dir: tempDir(t), size: 3 });
    t.after(() => cluster.close());
    const members = [...cluster.members.values()];
    for (let i = 0; i < 30; i++) await members[i % 3]!.store.create(`/k/${i}`, text(`v${i}`));
    const heads = await Promise.all(members.map((member) => member.store.currentRevision()));
    await until(() => new Set(members.map((m) => m.node.status().applied)).size === 1, 'members to converge');
    const ranges = await Promise.all(members.map((member) => member.store.range({ prefix: '/k/' })));
    for (const range of ranges) {
      assert.deepEqual(
        range.kvs.map((kv) => `${kv.key}@${kv.modRevision}=${str(kv.value)}`),
        ranges[0]!.kvs.map((kv) => `${kv.key}@${kv.modRevision}=${str(kv.value)}`),
      );
    }
    assert.ok(heads.every((head) => head >= 30));
  });

  it('elects a new leader when the leader is lost, and loses no acknowledged write (§5.2, §5.4)', async (t) => {
    const cluster = await TestCluster.start({ dir: tempDir(t), size: 3 });
    t.after(() => cluster.close());
    const first = await cluster.waitForLeader();
    const acknowledged: string[] = [];
    for (let i = 0; i < 20; i++) {
      await first.store.create(`/ack/${i}`, text('x'));
      acknowledged.push(`/ack/${i}`);
    }
    await cluster.kill(first.id);
    const second = await cluster.waitForLeader(first.id);
    assert.notEqual(second.id, first.id);
    await second.store.create('/after', text('y'));
    const keys = (await second.store.range({ prefix: '/ack/' })).kvs.map((kv) => kv.key).sort();
    assert.deepEqual(keys, [...acknowledged].sort());
  });

  it('a member cut off while the log is compacted catches up by snapshot (§7)', async (t) => {
    const dir = tempDir(t);
    const cluster = await TestCluster.start({ dir, size: 3, compactEvery: 50, keepEntries: 10 });
    t.after(() => cluster.close());
    const leader = await cluster.waitForLeader();
    const lagging = cluster.other(leader.id);
    cluster.network.isolate(lagging.id);
    for (let i = 0; i < 200; i++) await leader.store.create(`/snap/${i}`, text(`v${i}`));
    assert.ok(leader.node.status().commit > 150);
    cluster.network.heal();
    await until(() => lagging.node.status().applied >= leader.node.status().commit, 'the lagging member to catch up', 15_000);
    const range = await lagging.store.range({ prefix: '/snap/' });
    assert.equal(range.count, 200);
    assert.deepEqual(cluster.network.snapshotErrors, []);
    assert.ok(cluster.network.snapshotsDelivered >= 1, 'the member caught up without a snapshot: the log was not compacted');
    assert.ok(lagging.node.status().commit > 150);
  });

  it('keeps serving writes when one of three members is partitioned away, and a read there fails rather than going stale', async (t) => {
    const cluster = await TestCluster.start({ dir: tempDir(t), size: 3 });
    t.after(() => cluster.close());
    const leader = await cluster.waitForLeader();
    const cut = cluster.other(leader.id);
    cluster.network.isolate(cut.id);
    await leader.store.create('/during', text('1'));
    const stale = cut.store.get('/during');
    const outcome = await Promise.race([stale.then(() => 'read', () => 'failed'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 300))]);
    assert.notEqual(outcome, 'read', 'a cut-off member answered a read without the leader confirming it');
    cluster.network.heal();
    await until(() => cut.node.leader !== '', 'the member to hear from the leader again');
    const value = await cut.store.get('/during');
    assert.equal(str(value.kv?.value), '1');
  });

  it('restarts from its files with the same data and term', async (t) => {
    const dir = tempDir(t);
    const cluster = await TestCluster.start({ dir, size: 3 });
    const leader = await cluster.waitForLeader();
    for (let i = 0; i < 10; i++) await leader.store.create(`/r/${i}`, text(`${i}`));
    const revision = await leader.store.currentRevision();
    await cluster.close();
    const again = TestCluster.reopen({ dir, size: 3 }, ['m0', 'm1', 'm2']);
    t.after(() => again.close());
    const next = await again.waitForLeader();
    const range = await next.store.range({ prefix: '/r/' });
    assert.equal(range.count, 10);
    assert.ok((await next.store.currentRevision()) >= revision);
  });

  it('a copy of a member of three, reset to one member, leads alone with the same data (snapshot restore)', async (t) => {
    const dir = tempDir(t);
    const cluster = await TestCluster.start({ dir, size: 3 });
    const leader = await cluster.waitForLeader();
    for (let i = 0; i < 10; i++) await leader.store.create(`/restore/${i}`, text(`${i}`));
    const copy = join(dir, 'copy.db');
    await leader.store.backupTo(copy);
    await cluster.close();
    const db = openSqlite(copy);
    assert.equal(resetToSingleMember(db, 'solo'), true);
    db.close();
    const network = new LocalNetwork();
    const { store, node } = openReplicatedStore({
      file: copy,
      id: 'ignored',
      peerUrl: 'local://solo',
      compactIntervalMs: 0,
      member: { transport: network.transport('solo'), snapshotDir: join(dir, 'solo-snapshots'), tickMs: 10 },
    });
    t.after(() => store.close());
    network.attach(node);
    assert.equal(node.id, 'solo');
    await until(() => node.leads(), 'the reset member to lead alone');
    assert.deepEqual(node.status().conf, { voters: ['solo'], learners: [] });
    assert.equal((await store.range({ prefix: '/restore/' })).count, 10);
    await store.create('/restore/after', text('x'));
  });

  it('a leader hands leadership to a caught-up voter before it stops (§3.10)', async (t) => {
    const cluster = await TestCluster.start({ dir: tempDir(t), size: 3 });
    t.after(() => cluster.close());
    const leader = await cluster.waitForLeader();
    await leader.store.create('/handoff/before', text('1'));
    assert.equal(await leader.node.handOffLeadership(), true);
    const next = await cluster.waitForLeader(leader.id);
    assert.notEqual(next.id, leader.id);
    await next.store.create('/handoff/after', text('2'));
    assert.equal((await leader.store.range({ prefix: '/handoff/' })).count, 2);
  });

  it('removing members one at a time shrinks the voter set, also when the leader removes itself (§4.1)', async (t) => {
    const cluster = await TestCluster.start({ dir: tempDir(t), size: 3 });
    t.after(() => cluster.close());
    const leader = await cluster.waitForLeader();
    const follower = cluster.other(leader.id);
    await leader.node.removeMember(follower.id);
    await cluster.kill(follower.id);
    assert.deepEqual(leader.node.status().conf.voters.length, 2);
    await leader.store.create('/shrink/two', text('2'));
    await leader.node.removeMember(leader.id);
    const last = await cluster.waitForLeader(leader.id);
    await until(() => last.node.status().conf.voters.length === 1, 'the removal to apply on the last member');
    await cluster.kill(leader.id);
    await last.store.create('/shrink/one', text('1'));
    assert.equal((await last.store.range({ prefix: '/shrink/' })).count, 2);
    await assert.rejects(last.node.removeMember(last.id));
  });

  it('a lone member that grows under load: what it proposed by reference is complete on disk and on the new member', async (t) => {
    const dir = tempDir(t);
    const cluster = await TestCluster.start({ dir, size: 1 });
    t.after(() => cluster.close());
    const lone = await cluster.waitForLeader();
    let stop = false;
    const acked: string[] = [];
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        await lone.store.create(`/grow/${w}-${i}`, text(`${w}-${i}`));
        acked.push(`/grow/${w}-${i}`);
      }
    });
    try {
      await until(() => acked.length >= 200, '200 writes alone');
      // Joins while writes keep coming, so entries proposed alone are written and sent; it is
      // promoted although the load keeps it a little behind.
      await cluster.add('m1');
      await until(() => acked.length >= 600, '400 more writes with two members');
    } finally {
      stop = true;
      await Promise.all(writers);
    }
    const added = cluster.members.get('m1');
    assert.ok(added);
    await until(() => added.node.status().applied >= lone.node.status().commit, 'the new member to apply everything');
    const keys = async (store: typeof lone.store) => (await store.range({ prefix: '/grow/' })).kvs.map((kv) => `${kv.key}=${str(kv.value)}`).sort();
    assert.deepEqual(await keys(added.store), await keys(lone.store));
    assert.equal((await lone.store.range({ prefix: '/grow/', countOnly: true })).count, acked.length);
    await cluster.close();
    // Every entry either member wrote decodes as a whole command.
    for (const id of ['m0', 'm1']) {
      const db = openSqlite(join(dir, id, 'state.db'));
      const rows = db.prepare(`SELECT idx, type, data FROM raft_entry`).all() as Array<{ idx: number; type: number; data: Buffer }>;
      db.close();
      for (const row of rows) if (row.type === 0 && row.data.byteLength > 0) assert.doesNotThrow(() => decodeCommand(row.data), `entry ${row.idx} of ${id}`);
    }
  });

  it('members know who was removed, also after a restart; a removed member told so stops and fails requests saying why', async (t) => {
    const dir = tempDir(t);
    const cluster = await TestCluster.start({ dir, size: 3 });
    t.after(() => cluster.close());
    const leader = await cluster.waitForLeader();
    const [gone, staying] = cluster.others(leader.id);
    assert.ok(gone && staying);
    await leader.node.removeMember(gone.id);
    await until(() => !(gone.id in staying.node.members), 'the removal to apply on the member that stays');
    for (const member of [leader, staying]) {
      assert.equal(member.node.isRemoved(gone.id), true);
      assert.equal(member.node.isRemoved(staying.id), false);
      assert.equal(member.node.isRemoved('never-a-member'), false);
    }
    gone.node.markRemoved(leader.id);
    assert.equal(gone.node.removed, true);
    await assert.rejects(gone.store.create('/removed/w', text('x')), /was removed from the cluster \(member .* says so\)/);
    await assert.rejects(gone.store.get('/removed/w'), /was removed from the cluster/);
    // Learned again from the membership history when a member restarts.
    await cluster.kill(staying.id);
    const reopened = cluster.open(staying.id, false);
    assert.equal(reopened.node.isRemoved(gone.id), true);
    assert.equal(reopened.node.isRemoved(leader.id), false);
  });

  it('a write a leader took but could not commit fails as unknown once its time is up; one no leader saw fails as not done', { timeout: 10_000 }, async (t) => {
    const cluster = await TestCluster.start({ dir: tempDir(t), size: 3, proposalTimeoutMs: 400 });
    t.after(() => cluster.close());
    const leader = await cluster.waitForLeader();
    cluster.network.isolate(leader.id);
    const started = performance.now();
    await assert.rejects(leader.store.create('/timeout/w', text('x')), (error: unknown) => error instanceof WriteTimeoutError);
    const waited = performance.now() - started;
    assert.ok(waited >= 350 && waited < 3000, `failed after ${Math.round(waited)} ms`);
    // A member-to-be nobody added never hears of a leader: its write is known not to have happened.
    const orphan = cluster.open('orphan', true);
    await assert.rejects(orphan.store.create('/timeout/o', text('x')), (error: unknown) => error instanceof UnavailableError);
  });

  it('a waiting write keeps the process alive until it has its outcome; an idle member keeps nothing alive', (t) => {
    const dir = tempDir(t);
    const script = join(dir, 'wait.ts');
    writeFileSync(script, `
      import { TestCluster } from ${JSON.stringify(new URL('./test-cluster.ts', import.meta.url).pathname)};
      const cluster = await TestCluster.start({ dir: ${JSON.stringify(join(dir, 'cluster'))}, size: 3 });
      const leader = await cluster.waitForLeader();
      const survivor = cluster.other(leader.id);
      await cluster.kill(leader.id);
      // Nothing but the waiting write holds the process open while a new leader is elected.
      await survivor.store.create('/alive/after', new TextEncoder().encode('x'));
      console.log('written');
    `);
    const result = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /written/);
  });

  it('a member cut off from the others fails writes and reads at once with no leader, instead of holding each one', async (t) => {
    const cluster = await TestCluster.start({ dir: tempDir(t), size: 3 });
    t.after(() => cluster.close());
    const leader = await cluster.waitForLeader();
    const cut = cluster.other(leader.id);
    cluster.network.isolate(cut.id);
    await until(() => cut.node.leader === '', 'the cut-off member to lose its leader');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const started = performance.now();
    await assert.rejects(cut.store.create('/cut/w', text('x')), (error: unknown) => error instanceof UnavailableError);
    await assert.rejects(cut.store.get('/cut/w'), (error: unknown) => error instanceof UnavailableError);
    assert.ok(performance.now() - started < 2000, 'the requests waited for their timeout');
    cluster.network.heal();
    await until(() => cut.node.leader !== '', 'the member to find the leader again');
    await cut.store.create('/cut/after', text('y'));
  });

  it('a joining member restarted before it received anything stays a member-to-be instead of starting a cluster of its own', async (t) => {
    const dir = tempDir(t);
    const open = (joining: boolean) => {
      const network = new LocalNetwork();
      const opened = openReplicatedStore({
        file: join(dir, 'state.db'),
        id: 'late',
        peerUrl: 'local://late',
        join: joining,
        compactIntervalMs: 0,
        member: { transport: network.transport('late'), snapshotDir: join(dir, 'snapshots'), tickMs: 10 },
      });
      network.attach(opened.node);
      return opened;
    };
    await open(true).store.close();
    const again = open(false);
    t.after(() => again.store.close());
    // Nothing is to happen: give it thirty ticks, beyond two election timeouts, to misbehave.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(again.node.status().conf, { voters: [], learners: [] });
    assert.equal(again.node.leads(), false);
  });
});
