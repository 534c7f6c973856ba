/**
 * The Raft state machine's contract with its driver. The state machine does no IO and
 * reads no clock: time is `tick()` calls, input is `step(message)` and proposals, and
 * everything the driver must do comes out as one `Ready` batch at a time:
 *
 *   1. persist `hardState`, `entries` and `snapshot` durably (in that one write),
 *   2. then send `messages` (never before step 1 is durable: a vote or an
 *      acknowledgement must not promise what a crash could forget),
 *   3. apply `committedEntries` in order, install `snapshot` first if present,
 *   4. call `advance()`.
 *
 * Node ids are opaque non-empty strings that are never reused for another member.
 */

export type NodeId = string;

export type EntryType = 'normal' | 'conf-change';

export interface Entry {
  index: number;
  term: number;
  type: EntryType;
  /** Opaque to Raft for 'normal' entries; encodeConfChange() output for 'conf-change'. */
  data: Uint8Array;
}

/**
 * One membership change, one server at a time (Raft thesis §4.1): a new member joins as a
 * learner (receives the log, does not vote, does not count toward quorum), and is promoted
 * to voter once caught up. `context` is carried to every member untouched (the driver
 * stores the member's peer address there).
 */
export interface ConfChange {
  type: 'add-learner' | 'promote' | 'remove';
  id: NodeId;
  context?: string;
}

export interface ConfState {
  voters: NodeId[];
  learners: NodeId[];
}

/** What must survive a crash, written before any message that depends on it is sent. */
export interface HardState {
  term: number;
  /** Whom this node voted for in `term` ('' for nobody). */
  vote: NodeId;
  commit: number;
}

/** A snapshot's identity: the state machine as of `index` (whose term is `term`). */
export interface SnapshotMeta {
  index: number;
  term: number;
  /** Membership as of `index`. */
  conf: ConfState;
}

export type MessageType =
  /** A follower forwards proposals to the leader (entries without index or term). */
  | 'prop'
  | 'prevote'
  | 'prevote-resp'
  | 'vote'
  | 'vote-resp'
  | 'app'
  | 'app-resp'
  | 'heartbeat'
  | 'heartbeat-resp'
  /** InstallSnapshot: `snapshot` names it; the driver streams the data beside the message. */
  | 'snap'
  /** Leadership transfer: the target starts an election at once, skipping pre-vote. */
  | 'timeout-now'
  /** A follower asks the leader for a read index (`context` identifies the request). */
  | 'read-index'
  | 'read-index-resp';

export interface Message {
  type: MessageType;
  from: NodeId;
  to: NodeId;
  term: number;
  /**
   * app: term of the entry at `index`; vote/prevote: term of the candidate's last entry;
   * app-resp on reject: term of the follower's entry at `rejectHint` (0 when unknown).
   */
  logTerm: number;
  /** app: index just before `entries`; app-resp: last matching index (or the rejected one); vote: last index. */
  index: number;
  entries: Entry[];
  commit: number;
  reject: boolean;
  /** app-resp on reject: the follower's guess of where the logs may match (fast backtracking). */
  rejectHint: number;
  snapshot?: SnapshotMeta;
  /**
   * read-index / heartbeat / timeout-now correlation; on vote/prevote, 'transfer' marks an
   * election started by a leadership transfer (it overrides leader stickiness).
   */
  context?: string;
}

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

export interface SoftState {
  leader: NodeId;
  role: Role;
}

/** A linearizable read may be served once the applied index reaches `index`. */
export interface ReadState {
  index: number;
  context: string;
}

export interface Ready {
  /** Present when it changed since the last Ready. */
  softState?: SoftState;
  /** Present when it changed; persist before sending `messages`. */
  hardState?: HardState;
  /** Entries to append to stable storage (replacing any conflicting suffix). */
  entries: Entry[];
  /** A snapshot received from the leader: persist and install it before applying entries. */
  snapshot?: SnapshotMeta;
  /** Entries committed and not yet handed out, to apply in order. */
  committedEntries: Entry[];
  messages: Message[];
  readStates: ReadState[];
}

/**
 * Stable storage as Raft reads it: read-only here, written by the driver between
 * `ready()` and `advance()`. Indexes below firstIndex() are compacted into the snapshot.
 */
export interface Storage {
  initialState(): { hardState: HardState; conf: ConfState };
  /** Entries [lo, hi), at most about maxBytes of data but always at least one. */
  entries(lo: number, hi: number, maxBytes?: number): Entry[];
  /** Term of the entry at `index`; for firstIndex()-1 the snapshot's term. Throws CompactedIndexError / UnavailableIndexError. */
  term(index: number): number;
  firstIndex(): number;
  lastIndex(): number;
  /** Metadata of the newest snapshot (index 0 when there is none). */
  snapshot(): SnapshotMeta;
}

export interface RaftConfig {
  id: NodeId;
  storage: Storage;
  /** Ticks without hearing from a leader before an election (randomized in [n, 2n)). Default 10. */
  electionTicks?: number;
  /** Ticks between leader heartbeats. Default 1. */
  heartbeatTicks?: number;
  /** Highest index already applied (after a restart). Default 0. */
  applied?: number;
  /** Most bytes of entry data per append message. Default 1 MiB. */
  maxSizePerMsg?: number;
  /** Most append messages in flight to one follower. Default 256. */
  maxInflightMsgs?: number;
  /** Pre-vote (thesis §9.6). Default true. */
  preVote?: boolean;
  /** A leader that has not heard from a quorum for an election timeout steps down. Default true. */
  checkQuorum?: boolean;
  /** Random source in [0, 1) for election timeouts; injected so simulations are reproducible. */
  random?: () => number;
}

export function encodeConfChange(change: ConfChange): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(change));
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  const value = JSON.parse(new TextDecoder().decode(data)) as ConfChange;
  if (value.type !== 'add-learner' && value.type !== 'promote' && value.type !== 'remove') {
    throw new Error(`Cannot decode a membership change of type ${String(value.type)}`);
  }
  return value;
}

/** The requested index is below the first one kept: it was compacted into a snapshot. */
export class CompactedIndexError extends Error {
  readonly index: number;
  constructor(index: number, firstIndex: number) {
    super(`raft log index ${index} is compacted (first kept index is ${firstIndex})`);
    this.index = index;
  }
}

/** The requested index is beyond the last one stored. */
export class UnavailableIndexError extends Error {
  readonly index: number;
  constructor(index: number, lastIndex: number) {
    super(`raft log index ${index} is not available (last index is ${lastIndex})`);
    this.index = index;
  }
}

/** A proposal was refused: no leader known, a transfer in progress, or a change already pending. */
export class ProposalDroppedError extends Error {
  constructor(reason: string) {
    super(`Cannot propose: ${reason}`);
  }
}
