import type { ConfChange, Entry, Message, NodeId, Ready } from '../types.ts';
import { InvariantChecker } from './checker.ts';
import { DurableStore, type SnapshotData } from './durable-store.ts';
import { formedClusterLog, seededStore } from './initial-state.ts';
import { Network, type DropReason, type Envelope } from './network.ts';
import type { Random } from './random.ts';
import type { Scenario } from './scenario.ts';
import { SimNode, describeMessage, unlessDropped, type CrashPoint, type NodeFactory, type ReadyContext } from './sim-node.ts';
import type { Trace } from './trace.ts';

/** Builds the first log of a one-node cluster (the product's bootstrapEntries). */
export type Bootstrap = (id: NodeId, context: string) => Entry[];

/** Network steps per Raft tick: a round trip usually fits in one tick. */
export const stepsPerTick = 3;

const crashPoints: readonly CrashPoint[] = ['before-persist', 'after-persist', 'mid-send', 'mid-apply', 'before-advance'];

/**
 * The simulated cluster: nodes, network and invariant checker, advanced one network step
 * at a time. Every Ready is processed in contract order; crashes, restarts and membership
 * take effect exactly as a process would see them.
 */
export class Cluster {
  readonly nodes = new Map<NodeId, SimNode>();
  readonly network: Network;
  readonly checker = new InvariantChecker();
  readonly scenario: Scenario;
  private readonly random: Random;
  private readonly factory: NodeFactory;
  private readonly trace: Trace;
  private readonly ctx: ReadyContext;
  step = 0;
  tick = 0;
  /** Whether crashes inside Ready handling are still being injected. */
  faulty = true;
  stats = { delivered: 0, dropped: 0, snapshots: 0, crashes: 0, compactions: 0, proposals: 0, reads: 0, membershipChanges: 0 };

  constructor(scenario: Scenario, random: Random, factory: NodeFactory, bootstrap: Bootstrap, trace: Trace) {
    this.scenario = scenario;
    this.random = random;
    this.factory = factory;
    this.trace = trace;
    this.network = new Network(random.fork(), scenario.network);
    this.ctx = {
      checker: this.checker,
      random: random.fork(),
      send: (from, msg, data) => this.send(from, msg, data),
      applied: (node, entry, change) => this.onApplied(node, entry, change),
      trace: (line) => trace.add(line),
    };
    const ids = scenario.start === 'grown' ? ['n1'] : Array.from({ length: scenario.members }, (_, i) => `n${i + 1}`);
    const log = scenario.start === 'grown' ? bootstrap('n1', 'addr-n1') : formedClusterLog(ids);
    for (const id of ids) this.nodes.set(id, new SimNode(id, seededStore(id, log, this.checker)));
    for (const node of this.nodes.values()) this.start(node);
  }

  /** (Re)starts a node's process on its durable store. */
  start(node: SimNode): void {
    const s = this.scenario;
    node.start(this.factory, {
      electionTicks: s.electionTicks,
      heartbeatTicks: s.heartbeatTicks,
      preVote: s.preVote,
      checkQuorum: s.checkQuorum,
      maxSizePerMsg: s.maxSizePerMsg,
      maxInflightMsgs: s.maxInflightMsgs,
      random: this.random.fork().asFunction(),
    });
    node.restartAt = -1;
    this.trace.add(`${node.id} starts (incarnation ${node.incarnation}, applied ${node.store.appliedIndex})`);
  }

  /** Kills a node's process; it restarts at `restartAt` unless it was removed. */
  crash(node: SimNode, restartAt: number): void {
    node.crash();
    node.restartAt = restartAt;
    this.stats.crashes++;
    this.trace.add(`${node.id} crashes`);
  }

  /** Records an event of the run. */
  note(line: string): void {
    this.trace.add(line);
  }

  /** Live nodes in creation order. */
  live(): SimNode[] {
    return [...this.nodes.values()].filter((node) => node.live);
  }

