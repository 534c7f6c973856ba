/**
 * A datastore member: drives the Raft state machine over the revision log. It is the
 * store's write path (WritePath): a write becomes a Raft entry, and resolves with the
 * outcome of applying it once this member applied it; a read first waits for a
 * ReadIndex confirmation. Every Ready at hand is handled in one SQLite transaction, in the
 * documented order: persist, apply (together with the applied index, so a crash re-applies
 * exactly the lost tail from the log), advance; its messages leave only after the commit,
 * which is synced when a Ready in it holds entries, a vote or a snapshot.
 */
import { rm } from 'node:fs/promises';
import type { Statement } from 'better-sqlite3';
import type { Readable } from 'node:stream';
import type { Command, CommandResult } from '../command.ts';
import { ClosedError, UnavailableError, WriteTimeoutError } from '../errors.ts';
import type { WritePath } from '../mvcc/store.ts';
import { bootstrapEntries as bootstrapLog } from '../raft/bootstrap.ts';
import { RawNode } from '../raft/raw-node.ts';
import type { RaftStatus } from '../raft/raw-node.ts';
import { decodeConfChange, ProposalDroppedError, type ConfChange, type ConfState, type Entry, type Message, type NodeId, type Ready, type ReadState, type Role } from '../raft/types.ts';
import type { RevLog } from '../revlog/revlog.ts';
import { EntryApplier } from './entry-applier.ts';
import { encodeCommand, encodeProposalRef, isProposalRef, peekCommandId } from './command-codec.ts';
import { ReadBarrier } from './read-barrier.ts';
import { SqliteRaftStorage } from './raft-storage.ts';
import { RaftStateTable, type Members } from './raft-state.ts';
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
  /**
   * Ticks without a leader before an election (default 6: 0.6–1.2 s with the jitter, so a
   * new leader serves writes well within 2 s of losing one, also on a busy machine).
   */
  electionTicks?: number;
  /** How long a write may wait for its commit before it fails as unknown (default 7 s). */
  proposalTimeoutMs?: number;
  /** Applied entries between compactions of the Raft log (default 10,000). */
  compactEvery?: number;
  /** Entries kept before the applied index at compaction, for members a little behind (default 1,000). */
  keepEntries?: number;
  random?: () => number;
  warn?: (message: string) => void;
  /** Leader changed ('' while none is known). */
  onLeader?: (leader: NodeId) => void;
}

const defaultElectionTicks = 6;

/** Ticks since a learner was last heard from, beyond which it is not promoted. */
const promoteHeardWithinTicks = 3;

/**
 * The learner to make a voter, if one keeps up: it answers (heard from within a few
 * ticks), takes entries as they come (the replicate state), and holds everything that was
 * committed at the previous check (`committedBefore`, an election timeout ago). Under a
 * steady write load a learner is always a batch or two behind the commit index: it need
 * not wait for a quiet moment. One that stopped answering is not made a voter, where it
 * would be needed for every commit.
 */
export function learnerToPromote(status: Pick<RaftStatus, 'conf' | 'progress'>, committedBefore: number, ticksSinceHeard: (id: NodeId) => number): NodeId | undefined {
  return status.conf.learners.find((id) => {
    const progress = status.progress.get(id);
    return progress?.state === 'replicate' && progress.match >= committedBefore && ticksSinceHeard(id) <= promoteHeardWithinTicks;
  });
}

/** What a transaction's commit releases. */
interface Outbox {
  messages: Message[];
  settled: Array<() => void>;
  reads: ReadState[];
  notify: boolean;
  installed: boolean;
  /** Applied proposals made by reference: their commands are let go once written and sent. */
  applied: string[];
}

const emptyOutbox = (): Outbox => ({ messages: [], settled: [], reads: [], notify: false, installed: false, applied: [] });

interface Waiter {
  resolve: (result: CommandResult) => void;
  reject: (error: unknown) => void;
  /** Tick at which it fails as timed out. */
  deadline: number;
  data: Uint8Array;
  command: Command;
  /** Tick at which it was last handed to Raft. */
  proposedAt: number;
  /** Whether Raft ever took it (appended it as leader, or forwarded it to one). */
  handedOff: boolean;
  /** How many times it was handed to Raft, successfully or not. */
  submissions: number;
}

