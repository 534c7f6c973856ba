/**
 * Every mutation of the datastore is one of these commands. Applying a command is
 * deterministic: the same commands applied in the same order to the same state give
 * the same revisions and the same results, which lets a replicated log (Raft) feed
 * the very apply function the single-node store uses. Anything that depends on the
 * clock (lease expiry) carries its `now` inside the command.
 */
import type { Lease, TxnRequest, TxnResponse } from './types.ts';

export type Command =
  | { type: 'txn'; txn: TxnRequest }
  | { type: 'compact'; revision: number }
  | { type: 'lease-grant'; ttlSeconds: number; now: number }
  | { type: 'lease-keepalive'; id: number; now: number }
  | { type: 'lease-revoke'; id: number }
  /** Revokes every lease whose expiry time is at or before `now`. */
  | { type: 'lease-expire'; now: number };

export type CommandResult =
  | { type: 'txn'; response: TxnResponse }
  | { type: 'compact'; compactRevision: number }
  | { type: 'lease'; lease: Lease }
  | { type: 'lease-revoke'; revision: number }
  | { type: 'lease-expire'; revoked: number[]; revision: number };

/** Applies commands in order and returns one outcome per command. */
export interface Proposer {
  propose(command: Command): Promise<CommandResult>;
}
