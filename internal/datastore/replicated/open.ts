/**
 * Opens a replicated datastore member: the revision log file, the Raft member driving it,
 * and the MVCC store over both. A brand-new file is bootstrapped as a one-member cluster
 * unless the member is joining an existing one.
 */
import { RevLog } from '../revlog/revlog.ts';
import { MvccStore, type LogStoreOptions } from '../mvcc/store.ts';
import { ReplicatedNode, type ReplicatedNodeOptions } from './node.ts';

export interface ReplicatedStoreOptions extends LogStoreOptions {
  file: string;
  fullCheck?: boolean;
  /** This member's id (a file that already belongs to a member keeps its own) and the address peers reach it at. */
  id: string;
  peerUrl: string;
  /** Joining an existing cluster: start empty and wait for the leader, never bootstrap. */
  join?: boolean;
  member: Omit<ReplicatedNodeOptions, 'id' | 'log' | 'notify'>;
}

export interface ReplicatedStore {
  store: MvccStore;
  node: ReplicatedNode;
}

export function openReplicatedStore(options: ReplicatedStoreOptions): ReplicatedStore {
  const log = RevLog.open(options.file, { fullCheck: options.fullCheck ?? false });
  let node: ReplicatedNode | undefined;
  try {
    const existing = ReplicatedNode.memberOf(log);
    const id = existing ?? options.id;
    // Only a file no member ever used: a joining member writes its id before it holds any
    // Raft state, and must not start a cluster of its own if restarted before catching up.
    if (existing === undefined && !options.join) ReplicatedNode.bootstrap(log, id, options.peerUrl);
    const store = MvccStore.withWritePath(log, options, (notify) => {
      node = new ReplicatedNode({ ...options.member, id, log, notify });
      return node;
    });
    if (node === undefined) throw new Error('the replicated write path was not built');
    // A lone voter need not wait out an election timeout to lead.
    if (isSoleVoter(node)) node.campaign();
    return { store, node };
  } catch (error) {
    log.close();
    throw error;
  }
}

function isSoleVoter(node: ReplicatedNode): boolean {
  const voters = node.status().conf.voters;
  return voters.length === 1 && voters[0] === node.id;
}