export class ReplicatedNode implements WritePath {
  readonly id: NodeId;
  readonly #options: ReplicatedNodeOptions;
  readonly #storage: SqliteRaftStorage;
  readonly #raft: RawNode;
  readonly #applier: EntryApplier;
  readonly #reads: ReadBarrier;
  readonly #waiters = new Map<string, Waiter>();
  /** Ids of proposals refused for want of a leader, tried again when one is known. */
  #parked = new Set<string>();
  /** The received snapshot waiting for Raft to install it, attached as schema `snap`. */
  #attached: { key: string; file: string; detach: () => void } | null = null;
  #outbox: Outbox = emptyOutbox();
  #batchSynced = false;
  #promoting = false;
  /** The commit index at the previous promotion check (see #promoteCaughtUpLearners). */
  #commitAtLastCheck = 0;
  /** Tick each learner was last heard from, on a leader. */
  readonly #learnerHeard = new Map<NodeId, number>();
  /** Drives Raft's clock; keeps the process alive only while a write or read waits (#keepAlive). */
  readonly #ticker: NodeJS.Timeout;
  #tickerHeld = false;
  readonly #begin: Statement;
  readonly #commitStatement: Statement;
  readonly #electionTicks: number;
  /** Ticks a write may wait for its commit (proposalTimeoutMs). */
  readonly #timeoutTicks: number;
  readonly #nonce = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;
  #sequence = 0;
  #ticks = 0;
  #peers = new Set<NodeId>();
  #leader: NodeId = '';
  /** Tick since which no leader is known. */
  #leaderlessSince = 0;
  #role: Role = 'follower';
  #scheduled = false;
  #closed = false;
  #failure: Error | null = null;
  /**
   * Commands proposed by reference (encodeProposalRef), by id, until applied (or given up
   * before Raft took them): a member alone applies almost every entry in the transaction
   * that appends it, so it encodes only the entries that are written or sent (#encoded).
   */
  readonly #unencoded = new Map<string, Command>();
  /** The peer that told this member it was removed from the cluster ('' while it is a member). */
  #removedBy: NodeId = '';

