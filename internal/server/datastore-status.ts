/**
 * GET /skiff/v1/datastore (admins only): this server's view of the replicated datastore —
 * its member id, the leader, its role and term, commit and applied indexes, and the
 * members with their peer addresses.
 */
import { Hono, type Context } from 'hono';
import type { Identity } from '../apiserver/app.ts';
import { forbiddenPath, toStatus, unauthorized } from '../apiserver/status.ts';
import type { ReplicatedNode } from '../datastore/replicated/node.ts';

export const datastoreStatusPath = '/skiff/v1/datastore';

export interface DatastoreStatus {
  id: string;
  leader: string;
  role: string;
  term: number;
  commit: number;
  applied: number;
  /** The Raft log was compacted up to here: a member further behind catches up by snapshot. */
  compacted: number;
  members: Array<{ id: string; peerUrl: string; voter: boolean }>;
}

export function datastoreStatus(node: ReplicatedNode): DatastoreStatus {
  const status = node.status();
  const members = node.members;
  return {
    id: node.id,
    leader: status.leader,
    role: status.role,
    term: status.term,
    commit: status.commit,
    applied: status.applied,
    compacted: node.compactedIndex,
    members: [...status.conf.voters.map((id) => ({ id, voter: true })), ...status.conf.learners.map((id) => ({ id, voter: false }))].map((member) => ({
      ...member,
      peerUrl: members[member.id] ?? '',
    })),
  };
}

export function datastoreStatusRoutes(node: () => ReplicatedNode, authenticate: (c: Context) => Identity | null): Hono {
  const app = new Hono();
  app.get(datastoreStatusPath, (c) => {
    const identity = authenticate(c);
    const refusal =
      identity === null
        ? unauthorized()
        : identity.groups.includes('system:masters')
          ? null
          : forbiddenPath(identity.user, 'get', datastoreStatusPath, 'only members of system:masters may read the datastore status');
    if (refusal !== null) {
      const status = toStatus(refusal);
      return c.json(status, status.code as 401);
    }
    return c.json(datastoreStatus(node()));
  });
  return app;
}
