import {
  ProposalDroppedError,
  decodeConfChange,
  type ConfChange,
  type ConfState,
  type Entry,
  type Message,
  type NodeId,
  type RaftConfig,
  type Ready,
  type Role,
} from '../types.ts';
import { SafetyViolation, type InvariantChecker } from './checker.ts';
import { entryKey } from './digest.ts';
import type { DurableStore, SnapshotData } from './durable-store.ts';
import type { Random } from './random.ts';

/** What the simulation reads of a node's status. */
export interface SimStatus {
  term: number;
  commit: number;
  leader: NodeId;
  role: Role;
}

/** The Raft state machine's driver-facing surface, as the simulation drives it. */
export interface RaftNodeLike {
  tick(): void;
  campaign(): void;
  propose(data: Uint8Array): void;
  proposeConfChange(change: ConfChange): void;
  applyConfChange(change: ConfChange): ConfState;
  step(msg: Message): void;
  readIndex(context: string): void;
  transferLeadership(to: NodeId): void;
  reportUnreachable(id: NodeId): void;
  reportSnapshot(id: NodeId, ok: boolean): void;
  hasReady(): boolean;
  ready(): Ready;
  advance(): void;
  status(): SimStatus;
}

/** Builds a Raft node from its configuration (the real RawNode in tests). */
export type NodeFactory = (config: RaftConfig) => RaftNodeLike;

/** Where in the handling of a Ready a node crashes. */
export type CrashPoint = 'before-persist' | 'after-persist' | 'mid-send' | 'mid-apply' | 'before-advance';

/** What processing a Ready needs from the cluster around the node. */
export interface ReadyContext {
  checker: InvariantChecker;
  random: Random;
  send(from: SimNode, msg: Message, snapshot: SnapshotData | undefined): void;
  applied(node: SimNode, entry: Entry, change: ConfChange | undefined): void;
  trace(line: string): void;
}

/**
 * One simulated member: a durable store that outlives crashes, and a volatile part (the
 * RawNode and the snapshot data received but not yet installed) that a crash throws away.
 */
export class SimNode {
  readonly id: NodeId;
  readonly store: DurableStore;
  raft: RaftNodeLike | undefined;
  /** Incremented at every start, so reports never reach a later incarnation. */
  incarnation = 0;
  /** Role as last reported by a Ready (volatile). */
  role: Role = 'follower';
  /** Removed from the cluster: stops at tick `stopAt` and never restarts. */
  removed = false;
  stopAt = -1;
  restartAt = -1;
  /** Snapshot data that arrived beside 'snap' messages, by snapshot index (volatile). */
  private readonly received = new Map<number, SnapshotData>();

  constructor(id: NodeId, store: DurableStore) {
    this.id = id;
    this.store = store;
  }

  get live(): boolean {
    return this.raft !== undefined;
  }

  /** Starts a fresh RawNode on the durable store, as a process restart would. */
  start(factory: NodeFactory, config: Omit<RaftConfig, 'id' | 'storage' | 'applied'>): void {
    this.raft = factory({ ...config, id: this.id, storage: this.store, applied: this.store.appliedIndex });
    this.incarnation++;
    this.role = 'follower';
  }

  /** Drops all volatile state; the durable store stays as it is. */
  crash(): void {
    this.raft = undefined;
    this.received.clear();
    this.role = 'follower';
  }

  /** Keeps the data of a snapshot delivered beside a 'snap' message until Raft installs it. */
  receiveSnapshot(data: SnapshotData): void {
    this.received.set(data.meta.index, data);
  }

  /**
   * Handles one Ready in contract order: persist, send, apply, advance. When `crashPoint`
   * names a point the node dies there and the rest of the Ready is lost with it.
   */
  processReady(ctx: ReadyContext, crashPoint: (rd: Ready) => CrashPoint | undefined): void {
    const raft = this.raft;
    if (raft === undefined) return;
    const rd = raft.ready();
    const crashAt = crashPoint(rd);
    ctx.trace(`${this.id} ready ${describeReady(rd)}`);
    if (crashAt === 'before-persist') return this.crashAt(ctx, crashAt);
    const before = this.store.hardState;
    const wasLeader = this.role === 'leader';
    this.persist(ctx, rd);
    if (rd.softState !== undefined) this.role = rd.softState.role;
    if (rd.softState !== undefined || rd.hardState !== undefined) {
      const status = raft.status();
      if (status.role === 'leader') {
        ctx.checker.observeLeader(status.term, this.id, this.store.view());
        const hs = rd.hardState;
        if (wasLeader && hs !== undefined && hs.term === before.term && hs.commit > before.commit) {
          ctx.checker.observeLeaderCommit(this.id, hs.term, hs.commit, this.store.term(hs.commit));
        }
      }
    }
    if (crashAt === 'after-persist') return this.crashAt(ctx, crashAt);
    for (const msg of rd.messages) {
      if (crashAt === 'mid-send' && ctx.random.chance(0.5)) return this.crashAt(ctx, crashAt);
      let data: SnapshotData | undefined;
      if (msg.type === 'snap') {
        data = this.store.snapshotData();
        if (msg.snapshot === undefined || msg.snapshot.index !== data.meta.index || msg.snapshot.term !== data.meta.term) {
          throw new SafetyViolation('Ready contract', `${this.id} sent snapshot ${JSON.stringify(msg.snapshot)} but its storage holds ${data.meta.index}/${data.meta.term}`);
        }
      }
      ctx.send(this, msg, data);
    }
    for (const state of rd.readStates) ctx.checker.observeReadState(this.id, state);
    for (const entry of rd.committedEntries) {
      if (crashAt === 'mid-apply' && ctx.random.chance(0.3)) return this.crashAt(ctx, crashAt);
      this.apply(ctx, raft, entry);
    }
    if (crashAt === 'before-advance') return this.crashAt(ctx, crashAt);
    raft.advance();
  }

