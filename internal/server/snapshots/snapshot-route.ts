/**
 * The admin endpoint on the API port that `skiff snapshot save` calls while the server runs
 * (the server holds the datastore file exclusively, so no other process can copy it):
 *
 *   POST /skiff/v1/snapshots?name=N  saves a snapshot, 201 with the SnapshotRecord
 *   GET  /skiff/v1/snapshots         lists the snapshot directory, 200 { items: [...] }
 *
 * Only members of system:masters may call it; others get 403, anonymous callers 401, both as
 * a Kubernetes Status. The check is made here too, not only by the API server's authorizer,
 * which lets nodes read every non-resource URL.
 */
import { Hono, type Context } from 'hono';
import type { Identity } from '../../apiserver/app.ts';
import { ApiError, badRequest, forbiddenPath, toStatus, unauthorized } from '../../apiserver/status.ts';
import { SnapshotError } from './errors.ts';
import { defaultSnapshotName, snapshotNameProblem } from './naming.ts';
import type { SavedSnapshot, SnapshotInfo } from './snapshot-file.ts';

/** The path of the snapshot endpoint. */
export const snapshotsPath = '/skiff/v1/snapshots';

/** A snapshot as the endpoint reports it. */
export interface SnapshotRecord {
  name: string;
  path: string;
  sizeBytes: number;
  /** RFC 3339, seconds. */
  created: string;
  /** Datastore revision held; only in the answer to a save. */
  revision?: number;
}

/** What the endpoint needs of the snapshot service. */
export interface SnapshotTaker {
  save(name: string): Promise<SavedSnapshot>;
  list(): SnapshotInfo[];
}

type Authenticate = (c: Context) => Identity | null | Promise<Identity | null>;

/** Routes for `service`, callable only by identities in system:masters. */
export function snapshotRoutes(service: SnapshotTaker, authenticate: Authenticate): Hono {
  const app = new Hono();
  const admin = async (c: Context, verb: string): Promise<void> => {
    const identity = await authenticate(c);
    if (identity === null) throw unauthorized();
    if (!identity.groups.includes('system:masters')) {
      throw forbiddenPath(identity.user, verb, snapshotsPath, 'only members of system:masters may take or list datastore snapshots');
    }
  };
  app.post(snapshotsPath, async (c) => {
    try {
      await admin(c, 'create');
      const name = c.req.query('name') ?? defaultSnapshotName;
      const problem = snapshotNameProblem(name);
      if (problem !== undefined) throw badRequest(`Cannot save a snapshot named "${name}": ${problem}`);
      const saved = await service.save(name);
      return c.json({ ...record(saved), revision: saved.revision } satisfies SnapshotRecord, 201);
    } catch (error) {
      return failure(c, error);
    }
  });
  app.get(snapshotsPath, async (c) => {
    try {
      await admin(c, 'get');
      return c.json({ items: service.list().map(record) });
    } catch (error) {
      return failure(c, error);
    }
  });
  return app;
}

function record(snapshot: SnapshotInfo): SnapshotRecord {
  return { name: snapshot.name, path: snapshot.path, sizeBytes: snapshot.sizeBytes, created: new Date(snapshot.createdAt).toISOString().replace(/\.\d+Z$/, 'Z') };
}

function failure(c: Context, error: unknown): Response {
  const mapped = error instanceof SnapshotError ? snapshotStatus(error) : error;
  const status = toStatus(mapped);
  return c.json(status, status.code as 400);
}

function snapshotStatus(error: SnapshotError): ApiError {
  switch (error.code) {
    case 'InvalidName':
      return badRequest(error.message);
    case 'Exists':
      return new ApiError(409, 'AlreadyExists', error.message);
    default:
      return new ApiError(500, 'InternalError', error.message);
  }
}
