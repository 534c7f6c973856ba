/**
 * Applies committed Raft entries to the revision log, in order, each run of commands in
 * one transaction together with the applied index: the same entries give the same
 * revisions on every member. Membership changes go to Raft and to the members table.
 * Entries at or below the applied index (a snapshot newer than its announced index was
 * installed) change nothing, except that Raft is still told of membership changes.
 */
import type { Command, CommandResult } from '../command.ts';
import { WriteTimeoutError } from '../errors.ts';
import { decodeConfChange, type ConfChange, type ConfState, type Entry, type NodeId } from '../raft/types.ts';
import type { RevLog } from '../revlog/revlog.ts';
import { decodeCommand, peekCommandId, type ProposedCommand } from './command-codec.ts';
import type { SqliteRaftStorage } from './raft-storage.ts';
import { AppliedRequests, requestWindow, type Members } from './raft-state.ts';

export type Outcome = { ok: true; result: CommandResult } | { ok: false; error: unknown };

export interface EntryApplierHooks {
  log: RevLog;
  storage: SqliteRaftStorage;
  applyConfChange(change: ConfChange): ConfState;
  onMembers(members: Members, conf: ConfState): void;
  /** The command of a proposal this member made and still waits for. */
  ownCommand(id: string): Command | undefined;
  /**
   * Whether the log holds no other copy of this proposal: its id need neither be checked
   * (no earlier copy was applied) nor kept (no later copy will come). Members may then
   * keep different ids, but only ids that never come again, so they decide alike.
   */
  onlyCopy(id: string): boolean;
  /** The outcome of a proposal this member may be waiting for. */
  settle(id: string, outcome: Outcome): void;
  notify(): void;
}

interface ConfWait {
  change: ConfChange;
  resolve: (conf: ConfState) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

const sameChange = (a: ConfChange, b: ConfChange): boolean => a.type === b.type && a.id === b.id;

export class EntryApplier {
  readonly #hooks: EntryApplierHooks;
  #applied = 0;
  #conf: ConfState = { voters: [], learners: [] };
  #members: Members = {};
  #confWaits: ConfWait[] = [];
  readonly #requests: AppliedRequests;
  /** Members removed by an applied change (and not added again). */
  #removed = new Set<NodeId>();

  constructor(hooks: EntryApplierHooks) {
    this.#hooks = hooks;
    this.#requests = new AppliedRequests(hooks.log.database);
    this.reload();
  }

  get applied(): number {
    return this.#applied;
  }

  get conf(): ConfState {
    return this.#conf;
  }

  get members(): Members {
    return this.#members;
  }

  /** Whether `id` was a member until an applied change removed it. */
  wasRemoved(id: NodeId): boolean {
    return this.#removed.has(id);
  }

