/**
 * A datastore member: drives the Raft state machine over the revision log. It is the
 * store's write path (WritePath): a write becomes a Raft entry, and resolves with the
 * outcome of applying it once this member applied it; a read first waits for a
 * ReadIndex confirmation. Each Ready is handled in the documented order: persist (one
 * fully synced transaction), send, apply (atomically with the applied index, unsynced:
 * the log is the durable record, and a crash re-applies from it), advance.
 */
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Command, CommandResult } from '../command.ts';
import { ClosedError, UnavailableError, WriteTimeoutError } from '../errors.ts';
import type { WritePath } from '../mvcc/store.ts';
import { bootstrapEntries as bootstrapLog } from '../raft/bootstrap.ts';
import { RawNode } from '../raft/raw-node.ts';
import type { RaftStatus } from '../raft/raw-node.ts';
import { ProposalDroppedError, type ConfChange, type ConfState, type Message, type NodeId, type Ready, type SnapshotMeta } from '../raft/types.ts';
import type { RevLog } from '../revlog/revlog.ts';
import { EntryApplier } from './entry-applier.ts';
import { encodeCommand } from './command-codec.ts';
import { ReadBarrier } from './read-barrier.ts';
import { SqliteRaftStorage } from './raft-storage.ts';
import type { Members } from './raft-state.ts';
import { attachSnapshot, copySnapshotContents, openOutgoingSnapshot, receiveSnapshotFile, snapshotKey } from './snapshot-files.ts';

/** How Raft messages leave this member; the peer transport, or an in-process network in tests. */
export interface RaftTransport {
  setPeer(id: NodeId, url: string): void;
  removePeer(id: NodeId): void;
  send(messages: Message[]): void;
  sendSnapshot(message: Message, open: () => Promise<Readable>): void;
}

export interface ReplicatedNodeOptions {
  id: NodeId;
  log: RevLog;
  /** Called after every apply that wrote to the log (the watch hub's notify). */
  notify: () => void;
  transport: RaftTransport;
  /** Where snapshot files are staged while sent or received. */
  snapshotDir: string;
  /** Length of a Raft tick (default 100 ms). */
  tickMs?: number;
  /** Ticks without a leader before an election (default 10: 1–2 s with the jitter). */
  electionTicks?: number;
  heartbeatTicks?: number;
  /** How long a write may wait for its commit before it fails as unknown (default 7 s). */
  proposalTimeoutMs?: number;
  /** Applied entries between compactions of the Raft log (default 10,000). */
  compactEvery?: number;
  /** Entries kept before the applied index at compaction, for members a little behind (default 1,000). */
  keepEntries?: number;
  random?: () => number;
  warn?: (message: string) => void;
  /** Membership as applied changed (also once at start). */
  onMembers?: (members: Members, conf: ConfState) => void;
  /** Leader changed ('' while none is known). */
  onLeader?: (leader: NodeId) => void;
}

interface Waiter {
  resolve: (result: CommandResult) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

export class ReplicatedNode implements WritePath {
  readonly id: NodeId;
  readonly #options: ReplicatedNodeOptions;
  readonly #storage: SqliteRaftStorage;
  readonly #raft: RawNode;
  readonly #applier: EntryApplier;
  readonly #reads: ReadBarrier;
  readonly #waiters = new Map<string, Waiter>();
  /** Proposals refused for want of a leader, tried again when one is known. */
  #parked: Array<{ id: string; data: Uint8Array }> = [];
  readonly #incoming = new Map<string, string>();
  readonly #ticker: NodeJS.Timeout;
  readonly #nonce = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;
  #sequence = 0;
  #peers = new Set<NodeId>();
  #leader: NodeId = '';
  #role = 'follower';
  #scheduled = false;
  #closed = false;
  #failure: Error | null = null;

