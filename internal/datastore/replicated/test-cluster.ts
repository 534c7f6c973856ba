/**
 * A cluster of replicated datastore members in one process over a LocalNetwork, with
 * fast ticks: for the replicated store's tests and the raft benchmark.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MvccStore } from '../mvcc/store.ts';
import type { NodeId } from '../raft/types.ts';
import { LocalNetwork } from './local-network.ts';
import type { ReplicatedNode } from './node.ts';
import { openReplicatedStore } from './open.ts';

export interface TestMember {
  id: NodeId;
  store: MvccStore;
  node: ReplicatedNode;
}

export interface TestClusterOptions {
  dir: string;
  size: number;
  now?: () => number;
  /** Length of a tick (default 10 ms: fast elections for tests). */
  tickMs?: number;
  /** Default: the member's default. */
  electionTicks?: number;
  leaseCheckIntervalMs?: number;
  compactEvery?: number;
  keepEntries?: number;
  proposalTimeoutMs?: number;
}

export class TestCluster {
  readonly network = new LocalNetwork();
  readonly members = new Map<NodeId, TestMember>();
  readonly #options: TestClusterOptions;

  private constructor(options: TestClusterOptions) {
    this.#options = options;
  }

  /** Starts member m0, then adds m1.. one at a time as learners promoted to voters. */
  static async start(options: TestClusterOptions): Promise<TestCluster> {
    const cluster = new TestCluster(options);
    cluster.open('m0', false);
    await cluster.waitForLeader();
    for (let i = 1; i < options.size; i++) await cluster.add(`m${i}`);
    return cluster;
  }

  /** Reopens every member from its files (after close). */
  static reopen(options: TestClusterOptions, ids: readonly NodeId[]): TestCluster {
    const cluster = new TestCluster(options);
    for (const id of ids) cluster.open(id, true);
    return cluster;
  }

  open(id: NodeId, joining: boolean): TestMember {
    const dir = join(this.#options.dir, id);
    mkdirSync(dir, { recursive: true });
    const { store, node } = openReplicatedStore({
      file: join(dir, 'state.db'),
      id,
      peerUrl: `local://${id}`,
      join: joining,
      compactIntervalMs: 0,
      leaseCheckIntervalMs: this.#options.leaseCheckIntervalMs ?? 5,
      ...(this.#options.now === undefined ? {} : { now: this.#options.now }),
      member: {
        transport: this.network.transport(id),
        snapshotDir: join(dir, 'snapshots'),
        tickMs: this.#options.tickMs ?? 10,
        ...(this.#options.electionTicks === undefined ? {} : { electionTicks: this.#options.electionTicks }),
        ...(this.#options.proposalTimeoutMs === undefined ? {} : { proposalTimeoutMs: this.#options.proposalTimeoutMs }),
        compactEvery: this.#options.compactEvery ?? 10_000,
        keepEntries: this.#options.keepEntries ?? 1000,
        warn: (message: string) => process.stderr.write(`${id}: ${message}\n`),
      },
    });
    this.network.attach(node);
    const member = { id, store, node };
    this.members.set(id, member);
    return member;
  }

  /** Adds a new empty member as a learner through the leader; the leader promotes it once caught up. */
  async add(id: NodeId): Promise<TestMember> {
    const member = this.open(id, true);
    const leader = await this.waitForLeader();
    await leader.node.changeMembership({ type: 'add-learner', id, context: `local://${id}` });
    await until(() => this.members.get(leader.id)?.node.status().conf.voters.includes(id) === true, `${id} to be promoted to voter`);
    return member;
  }

  async waitForLeader(except?: NodeId): Promise<TestMember> {
    let found: TestMember | undefined;
    await until(() => {
      found = [...this.members.values()].find((member) => member.id !== except && member.node.leads());
      return found !== undefined;
    }, 'a leader');
    if (found === undefined) throw new Error('no leader');
    return found;
  }

  /** The members other than `id`. */
  others(id: NodeId): TestMember[] {
    return [...this.members.values()].filter((member) => member.id !== id);
  }

  /** A member other than `id` (a follower, given the leader's id). */
  other(id: NodeId): TestMember {
    const found = this.others(id)[0];
    if (found === undefined) throw new Error(`no member other than ${id}`);
    return found;
  }

  /** Stops a member abruptly (its files stay; unsynced applies may be lost, as in a crash). */
  async kill(id: NodeId): Promise<void> {
    const member = this.members.get(id);
    if (member === undefined) return;
    this.network.detach(id);
    this.members.delete(id);
    await member.store.close();
  }

  async close(): Promise<void> {
    for (const id of [...this.members.keys()]) await this.kill(id);
  }
}

/** Polls `check` every few ms until it holds (fails after `timeoutMs`). */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