  /** Reads the applied state back from the file (after a snapshot replaced it). */
  reload(): void {
    const state = this.#hooks.storage.state.applied();
    this.#applied = state.applied;
    this.#conf = state.conf;
    this.#members = state.members;
    this.#removed = this.#hooks.storage.state.everMembers();
    for (const id of Object.keys(this.#members)) this.#removed.delete(id);
    this.#requests.reload();
    this.#hooks.onMembers(this.#members, this.#conf);
  }

  apply(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const state = this.#hooks.storage.state;
    /** `keep`: whether the proposal's id is remembered (see onlyCopy). */
    let batch: Array<{ index: number; proposal: ProposedCommand | null; keep: boolean }> = [];
    const flush = (): void => {
      if (batch.length === 0) return;
      const run = batch;
      batch = [];
      const proposals = run.flatMap((item) => (item.proposal === null ? [] : [item.proposal]));
      const last = run[run.length - 1]?.index ?? this.#applied;
      const first = this.#applied;
      const outcomes = this.#hooks.log.applyBatch(
        proposals.map((proposal) => proposal.command),
        () => {
          this.#requests.remember(run.flatMap((item) => (item.proposal === null || !item.keep ? [] : [[item.proposal.id, item.index] as [string, number]])));
          if (Math.floor(last / 1000) > Math.floor(first / 1000)) this.#requests.forgetBefore(last - requestWindow);
          state.write('applied', last);
        },
      );
      this.#applied = last;
      if (proposals.length > 0) this.#hooks.notify();
      proposals.forEach((proposal, i) => {
        const outcome = outcomes[i];
        if (outcome !== undefined && proposal.id !== '') this.#hooks.settle(proposal.id, outcome);
      });
    };
    /** Ids of this call's proposals not applied yet, and their index (the window applies here too). */
    const ids = new Map<string, number>();
    for (const entry of entries) {
      if (entry.type === 'conf-change') {
        flush();
        this.#applyConfChange(entry);
        continue;
      }
      if (entry.index <= this.#applied) continue;
      if (entry.data.byteLength === 0) {
        batch.push({ index: entry.index, proposal: null, keep: false });
        continue;
      }
      const id = peekCommandId(entry.data);
      if (id !== '' && this.#hooks.onlyCopy(id)) {
        batch.push({ index: entry.index, proposal: this.#proposal(id, entry.data), keep: false });
        continue;
      }
      // A proposal made again after a leader change, whose first copy was applied: nothing to do.
      const earlier = ids.get(id);
      const repeated = id !== '' && ((earlier !== undefined && earlier > entry.index - requestWindow) || this.#requests.seen(id, entry.index));
      if (!repeated) ids.set(id, entry.index);
      batch.push({ index: entry.index, proposal: repeated ? null : this.#proposal(id, entry.data), keep: !repeated && id !== '' });
    }
    flush();
  }

  /** The proposal in an entry: this member's own still waiting ones need no decoding. */
  #proposal(id: string, data: Uint8Array): ProposedCommand {
    const command = id === '' ? undefined : this.#hooks.ownCommand(id);
    return command === undefined ? decodeCommand(data) : { id, command };
  }

  #applyConfChange(entry: Entry): void {
    const change = decodeConfChange(entry.data);
    const conf = this.#hooks.applyConfChange(change);
    if (entry.index <= this.#applied) return;
    const members = { ...this.#members };
    if (change.type === 'remove') {
      delete members[change.id];
      this.#removed.add(change.id);
    } else if (change.type === 'add-learner') {
      members[change.id] = change.context ?? '';
      this.#removed.delete(change.id);
    }
    this.#hooks.log.database.transaction(() => {
      this.#hooks.storage.state.writeMembership(entry.index, conf, members);
      this.#hooks.storage.state.write('applied', entry.index);
    })();
    this.#applied = entry.index;
    this.#conf = conf;
    this.#members = members;
    this.#hooks.onMembers(members, conf);
    for (const wait of this.#takeConfWaits(change)) {
      clearTimeout(wait.timer);
      wait.resolve(conf);
    }
  }

  /** Sets a lone member's own address in the members table (see ReplicatedNode.updateOwnAddress). */
  setOwnAddress(id: string, peerUrl: string): void {
    const members = { ...this.#members, [id]: peerUrl };
    this.#hooks.storage.state.write('members', members);
    this.#members = members;
    this.#hooks.onMembers(members, this.#conf);
  }

  /** Resolves with the membership once a change like `change` is applied here. */
  whenConfApplied(change: ConfChange, timeoutMs: number): Promise<ConfState> {
    return new Promise<ConfState>((resolve, reject) => {
      const wait: ConfWait = {
        change,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#confWaits = this.#confWaits.filter((other) => other !== wait);
          reject(new WriteTimeoutError(timeoutMs));
        }, timeoutMs),
      };
      this.#confWaits.push(wait);
    });
  }

  cancelConfWait(change: ConfChange): void {
    for (const wait of this.#takeConfWaits(change)) clearTimeout(wait.timer);
  }

  /** Removes and returns the waits for a change like `change`. */
  #takeConfWaits(change: ConfChange): ConfWait[] {
    const taken = this.#confWaits.filter((wait) => sameChange(wait.change, change));
    this.#confWaits = this.#confWaits.filter((wait) => !sameChange(wait.change, change));
    return taken;
  }

  failConfWaits(error: unknown): void {
    const waits = this.#confWaits;
    this.#confWaits = [];
    for (const wait of waits) {
      clearTimeout(wait.timer);
      wait.reject(error);
    }
  }

  /** Drops applied entries from the Raft log once `every` of them piled up, keeping the last `keep`. */
  maybeCompact(every: number, keep: number): void {
    const storage = this.#hooks.storage;
    const point = this.#applied - keep;
    if (point - (storage.firstIndex() - 1) < every) return;
    storage.compact(point, storage.state.confAt(point));
  }
}