  constructor(options: ReplicatedNodeOptions) {
    this.id = options.id;
    this.#options = options;
    const db = options.log.database;
    this.#storage = new SqliteRaftStorage(db);
    const storedId = this.#storage.state.read<string>('id', '');
    if (storedId === '') this.#storage.state.write('id', options.id);
    else if (storedId !== options.id) throw new Error(`Cannot run datastore member ${options.id} on ${options.log.file}: it belongs to member ${storedId}`);
    this.#applier = new EntryApplier({
      log: options.log,
      storage: this.#storage,
      applyConfChange: (change) => this.#raft.applyConfChange(change),
      onMembers: (members, conf) => this.#membersChanged(members, conf),
      settle: (id, outcome) => this.#settle(id, outcome),
      notify: options.notify,
    });
    this.#raft = new RawNode({
      id: options.id,
      storage: this.#storage,
      applied: this.#applier.applied,
      electionTicks: options.electionTicks ?? 10,
      heartbeatTicks: options.heartbeatTicks ?? 1,
      ...(options.random === undefined ? {} : { random: options.random }),
    });
    const tickMs = options.tickMs ?? 100;
    const timeoutTicks = Math.ceil((options.proposalTimeoutMs ?? 7000) / tickMs);
    this.#reads = new ReadBarrier(
      { request: (context) => this.#readIndex(context), applied: () => this.#applier.applied },
      { timeoutTicks, retryTicks: 2 * (options.electionTicks ?? 10) },
    );
    const state = this.#storage.state.applied();
    this.#membersChanged(state.members, state.conf);
    this.#ticker = setInterval(() => this.#tick(), tickMs);
    this.#ticker.unref();
  }

  /** Writes the log of a brand-new one-member cluster, unless this file already has Raft state. */
  static bootstrap(log: RevLog, id: NodeId, peerUrl: string): boolean {
    const storage = new SqliteRaftStorage(log.database);
    if (!storage.empty) return false;
    const entries = bootstrapLog(id, peerUrl);
    const conf: ConfState = { voters: [id], learners: [] };
    storage.persist({ term: 1, vote: '', commit: entries.length }, entries, undefined);
    log.database.transaction(() => {
      storage.state.write('id', id);
      storage.state.writeMembership(entries.length, conf, { [id]: peerUrl });
      storage.state.write('applied', entries.length);
    })();
    return true;
  }

  propose(command: Command): Promise<CommandResult> {
    if (this.#closed) return Promise.reject(new ClosedError());
    if (this.#failure !== null) return Promise.reject(this.#failure);
    const id = `${this.id}.${this.#nonce}.${++this.#sequence}`;
    const data = encodeCommand({ id, command });
    const timeoutMs = this.#options.proposalTimeoutMs ?? 7000;
    return new Promise<CommandResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(id);
        const parked = this.#parked.findIndex((proposal) => proposal.id === id);
        if (parked >= 0) {
          this.#parked.splice(parked, 1);
          reject(new UnavailableError(`no leader was elected within ${timeoutMs} ms`));
        } else reject(new WriteTimeoutError(timeoutMs));
      }, timeoutMs);
      this.#waiters.set(id, { resolve, reject, timer });
      this.#submit(id, data);
    });
  }

  linearize(): Promise<void> {
    if (this.#closed) return Promise.reject(new ClosedError());
    // The only voter is the leader for good: nobody else can commit anything.
    const conf = this.#applier.conf;
    if (this.#role === 'leader' && conf.voters.length === 1 && conf.voters[0] === this.id) return Promise.resolve();
    return this.#reads.wait();
  }

  leads(): boolean {
    return this.#role === 'leader';
  }

  get leader(): NodeId {
    return this.#leader;
  }

  get members(): Members {
    return { ...this.#applier.members };
  }

  status(): RaftStatus {
    return this.#raft.status();
  }

  /** Messages from a peer (the transport calls this). */
  receive(messages: readonly Message[]): void {
    if (this.#closed) return;
    for (const message of messages) this.#raft.step(message);
    this.#schedule();
  }

  /** A streamed snapshot from the leader: saved and checked, then handed to Raft. */
  async receiveSnapshot(message: Message, data: Readable): Promise<void> {
    const meta = message.snapshot;
    if (meta === undefined) throw new Error(`a snapshot message from ${message.from} names no snapshot`);
    const file = await receiveSnapshotFile(this.#options.snapshotDir, meta, data);
    if (this.#closed) {
      await rm(file, { force: true });
      throw new ClosedError();
    }
    const previous = this.#incoming.get(snapshotKey(meta));
    if (previous !== undefined) await rm(previous, { force: true });
    this.#incoming.set(snapshotKey(meta), file);
    this.receive([message]);
  }

  reportUnreachable(id: NodeId): void {
    if (this.#closed) return;
    this.#raft.reportUnreachable(id);
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    if (this.#closed) return;
    this.#raft.reportSnapshot(id, ok);
    this.#schedule();
  }

  /** Proposes a membership change (on the leader) and resolves once it is applied here. */
  changeMembership(change: ConfChange): Promise<ConfState> {
    if (this.#closed) return Promise.reject(new ClosedError());
    const applied = this.#applier.whenConfApplied(change, this.#options.proposalTimeoutMs ?? 7000);
    try {
      this.#raft.proposeConfChange(change);
    } catch (error) {
      this.#applier.cancelConfWait(change);
      return Promise.reject(error);
    }
    this.#schedule();
    return applied;
  }

  transferLeadership(to: NodeId): void {
    this.#raft.transferLeadership(to);
    this.#schedule();
  }

  /** Starts an election now (a lone member need not wait out the timeout). */
  campaign(): void {
    this.#raft.campaign();
    this.#schedule();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#ticker);
    const error = new ClosedError();
    for (const waiter of this.#waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.#waiters.clear();
    this.#parked = [];
    this.#reads.failAll(error);
    this.#applier.failConfWaits(error);
    for (const file of this.#incoming.values()) await rm(file, { force: true });
  }

  #submit(id: string, data: Uint8Array): void {
    try {
      this.#raft.propose(data);
      this.#schedule();
    } catch (error) {
      if (!(error instanceof ProposalDroppedError)) throw error;
      this.#parked.push({ id, data });
    }
  }

  #readIndex(context: string): void {
    this.#raft.readIndex(context);
    this.#schedule();
  }

  #tick(): void {
    if (this.#closed) return;
    this.#raft.tick();
    this.#reads.tick();
    if (this.#parked.length > 0 && this.#leader !== '') this.#retryParked();
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    setImmediate(() => this.#process());
  }

  #process(): void {
    this.#scheduled = false;
    if (this.#closed || this.#failure !== null) return;
    try {
      for (let round = 0; round < 64 && this.#raft.hasReady(); round++) this.#handle(this.#raft.ready());
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.#raft.hasReady()) this.#schedule();
  }

  #handle(ready: Ready): void {
    const snapshot = ready.snapshot;
    const file = snapshot === undefined ? undefined : this.#incoming.get(snapshotKey(snapshot));
    if (snapshot !== undefined && file === undefined) throw new Error(`Raft installs snapshot ${snapshotKey(snapshot)} that was never received`);
    const db = this.#options.log.database;
    const detach = file === undefined ? null : attachSnapshot(db, file);
    try {
      this.#storage.persist(ready.hardState, ready.entries, snapshot, file === undefined ? undefined : () => copySnapshotContents(db));
    } finally {
      detach?.();
    }
    if (snapshot !== undefined) this.#installed(snapshot);
    if (ready.softState !== undefined) this.#softState(ready.softState.leader, ready.softState.role);
    this.#send(ready.messages);
    this.#applier.apply(ready.committedEntries);
    for (const read of ready.readStates) this.#reads.confirmed(read.context, read.index);
    this.#reads.applied();
    this.#raft.advance();
    this.#applier.maybeCompact(this.#options.compactEvery ?? 10_000, this.#options.keepEntries ?? 1000);
  }

  #installed(snapshot: SnapshotMeta): void {
    const key = snapshotKey(snapshot);
    const file = this.#incoming.get(key);
    this.#incoming.delete(key);
    if (file !== undefined) void rm(file, { force: true });
    this.#options.log.reload();
    this.#applier.reload();
    this.#options.notify();
  }

  #send(messages: Message[]): void {
    const plain = messages.filter((message) => message.type !== 'snap');
    if (plain.length > 0) this.#options.transport.send(plain);
    for (const message of messages) {
      if (message.type !== 'snap') continue;
      this.#options.transport.sendSnapshot(message, () => openOutgoingSnapshot(this.#options.log, this.#options.snapshotDir));
    }
  }

  #softState(leader: NodeId, role: string): void {
    this.#role = role;
    if (leader === this.#leader) return;
    this.#leader = leader;
    this.#options.onLeader?.(leader);
    if (leader !== '' && this.#parked.length > 0) this.#retryParked();
  }

  #retryParked(): void {
    const parked = this.#parked;
    this.#parked = [];
    for (const proposal of parked) if (this.#waiters.has(proposal.id)) this.#submit(proposal.id, proposal.data);
  }

  #membersChanged(members: Members, conf: ConfState): void {
    for (const id of this.#peers) if (!(id in members)) this.#options.transport.removePeer(id);
    this.#peers = new Set(Object.keys(members).filter((id) => id !== this.id));
    for (const [id, url] of Object.entries(members)) if (id !== this.id) this.#options.transport.setPeer(id, url);
    this.#options.onMembers?.(members, conf);
  }

  #settle(id: string, outcome: { ok: true; result: CommandResult } | { ok: false; error: unknown }): void {
    const waiter = this.#waiters.get(id);
    if (waiter === undefined) return;
    this.#waiters.delete(id);
    clearTimeout(waiter.timer);
    if (outcome.ok) waiter.resolve(outcome.result);
    else waiter.reject(outcome.error);
  }

  #fail(error: Error): void {
    this.#failure = error;
    this.#options.warn?.(`datastore member ${this.id} stopped: ${error.message}`);
    for (const waiter of this.#waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.#waiters.clear();
    this.#reads.failAll(error);
    this.#applier.failConfWaits(error);
  }
}