  private crashAt(ctx: ReadyContext, point: CrashPoint): void {
    ctx.trace(`${this.id} crashes ${point}`);
    this.crash();
  }

  private persist(ctx: ReadyContext, rd: Ready): void {
    const store = this.store;
    if (rd.snapshot !== undefined) {
      const data = this.received.get(rd.snapshot.index);
      if (data === undefined || data.meta.term !== rd.snapshot.term) {
        throw new SafetyViolation('Ready contract', `${this.id} was asked to install snapshot ${rd.snapshot.index}/${rd.snapshot.term}, which it never received`);
      }
      ctx.checker.observeSnapshotInstall(this.id, store.appliedIndex, data.keys);
      store.installSnapshot(data);
      this.received.clear();
    }
    if (rd.hardState !== undefined) store.hardState = { ...rd.hardState };
    const { written, skipped } = store.append(rd.entries);
    for (const { entry, chain } of written) ctx.checker.observeLogEntry(this.id, entry.index, entry.term, chain);
    for (const entry of skipped) {
      if (store.applied()[entry.index - 1] !== `${entry.term}:${entryKey(entry)}`) {
        throw new SafetyViolation('Log Matching', `${this.id} was asked to persist entry ${entry.index} of term ${entry.term} below its snapshot, unlike the entry it applied there`);
      }
    }
    if (store.hardState.commit > store.lastIndex()) {
      throw new SafetyViolation('Ready contract', `${this.id} persisted commit ${store.hardState.commit} past its last entry ${store.lastIndex()}`);
    }
    if (rd.hardState !== undefined) ctx.checker.observeCommit(this.id, rd.hardState.term, rd.hardState.commit, store.view());
  }

  private apply(ctx: ReadyContext, raft: RaftNodeLike, entry: Entry): void {
    const key = entryKey(entry);
    ctx.checker.observeApply(this.id, this.store.appliedIndex, entry.index, `${entry.term}:${key}`);
    let change: ConfChange | undefined;
    let conf: ConfState | undefined;
    if (entry.type === 'conf-change') {
      change = decodeConfChange(entry.data);
      conf = raft.applyConfChange(change);
    }
    this.store.applyEntry(entry, key, conf);
    ctx.applied(this, entry, change);
  }
}

/** Calls `fn`, ignoring only a refused proposal (which clients must expect). */
export function unlessDropped(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (error) {
    if (error instanceof ProposalDroppedError) return false;
    throw error;
  }
}

function describeReady(rd: Ready): string {
  const parts: string[] = [];
  if (rd.softState !== undefined) parts.push(`soft=${rd.softState.role}/${rd.softState.leader}`);
  if (rd.hardState !== undefined) parts.push(`hard=${rd.hardState.term}/${rd.hardState.vote}/${rd.hardState.commit}`);
  if (rd.snapshot !== undefined) parts.push(`snap=${rd.snapshot.index}/${rd.snapshot.term}`);
  if (rd.entries.length > 0) parts.push(`ents=${span(rd.entries)}`);
  if (rd.committedEntries.length > 0) parts.push(`apply=${span(rd.committedEntries)}`);
  if (rd.messages.length > 0) parts.push(`msgs=${rd.messages.length}`);
  if (rd.readStates.length > 0) parts.push(`reads=${rd.readStates.map((r) => `${r.context}@${r.index}`).join(',')}`);
  return parts.join(' ');
}

function span(entries: readonly Entry[]): string {
  const first = entries[0];
  const last = entries[entries.length - 1];
  if (first === undefined || last === undefined) return '-';
  return `${first.index}/${first.term}..${last.index}/${last.term}`;
}

/** One line describing a message, for traces. */
export function describeMessage(msg: Message): string {
  let text = `${msg.type} ${msg.from}>${msg.to} t${msg.term} i${msg.index}/${msg.logTerm} c${msg.commit}`;
  if (msg.entries.length > 0) text += ` e${span(msg.entries)}`;
  if (msg.reject) text += ` reject(hint ${msg.rejectHint})`;
  if (msg.snapshot !== undefined) text += ` snap${msg.snapshot.index}/${msg.snapshot.term}`;
  if (msg.context !== undefined) text += ` ctx=${msg.context}`;
  return text;
}