  constructor(options: ReplicatedNodeOptions) {
    this.id = options.id;
    this.#options = options;
    const db = options.log.database;
    this.#begin = db.prepare('BEGIN IMMEDIATE');
    this.#commitStatement = db.prepare('COMMIT');
    this.#storage = new SqliteRaftStorage(db, (entry) => this.#encoded(entry));
    const storedId = this.#storage.state.read<string>('id', '');
    if (storedId === '') this.#storage.state.write('id', options.id);
    else if (storedId !== options.id) throw new Error(`Cannot run datastore member ${options.id} on ${options.log.file}: it belongs to member ${storedId}`);
    this.#applier = new EntryApplier({
      log: options.log,
      storage: this.#storage,
      applyConfChange: (change) => this.#raft.applyConfChange(change),
      onMembers: (members) => this.#membersChanged(members),
      settle: (id, outcome) => this.#settle(id, outcome),
      ownCommand: (id) => this.#waiters.get(id)?.command ?? this.#unencoded.get(id),
      onlyCopy: (id) => {
        // Alone, Raft took it the one time it was handed over: appended here once, and
        // nowhere else, so no other copy of it can be in the log.
        const waiter = this.#waiters.get(id);
        return waiter !== undefined && waiter.submissions === 1 && waiter.handedOff && this.#alone();
      },
      notify: () => {
        this.#outbox.notify = true;
      },
    });
    this.#raft = new RawNode({
      id: options.id,
      storage: this.#storage,
      applied: this.#applier.applied,
      electionTicks: options.electionTicks ?? defaultElectionTicks,
      random: options.random ?? Math.random,
    });
    this.#electionTicks = options.electionTicks ?? defaultElectionTicks;
    const tickMs = options.tickMs ?? 100;
    const timeoutTicks = Math.ceil((options.proposalTimeoutMs ?? 7000) / tickMs);
    this.#timeoutTicks = timeoutTicks;
    this.#reads = new ReadBarrier(
      { request: (context) => this.#readIndex(context), applied: () => this.#applier.applied },
      { timeoutTicks, retryTicks: 2 * this.#electionTicks },
    );
    this.#ticker = setInterval(() => this.#tick(), tickMs);
    this.#ticker.unref();
  }

  /** The member id the file belongs to, or undefined for a file never used by a member. */
  static memberOf(log: RevLog): NodeId | undefined {
    const id = new RaftStateTable(log.database).read<string>('id', '');
    return id === '' ? undefined : id;
  }

  /** Writes the log of a brand-new one-member cluster, unless this file already has Raft state. */
  static bootstrap(log: RevLog, id: NodeId, peerUrl: string): boolean {
    const storage = new SqliteRaftStorage(log.database);
    if (!storage.empty) return false;
    const entries = bootstrapLog(id, peerUrl);
    const conf: ConfState = { voters: [id], learners: [] };
    storage.synchronous(true);
    log.database.transaction(() => {
      storage.persist({ term: 1, vote: '', commit: entries.length }, entries, undefined);
      storage.flush();
      storage.state.write('id', id);
      storage.state.writeMembership(entries.length, conf, { [id]: peerUrl });
      storage.state.write('applied', entries.length);
    })();
    return true;
  }

  propose(command: Command): Promise<CommandResult> {
    if (this.#closed) return Promise.reject(new ClosedError());
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#removedBy !== '') return Promise.reject(this.#removedError());
    if (this.#leaderlessTooLong()) return Promise.reject(this.#noLeader());
    // Fixed width, so ids of one member sort in the order made.
    const id = `${this.id}.${this.#nonce}.${(++this.#sequence).toString(36).padStart(10, '0')}`;
    const alone = this.#alone();
    const data = alone ? encodeProposalRef(id) : encodeCommand({ id, command });
    if (alone) this.#unencoded.set(id, command);
    return new Promise<CommandResult>((resolve, reject) => {
      this.#waiters.set(id, { resolve, reject, deadline: this.#ticks + this.#timeoutTicks, data, command, proposedAt: this.#ticks, handedOff: false, submissions: 0 });
      this.#submit(id, data);
      this.#keepAlive();
    });
  }

  linearize(): Promise<void> {
    if (this.#closed) return Promise.reject(new ClosedError());
    if (this.#removedBy !== '') return Promise.reject(this.#removedError());
    // The only voter is the leader for good: nobody else can commit anything.
    const conf = this.#applier.conf;
    if (this.#role === 'leader' && conf.voters.length === 1 && conf.voters[0] === this.id) return Promise.resolve();
    if (this.#leaderlessTooLong()) return Promise.reject(this.#noLeader());
    const read = this.#reads.wait();
    this.#keepAlive();
    return read;
  }

  /**
   * Holds the process open while a write or read waits for its outcome (whose deadline is
   * counted in ticks), and lets it end once none does: an idle member keeps nothing alive.
   */
  #keepAlive(): void {
    const busy = !this.#closed && (this.#waiters.size > 0 || !this.#reads.idle);
    if (busy === this.#tickerHeld) return;
    this.#tickerHeld = busy;
    if (busy) this.#ticker.ref();
    else this.#ticker.unref();
  }

  /**
   * No leader for two election timeouts: this member is cut off from a quorum (or the
   * cluster has lost one). Requests then fail at once instead of each waiting its timeout.
   */
  #leaderlessTooLong(): boolean {
    return this.#leader === '' && this.#ticks - this.#leaderlessSince > 2 * this.#electionTicks;
  }

  #noLeader(): UnavailableError {
    return new UnavailableError(`no leader has been known here for ${this.#ticks - this.#leaderlessSince} ticks (cut off from a quorum of the ${this.#applier.conf.voters.length} voters?)`);
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

  /** The last index compacted out of the Raft log (entries up to it exist only as state). */
  get compactedIndex(): number {
    return this.#storage.firstIndex() - 1;
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
    // Attached now, outside any transaction, so that installing it can be part of one.
    this.#detachSnapshot();
    this.#attached = { key: snapshotKey(meta), file, detach: attachSnapshot(this.#options.log.database, file) };
    this.receive([message]);
  }

  /** Whether `id` was a member of this cluster until a change this member applied removed it. */
  isRemoved(id: NodeId): boolean {
    return this.#applier.wasRemoved(id);
  }

  /**
   * A peer refused this member's messages because it was removed from the cluster (a
   * removed member may never apply its own removal). It stops taking part: no more
   * elections (their pre-votes would only be refused), and requests fail saying why.
   */
  markRemoved(by: NodeId): void {
    if (this.#removedBy !== '' || this.#closed) return;
    this.#removedBy = by;
    const error = this.#removedError();
    this.#options.warn?.(error.message);
    for (const waiter of this.#waiters.values()) waiter.reject(error);
    this.#waiters.clear();
    this.#parked.clear();
    this.#unencoded.clear();
    this.#reads.failAll(error);
    this.#keepAlive();
  }

  /** Whether a peer said this member was removed from the cluster. */
  get removed(): boolean {
    return this.#removedBy !== '';
  }

  #removedError(): UnavailableError {
    return new UnavailableError(
      `datastore member ${this.id} was removed from the cluster (member ${this.#removedBy} says so): stop this server; to make it a member again, move its datastore directory aside and join with a server token`,
    );
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

  /**
   * Records the address this member is reached at, when it is the only member (a server
   * restored from a snapshot, or one that moved before growing into a cluster): with
   * others, an address is part of the replicated membership and changes only through it.
   */
  updateOwnAddress(peerUrl: string): boolean {
    const conf = this.#applier.conf;
    const members = this.#applier.members;
    if (members[this.id] === peerUrl) return true;
    if (conf.voters.length !== 1 || conf.voters[0] !== this.id || conf.learners.length > 0) return false;
    this.#applier.setOwnAddress(this.id, peerUrl);
    return true;
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

  /**
   * Hands leadership to the most caught-up other voter (Raft thesis §3.10) and waits until
   * this member no longer leads, at most `timeoutMs`: a server shutting down or leaving does
   * so without making the others wait out an election timeout. False when it still leads.
   */
  async handOffLeadership(timeoutMs = 3000): Promise<boolean> {
    if (!this.leads()) return true;
    const status = this.#raft.status();
    const candidates = status.conf.voters.filter((id) => id !== this.id);
    const best = candidates.sort((a, b) => (status.progress.get(b)?.match ?? 0) - (status.progress.get(a)?.match ?? 0))[0];
    if (best === undefined) return false;
    this.transferLeadership(best);
    const deadline = Date.now() + timeoutMs;
    while (this.leads() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return !this.leads();
  }

  /**
   * Removes a member from the cluster (one at a time, through the leader) and resolves once
   * the removal is applied here. A leader asked to remove itself hands leadership on first.
   */
  async removeMember(id: NodeId): Promise<ConfState> {
    if (!(id in this.#applier.members)) throw new Error(`Cannot remove datastore member ${id}: it is not a member (members: ${Object.keys(this.#applier.members).join(', ')})`);
    if (id === this.id && this.leads() && !(await this.handOffLeadership())) {
      throw new UnavailableError(`member ${id} leads and could not hand leadership to another voter`);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const applied = this.changeMembership({ type: 'remove', id });
        return id === this.id ? await this.#removedHere(applied) : await applied;
      } catch (error) {
        // Just after a hand-off the new leader may not be known yet here.
        if (!(error instanceof ProposalDroppedError) || attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /**
   * A member that removed itself may never learn that its removal committed: the leader
   * stops replicating to it as soon as it applies it. So the removal counts as done once
   * it is in this member's log and no leader talks to it any more, or once a peer refuses
   * its messages as those of a removed member.
   */
  async #removedHere(applied: Promise<ConfState>): Promise<ConfState> {
    let outcome: { conf: ConfState } | { error: unknown } | undefined;
    applied.then((conf) => (outcome = { conf }), (error: unknown) => (outcome = { error }));
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (outcome !== undefined) {
        if ('conf' in outcome) return outcome.conf;
        throw outcome.error;
      }
      if ((this.#leader === '' && this.#removalLogged()) || this.#removedBy !== '') {
        const conf = this.#applier.conf;
        return { voters: conf.voters.filter((voter) => voter !== this.id), learners: conf.learners.filter((learner) => learner !== this.id) };
      }
    }
  }

  #removalLogged(): boolean {
    const from = Math.max(this.#storage.firstIndex(), this.#applier.applied + 1);
    if (from > this.#storage.lastIndex()) return false;
    return this.#storage.entries(from, this.#storage.lastIndex() + 1).some((entry) => {
      if (entry.type !== 'conf-change') return false;
      const change = decodeConfChange(entry.data);
      return change.type === 'remove' && change.id === this.id;
    });
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
    for (const waiter of this.#waiters.values()) waiter.reject(error);
    this.#waiters.clear();
    this.#parked.clear();
    this.#unencoded.clear();
    this.#reads.failAll(error);
    this.#applier.failConfWaits(error);
    this.#detachSnapshot();
  }

  #submit(id: string, data: Uint8Array): void {
    const waiter = this.#waiters.get(id);
    if (waiter !== undefined) waiter.submissions += 1;
    try {
      this.#raft.propose(data);
      if (waiter !== undefined) waiter.handedOff = true;
      this.#schedule();
    } catch (error) {
      if (!(error instanceof ProposalDroppedError)) throw error;
      this.#parked.add(id);
    }
  }

  /** On the leader: a learner that keeps up becomes a voter (learnerToPromote), one change at a time. */
  #promoteCaughtUpLearners(): void {
    if (this.#role !== 'leader') return;
    const status = this.#raft.status();
    const committedBefore = this.#commitAtLastCheck;
    this.#commitAtLastCheck = status.commit;
    if (this.#promoting) return;
    const learner = learnerToPromote(status, committedBefore, (id) => this.#ticks - (this.#learnerHeard.get(id) ?? Number.NEGATIVE_INFINITY));
    if (learner === undefined) return;
    this.#promoting = true;
    this.changeMembership({ type: 'promote', id: learner })
      .catch((error: unknown) => this.#options.warn?.(`promoting datastore member ${learner} to voter failed (tried again later): ${String(error)}`))
      .finally(() => {
        this.#promoting = false;
      });
  }

  /**
   * Records when each learner was last heard from: Raft's recentActive mark is cleared at
   * every check-quorum, so it is read on every tick, not only when promotion is decided.
   */
  #noteLearnersHeard(): void {
    if (this.#role !== 'leader' || this.#applier.conf.learners.length === 0) {
      this.#learnerHeard.clear();
      return;
    }
    const status = this.#raft.status();
    for (const id of status.conf.learners) if (status.progress.get(id)?.recentActive === true) this.#learnerHeard.set(id, this.#ticks);
  }

  #readIndex(context: string): void {
    this.#raft.readIndex(context);
    this.#schedule();
  }

  #tick(): void {
    if (this.#closed || this.#removedBy !== '') return;
    this.#ticks += 1;
    this.#expireWaiters();
    this.#raft.tick();
    this.#noteLearnersHeard();
    this.#reads.tick();
    if (this.#parked.size > 0 && this.#leader !== '') this.#retryParked();
    if (this.#leaderlessTooLong()) this.#failUnseen();
    if (this.#ticks % this.#electionTicks === 0) {
      this.#proposeAgain((waiter) => this.#ticks - waiter.proposedAt >= 2 * this.#electionTicks);
      this.#promoteCaughtUpLearners();
    }
    this.#keepAlive();
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    setImmediate(() => this.#process());
  }

  /**
   * Handles every Ready there is in as few transactions as possible: one, synced if any
   * Ready in it needs its writes durable before its messages leave. Messages, the
   * outcomes of writes, watch events and reads are released only after the commit, so
   * nothing outside this process sees a write before it is on disk.
   */
  #process(): void {
    this.#scheduled = false;
    if (this.#closed || this.#failure !== null) return;
    const db = this.#options.log.database;
    try {
      for (let round = 0; round < 64 && this.#raft.hasReady(); round++) {
        const ready = this.#raft.ready();
        const full = this.#storage.mustSync(ready.hardState, ready.entries, ready.snapshot);
        // What the open transaction holds needs no sync: let it go before one that does.
        if (db.inTransaction && full && !this.#batchSynced) this.#commit();
        if (!db.inTransaction) {
          this.#storage.synchronous(full);
          this.#begin.run();
          this.#batchSynced = full;
        }
        this.#handle(ready);
      }
      if (db.inTransaction) this.#commit();
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      this.#fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.#raft.hasReady()) this.#schedule();
  }

  #handle(ready: Ready): void {
    const snapshot = ready.snapshot;
    if (snapshot !== undefined && this.#attached?.key !== snapshotKey(snapshot)) {
      throw new Error(`Raft installs snapshot ${snapshotKey(snapshot)} that was never received`);
    }
    const db = this.#options.log.database;
    this.#storage.persist(ready.hardState, ready.entries, snapshot, snapshot === undefined ? undefined : () => copySnapshotContents(db));
    if (snapshot !== undefined) {
      this.#options.log.reload();
      this.#applier.reload();
      this.#outbox.installed = true;
      this.#outbox.notify = true;
    }
    if (ready.softState !== undefined) this.#softState(ready.softState.leader, ready.softState.role);
    this.#outbox.messages.push(...ready.messages);
    this.#applier.apply(ready.committedEntries);
    this.#outbox.reads.push(...ready.readStates);
    this.#raft.advance();
    this.#applier.maybeCompact(this.#options.compactEvery ?? 10_000, this.#options.keepEntries ?? 1000);
  }

  /** Commits the open transaction, then lets out what waited for it. */
  #commit(): void {
    this.#storage.flush(this.#alone() ? { index: this.#applier.applied, conf: this.#applier.conf } : undefined);
    this.#commitStatement.run();
    const out = this.#outbox;
    this.#outbox = emptyOutbox();
    if (out.installed) this.#detachSnapshot();
    this.#send(out.messages);
    for (const id of out.applied) this.#unencoded.delete(id);
    for (const settle of out.settled) settle();
    if (out.notify) this.#options.notify();
    for (const read of out.reads) this.#reads.confirmed(read.context, read.index);
    this.#reads.applied();
    this.#keepAlive();
  }

  /**
   * Whether this member is the only one, with no learner either: nobody will ever ask it
   * for an entry it applied (a member that joins later starts from a snapshot).
   */
  #alone(): boolean {
    const conf = this.#applier.conf;
    return conf.voters.length === 1 && conf.voters[0] === this.id && conf.learners.length === 0;
  }

  #detachSnapshot(): void {
    const attached = this.#attached;
    if (attached === null) return;
    this.#attached = null;
    attached.detach();
    void rm(attached.file, { force: true });
  }

  /**
   * The full data of an entry proposed by reference, made on first need (written to the
   * log, or sent) and kept in the entry, so every holder of it sees the same bytes.
   */
  #encoded(entry: Entry): Uint8Array {
    if (entry.type !== 'normal' || !isProposalRef(entry.data)) return entry.data;
    const id = peekCommandId(entry.data);
    const command = this.#unencoded.get(id);
    if (command === undefined) throw new Error(`Cannot encode Raft entry ${entry.index}: the command of proposal ${id} is no longer known`);
    entry.data = encodeCommand({ id, command });
    const waiter = this.#waiters.get(id);
    if (waiter !== undefined) waiter.data = entry.data;
    return entry.data;
  }

  #send(messages: Message[]): void {
    if (messages.length === 0) return;
    if (this.#unencoded.size > 0) for (const message of messages) for (const entry of message.entries) this.#encoded(entry);
    const plain = messages.filter((message) => message.type !== 'snap');
    if (plain.length > 0) this.#options.transport.send(plain);
    for (const message of messages) {
      if (message.type !== 'snap') continue;
      this.#options.transport.sendSnapshot(message, () => openOutgoingSnapshot(this.#options.log, this.#options.snapshotDir));
    }
  }

  #softState(leader: NodeId, role: Role): void {
    this.#role = role;
    if (leader === this.#leader) return;
    this.#leader = leader;
    this.#options.onLeader?.(leader);
    if (leader === '') {
      this.#leaderlessSince = this.#ticks;
      return;
    }
    if (this.#parked.size > 0) this.#retryParked();
    // What was handed to the old leader may have died with it.
    this.#proposeAgain(() => true);
  }

  /**
   * Hands proposals still waiting to Raft again. Safe because applying is idempotent per
   * proposal id (EntryApplier): whichever copy commits first takes effect, once.
   */
  #proposeAgain(which: (waiter: Waiter) => boolean): void {
    for (const [id, waiter] of this.#waiters) {
      if (this.#parked.has(id) || !which(waiter)) continue;
      waiter.proposedAt = this.#ticks;
      this.#submit(id, waiter.data);
    }
  }

  /**
   * Fails the writes past their deadline. Waiters are kept in the order proposed, and all
   * wait equally long, so the expired ones are the first ones.
   */
  #expireWaiters(): void {
    for (const [id, waiter] of this.#waiters) {
      if (waiter.deadline > this.#ticks) return;
      this.#waiters.delete(id);
      this.#parked.delete(id);
      const waitedMs = this.#timeoutTicks * (this.#options.tickMs ?? 100);
      // Only a write no leader ever saw is known not to have happened.
      if (!waiter.handedOff) {
        this.#unencoded.delete(id);
        waiter.reject(new UnavailableError(`no leader was elected within ${waitedMs} ms`));
      } else waiter.reject(new WriteTimeoutError(waitedMs));
    }
  }

  /** Fails the parked writes no leader ever saw (they did not happen), and the waiting reads. */
  #failUnseen(): void {
    const error = this.#noLeader();
    const parked = this.#parked;
    this.#parked = new Set();
    for (const id of parked) {
      const waiter = this.#waiters.get(id);
      if (waiter === undefined || waiter.handedOff) continue;
      this.#waiters.delete(id);
      this.#unencoded.delete(id);
      waiter.reject(error);
    }
    this.#reads.failAll(error);
  }

  #retryParked(): void {
    const parked = this.#parked;
    this.#parked = new Set();
    for (const id of parked) {
      const waiter = this.#waiters.get(id);
      if (waiter !== undefined) this.#submit(id, waiter.data);
    }
  }

  #membersChanged(members: Members): void {
    for (const id of this.#peers) if (!(id in members)) this.#options.transport.removePeer(id);
    this.#peers = new Set(Object.keys(members).filter((id) => id !== this.id));
    for (const [id, url] of Object.entries(members)) if (id !== this.id) this.#options.transport.setPeer(id, url);
  }

  #settle(id: string, outcome: { ok: true; result: CommandResult } | { ok: false; error: unknown }): void {
    if (this.#unencoded.has(id)) this.#outbox.applied.push(id);
    const waiter = this.#waiters.get(id);
    if (waiter === undefined) return;
    this.#waiters.delete(id);
    this.#outbox.settled.push(() => {
      if (outcome.ok) waiter.resolve(outcome.result);
      else waiter.reject(outcome.error);
    });
  }

  #fail(error: Error): void {
    this.#failure = error;
    this.#options.warn?.(`datastore member ${this.id} stopped: ${error.message}`);
    for (const waiter of this.#waiters.values()) waiter.reject(error);
    this.#waiters.clear();
    this.#unencoded.clear();
    this.#reads.failAll(error);
    this.#applier.failConfWaits(error);
    this.#keepAlive();
  }
}
