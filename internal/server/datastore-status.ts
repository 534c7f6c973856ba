/**
 * GET /skiff/v1/datastore (admins only): this server's view of the replicated datastore —
 * its member id, the leader, its role and term, commit and applied indexes, and the
 * members with their peer addresses. POST /skiff/v1/datastore/leave: this server leaves.
 */
import { Hono } from 'hono';
import { ApiError, toStatus } from '../apiserver/status.ts';
import type { ReplicatedNode } from '../datastore/replicated/node.ts';

export const datastoreStatusPath = '/skiff/v1/datastore';
/** POST: this server leaves the cluster (removed from the members; leadership handed on first). */
export const datastoreLeavePath = '/skiff/v1/datastore/leave';

export interface DatastoreStatus {
  id: string;
  leader: string;
  role: string;
  term: number;
  commit: number;
  applied: number;
  /** The Raft log was compacted up to here: a member further behind catches up by snapshot. */
  compacted: number;
  /** Another member refused this one's messages: it was removed from the cluster. */
  removed: boolean;
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
    removed: node.removed,
    members: [...status.conf.voters.map((id) => ({ id, voter: true })), ...status.conf.learners.map((id) => ({ id, voter: false }))].map((member) => ({
      ...member,
      peerUrl: members[member.id] ?? '',
    })),
  };
}

/** The routes; authentication and authorization (admins only, for /skiff/) are the API server's. */
export function datastoreStatusRoutes(node: () => ReplicatedNode): Hono {
  const app = new Hono();
  app.get(datastoreStatusPath, (c) => c.json(datastoreStatus(node())));
  app.post(datastoreLeavePath, async (c) => {
    const member = node();
    if (Object.keys(member.members).length <= 1) {
      throw new ApiError(409, 'Conflict', `datastore member ${member.id} is the only member: there is no cluster to leave`);
    }
    const conf = await member.removeMember(member.id);
    // This member may never apply its own removal: answer with the membership that committed.
    const addresses = member.members;
    const remaining = [...conf.voters.map((id) => ({ id, voter: true })), ...conf.learners.map((id) => ({ id, voter: false }))];
    return c.json({ ...datastoreStatus(member), members: remaining.map((m) => ({ ...m, peerUrl: addresses[m.id] ?? '' })) } satisfies DatastoreStatus);
  });
  app.onError((error, c) => {
    const status = toStatus(error);
    return c.json(status, status.code as 500);
  });
  return app;
}
