import type { ConfChange, NodeId } from '../types.ts';
import type { Cluster } from './cluster.ts';
import type { Random } from './random.ts';
import { unlessDropped, type SimNode } from './sim-node.ts';

const encoder = new TextEncoder();

/**
 * The random events of one tick, before the nodes tick: crashes and restarts, partitions
 * and their healing, compaction, client requests and membership changes.
 */
export class Events {
  private readonly cluster: Cluster;
  private readonly random: Random;
  private healAt = -1;
  private nextChurn: number;
  private counter = 0;
  private nextId: number;

  constructor(cluster: Cluster, random: Random) {
    this.cluster = cluster;
    this.random = random;
    this.nextChurn = random.int(...cluster.scenario.churnTicks);
    // Ids are never reused, even for additions that were dropped.
    this.nextId = cluster.nodes.size + 1;
  }

  /** Runs this tick's events. */
  run(): void {
    this.faults();
    this.clients();
    this.membership();
  }

  private faults(): void {
    const { cluster, random } = this;
    const s = cluster.scenario;
    const tick = cluster.tick;
    cluster.restartDue();
    for (const node of cluster.nodes.values()) {
      if (node.live && random.chance(s.crashChance)) cluster.crash(node, tick + random.int(...s.restartTicks));
    }
    const leader = cluster.leader();
    if (leader !== undefined && random.chance(s.leaderCrashChance)) cluster.crash(leader, tick + random.int(...s.restartTicks));
    if (this.healAt >= 0 && tick >= this.healAt) {
      cluster.network.heal();
      this.healAt = -1;
      this.note('network heals');
    }
    if (this.healAt < 0 && random.chance(s.partitionChance)) this.partition();
    if (random.chance(s.compactChance)) {
      const live = cluster.live();
      if (live.length > 0) {
        const node = random.pick(live);
        if (node.store.compact()) {
          cluster.stats.compactions++;
          this.note(`${node.id} compacts at ${node.store.appliedIndex}`);
        }
      }
    }
  }

  private partition(): void {
    const { cluster, random } = this;
    const ids = [...cluster.nodes.values()].filter((n) => !n.removed).map((n) => n.id);
    if (ids.length < 2) return;
    const kind = random.pick(['isolate', 'isolate-leader', 'one-way'] as const);
    if (kind === 'one-way') {
      const links: string[] = [];
      for (let k = random.int(1, 3); k > 0; k--) {
        const from = random.pick(ids);
        const to = random.pick(ids.filter((id) => id !== from));
        cluster.network.cutLink(from, to);
        links.push(`${from}>${to}`);
      }
      this.note(`network cuts ${links.join(' ')}`);
    } else {
      const leader = cluster.leader();
      let group: NodeId[];
      if (kind === 'isolate-leader' && leader !== undefined) group = [leader.id];
      else group = ids.filter(() => random.chance(0.4));
      if (group.length === 0 || group.length === ids.length) group = [random.pick(ids)];
      cluster.network.isolate(group, ids);
      this.note(`network isolates ${group.join(',')}`);
    }
    this.healAt = cluster.tick + random.int(...cluster.scenario.partitionTicks);
  }

  private clients(): void {
    const { cluster, random } = this;
    const s = cluster.scenario;
    const live = cluster.live();
    if (live.length === 0) return;
    if (random.chance(s.proposeChance)) {
      const node = random.pick(live);
      const data = `p${this.counter++}`;
      cluster.stats.proposals++;
      const raft = node.raft;
      if (raft !== undefined && unlessDropped(() => raft.propose(encoder.encode(data)))) this.note(`${node.id} accepts proposal ${data}`);
    }
    if (random.chance(s.readChance)) {
      const node = random.pick(live);
      const context = `r${this.counter++}`;
      cluster.stats.reads++;
      cluster.checker.readIssued(node.id, context);
      const raft = node.raft;
      if (raft !== undefined && unlessDropped(() => raft.readIndex(context))) this.note(`${node.id} reads ${context}`);
    }
    if (random.chance(s.transferChance)) {
      const leader = cluster.leader();
      const voters = leader?.store.appliedConf.voters.filter((id) => id !== leader.id) ?? [];
      if (leader?.raft !== undefined && voters.length > 0) {
        const to = random.pick(voters);
        this.note(`${leader.id} transfers leadership to ${to}`);
        leader.raft.transferLeadership(to);
      }
    }
    if (random.chance(s.transferChance / 2)) {
      // Sometimes two nodes at once, for elections with competing candidates.
      for (const node of random.chance(0.5) ? [random.pick(live), random.pick(live)] : [random.pick(live)]) {
        this.note(`${node.id} campaigns`);
        node.raft?.campaign();
      }
    }
  }

  private membership(): void {
    const { cluster, random } = this;
    const s = cluster.scenario;
    const growing = s.start === 'grown' && !this.grown();
    if (!s.churn && !growing) return;
    if (cluster.tick < this.nextChurn) return;
    this.nextChurn = cluster.tick + random.int(...s.churnTicks);
    const leader = cluster.leader();
    const raft = leader?.raft;
    if (leader === undefined || raft === undefined) return;
    const conf = leader.store.appliedConf;
    const learner = conf.learners[0];
    let change: ConfChange;
    if (learner !== undefined) {
      const node = cluster.nodes.get(learner);
      if (random.chance(0.1)) change = { type: 'remove', id: learner };
      else if (node !== undefined && node.store.appliedIndex + 3 >= leader.store.appliedIndex) change = { type: 'promote', id: learner };
      else return;
    } else if (conf.voters.length < s.members || (s.churn && conf.voters.length < 5 && random.chance(0.3))) {
      const number = Math.max(this.nextId, cluster.nodes.size + 1);
      this.nextId = number + 1;
      const id = `n${number}`;
      change = { type: 'add-learner', id, context: `addr-${id}` };
    } else if (s.churn && conf.voters.length > 2) {
      change = { type: 'remove', id: random.pick(conf.voters) };
    } else return;
    if (random.chance(0.1)) change = this.invalidChange(conf.voters);
    // Mostly on the leader; sometimes through a follower, which forwards it.
    const via = random.chance(0.8) ? leader : random.pick(cluster.live());
    const proposed = change;
    const target = via.raft;
    if (target !== undefined && unlessDropped(() => target.proposeConfChange(proposed))) {
      this.note(`${via.id} proposes ${proposed.type} ${proposed.id}`);
    }
  }

  /** A change that must be refused or ignored: it names a voter as new, or a stranger. */
  private invalidChange(voters: readonly NodeId[]): ConfChange {
    const { random } = this;
    const voter = voters.length > 0 ? random.pick(voters) : 'n1';
    return random.pick<ConfChange>([
      { type: 'add-learner', id: voter },
      { type: 'promote', id: voter },
      { type: 'remove', id: 'n999' },
      { type: 'promote', id: 'n999' },
    ]);
  }

  /** Whether a grown cluster has reached its size. */
  private grown(): boolean {
    const leader = this.cluster.leader();
    return leader !== undefined && leader.store.appliedConf.voters.length >= this.cluster.scenario.members;
  }

  private note(line: string): void {
    this.cluster.note(line);
  }
}

/** The member ids a node currently knows (voters and learners). */
export function membersOf(node: SimNode): NodeId[] {
  const conf = node.store.appliedConf;
  return [...conf.voters, ...conf.learners];
}
