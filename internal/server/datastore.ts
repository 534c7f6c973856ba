/**
 * The server's datastore: the revision log under Raft, always (a lone server is a cluster
 * of one voter, so there is one write path), and, for a server that is or may become part
 * of an HA control plane, the peer transport on the peer port with a certificate from the
 * cluster CA naming this member.
 */
import { join } from 'node:path';
import type { MvccStore } from '../datastore/mvcc/store.ts';
import type { ReplicatedNode, RaftTransport } from '../datastore/replicated/node.ts';
import { openReplicatedStore } from '../datastore/replicated/open.ts';
import { PeerTransport } from '../datastore/transport/index.ts';
import type { CertificateAuthority } from '../pki/index.ts';
import { issuePeerCertificate } from '../pki/peer.ts';
import type { Logger } from '../util/log.ts';

export interface ServerDatastoreOptions {
  serverDir: string;
  nodeName: string;
  ca: CertificateAuthority;
  /** Address other servers reach this one at, and the peer port. */
  advertise: string;
  bindAddress: string;
  peerPort: number;
  /** Serve the peer port (an HA member, or one that may become one). */
  clustered: boolean;
  /** Joining: start empty and wait for the leader's log (never bootstrap). */
  joining: boolean;
  /** Peers known before the log says so (from the join answer): id → peer URL. */
  peers?: Record<string, string>;
  /** This member's id (member-id.ts). */
  memberId: string;
  compactIntervalMs: number;
  compactWindow: number;
  raftCompactEntries?: number;
  log: Logger;
}

export interface ServerDatastore {
  store: MvccStore;
  node: ReplicatedNode;
  peerUrl: string;
  close(): Promise<void>;
}

export async function openServerDatastore(options: ServerDatastoreOptions): Promise<ServerDatastore> {
  const log = options.log.with({ component: 'datastore' });
  const peerUrl = `https://${options.advertise}:${options.peerPort}`;
  const dbDir = join(options.serverDir, 'db');
  let node: ReplicatedNode | undefined;
  let transport: PeerTransport | undefined;
  let raftTransport: RaftTransport = {
    setPeer: () => {},
    removePeer: () => {},
    send: () => {},
    sendSnapshot: (message) => queueMicrotask(() => node?.reportSnapshot(message.to, false)),
  };
  const requestedId = options.memberId;
  if (options.clustered) {
    const certificate = await issuePeerCertificate(options.ca, { id: requestedId, names: peerNames(options) });
    transport = await PeerTransport.start({
      id: requestedId,
      tls: { caPem: options.ca.certPem, certPem: certificate.certPem, keyPem: certificate.keyPem },
      host: options.bindAddress,
      port: options.peerPort,
      onMessages: (_from, messages) => node?.receive(messages),
      onSnapshot: async (message, data) => {
        if (node === undefined) throw new Error('the datastore is not open yet');
        await node.receiveSnapshot(message, data);
      },
      onUnreachable: (id) => node?.reportUnreachable(id),
      isRemoved: (id) => node?.isRemoved(id) ?? false,
      onRemoved: (by) => node?.markRemoved(by),
      onSnapshotStatus: (id, ok) => node?.reportSnapshot(id, ok),
      log,
    });
    raftTransport = transport;
    for (const [id, url] of Object.entries(options.peers ?? {})) if (id !== requestedId) transport.setPeer(id, url);
  }
  try {
    const opened = openReplicatedStore({
      file: join(dbDir, 'state.db'),
      id: requestedId,
      peerUrl,
      join: options.joining,
      compactIntervalMs: options.compactIntervalMs,
      compactWindow: options.compactWindow,
      warn: (message) => log.warn(message),
      member: {
        transport: raftTransport,
        snapshotDir: join(dbDir, 'raft-snapshots'),
        ...(options.raftCompactEntries === undefined
          ? {}
          : { compactEvery: options.raftCompactEntries, keepEntries: Math.max(1, Math.floor(options.raftCompactEntries / 10)) }),
        warn: (message) => log.warn(message),
        onLeader: (leader) => log.info('datastore leader', { leader: leader || '(none)' }),
      },
    });
    node = opened.node;
    if (transport !== undefined && node.id !== requestedId) {
      // The file belongs to a member created earlier: its certificate must name that id.
      await opened.store.close();
      throw new Error(`Cannot start datastore member ${requestedId}: ${join(dbDir, 'state.db')} belongs to member ${node.id}`);
    }
    if (!node.updateOwnAddress(peerUrl) && node.members[node.id] !== peerUrl) {
      log.warn('this server is reached at another peer address than the cluster knows; other servers will not reach it', { known: node.members[node.id] ?? '', now: peerUrl });
    }
    return {
      store: opened.store,
      node: opened.node,
      peerUrl,
      async close() {
        await opened.store.close();
        await transport?.close();
      },
    };
  } catch (error) {
    await transport?.close();
    throw error;
  }
}

function peerNames(options: ServerDatastoreOptions): string[] {
  const names = new Set([options.advertise, options.nodeName, 'localhost', '127.0.0.1']);
  if (options.bindAddress !== '0.0.0.0') names.add(options.bindAddress);
  return [...names];
}