  /** The live node that believes it leads the highest term, if any. */
  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    let bestTerm = -1;
    for (const node of this.nodes.values()) {
      if (node.raft === undefined || node.role !== 'leader') continue;
      const term = node.raft.status().term;
      if (term > bestTerm) {
        best = node;
        bestTerm = term;
      }
    }
    return best;
  }

  /** Starts the next tick: events recorded from here on carry its number. */
  beginTick(): void {
    this.tick++;
    this.trace.now = `${this.tick}.0`;
  }

  /** Ticks every live node once. */
  tickAll(): void {
    for (const node of this.nodes.values()) node.raft?.tick();
  }

  /** One network step: deliver what is due, then handle every pending Ready. */
  networkStep(): void {
    this.step++;
    this.trace.now = `${this.tick}.${((this.step - 1) % stepsPerTick) + 1}`;
    this.restartDue();
    for (const envelope of this.network.due(this.step, (e, reason) => this.dropped(e, reason))) this.deliver(envelope);
    this.processReadies();
  }

  /** Handles Readies until no live node has one (a node gets a few rounds per call). */
  processReadies(): void {
    for (let round = 0; round < 4; round++) {
      let any = false;
      for (const node of this.nodes.values()) {
        if (node.raft === undefined || !node.raft.hasReady()) continue;
        any = true;
        node.processReady(this.ctx, (rd) => this.crashPoint(node, rd));
      }
      if (!any) return;
    }
  }

  /**
   * Whether `node` dies while handling `rd`, and where. Some Readies may die more often:
   * right after voting is where forgotten votes show; right after winning an election (the
   * new leader's entry stays on it alone) and right after committing is where a commit rule
   * that counts old-term entries (Raft paper Figure 8) shows.
   */
  private crashPoint(node: SimNode, rd: Ready): CrashPoint | undefined {
    if (!this.faulty) return undefined;
    const s = this.scenario;
    const voting = s.voteCrashChance > 0 && rd.messages.some((m) => m.type === 'vote' || m.type === 'vote-resp' || m.type === 'prevote-resp');
    const committing = s.commitCrashChance > 0 && node.role === 'leader' && rd.hardState !== undefined && rd.hardState.commit > node.store.hardState.commit;
    const elected = rd.softState?.role === 'leader';
    const chance = voting ? s.voteCrashChance : elected ? s.electedCrashChance : committing ? s.commitCrashChance : s.readyCrashChance;
    if (!this.random.chance(chance)) return undefined;
    this.stats.crashes++;
    if (voting) {
      // Back at once, while the election it voted in is still going on.
      node.restartAt = this.tick;
      return this.random.pick(['mid-send', 'before-advance'] as const);
    }
    if (elected || committing) {
      // After the write: the new entry or commit index survives on this node alone.
      node.restartAt = this.tick + this.random.int(...s.restartTicks);
      return this.random.pick(['after-persist', 'mid-send', 'before-advance'] as const);
    }
    node.restartAt = this.tick + this.random.int(...s.restartTicks);
    return this.random.pick(crashPoints);
  }

  private deliver(envelope: Envelope): void {
    const msg = envelope.msg;
    const target = this.nodes.get(msg.to);
    if (target?.raft === undefined) return this.dropped(envelope, 'lost');
    this.stats.delivered++;
    this.trace.add(`deliver ${describeMessage(msg)}`);
    if (envelope.snapshot !== undefined) target.receiveSnapshot(envelope.snapshot);
    const raft = target.raft;
    unlessDropped(() => raft.step(msg));
    if (msg.type === 'snap') this.report(envelope, (sender) => sender.reportSnapshot(msg.to, true));
  }

  private dropped(envelope: Envelope, reason: DropReason): void {
    const msg = envelope.msg;
    this.stats.dropped++;
    if (msg.type === 'snap') this.report(envelope, (sender) => sender.reportSnapshot(msg.to, false));
    else if (reason === 'partitioned' && this.random.chance(0.3)) this.report(envelope, (sender) => sender.reportUnreachable(msg.to));
  }

  /** Tells the sender of `envelope` how it fared, if the same process is still running. */
  private report(envelope: Envelope, fn: (sender: NonNullable<SimNode['raft']>) => void): void {
    const sender = this.nodes.get(envelope.msg.from);
    if (sender?.raft === undefined || sender.incarnation !== envelope.senderIncarnation) return;
    fn(sender.raft);
  }

  private send(from: SimNode, msg: Message, snapshot: SnapshotData | undefined): void {
    if (msg.type === 'snap') this.stats.snapshots++;
    const envelope = snapshot === undefined ? { msg, senderIncarnation: from.incarnation } : { msg, snapshot, senderIncarnation: from.incarnation };
    const reason = this.network.send(envelope, this.step);
    if (reason !== undefined) this.dropped({ ...envelope, deliverAt: this.step }, reason);
  }

  /** Membership as the operator sees it: a joiner starts when its addition is applied, a removed member stops. */
  private onApplied(node: SimNode, entry: Entry, change: ConfChange | undefined): void {
    if (change === undefined) return;
    this.stats.membershipChanges++;
    this.trace.add(`${node.id} applied ${change.type} ${change.id} at ${entry.index}`);
    if (change.type === 'add-learner' && !this.nodes.has(change.id)) {
      const joiner = new SimNode(change.id, new DurableStore());
      this.nodes.set(change.id, joiner);
      this.start(joiner);
    }
    if (change.type === 'remove') {
      const gone = this.nodes.get(change.id);
      if (gone !== undefined && !gone.removed) {
        // It keeps running a little (a removed leader hands over first), then never again.
        gone.removed = true;
        gone.stopAt = this.tick + this.random.int(0, 5);
      }
    }
  }

  /** Restarts every crashed member that was not removed. */
  restartAll(): void {
    for (const node of this.nodes.values()) {
      if (!node.live && !node.removed) this.start(node);
    }
  }

  /** Restarts nodes whose restart time has come, and stops removed ones whose time has come. */
  restartDue(): void {
    for (const node of this.nodes.values()) {
      if (node.removed) {
        if (node.live && node.stopAt <= this.tick) {
          node.crash();
          this.trace.add(`${node.id} stops: removed from the cluster`);
        }
      } else if (!node.live && node.restartAt >= 0 && node.restartAt <= this.tick) this.start(node);
    }
  }
}
