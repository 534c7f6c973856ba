/**
 * API errors and their one mapping to Kubernetes Status objects: every failure the
 * API server returns goes through here.
 */
import { CompactedError, DatastoreError } from '../datastore/errors.ts';

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** An error that becomes a Status response with `code` and `reason`. */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
}

/** `<resource>[.<group>]` as Kubernetes names a resource in messages. */
export function qualifiedResource(plural: string, group: string): string {
  return group === '' ? plural : `${plural}.${group}`;
}

export function notFound(plural: string, group: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(plural, group)} "${name}" not found`, { name, group, kind: plural });
}

export function alreadyExists(plural: string, group: string, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(plural, group)} "${name}" already exists`, { name, group, kind: plural });
}

export function conflict(plural: string, group: string, name: string, why: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(plural, group)} "${name}": ${why}`,
    { name, group, kind: plural },
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 422 Invalid: `The Kind "name" is invalid: field: message, ...`. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(', ');
  return new ApiError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${list}`, {
    name,
    group,
    kind,
    causes,
  });
}

export function methodNotAllowed(message: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function forbidden(user: string, verb: string, plural: string, group: string, namespace: string | null, why = 'only members of system:masters are authorized until RBAC is enforced'): ApiError {
  const where = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
  return new ApiError(
    403,
    'Forbidden',
    `${qualifiedResource(plural, group)} is forbidden: User "${user}" cannot ${verb} resource "${plural}" in API group "${group}"${where}: ${why}`,
    { group, kind: plural },
  );
}

/** 403 for a non-resource URL (discovery, OpenAPI, …). */
export function forbiddenPath(user: string, verb: string, path: string, why: string): ApiError {
  return new ApiError(403, 'Forbidden', `forbidden: User "${user}" cannot ${verb} path "${path}": ${why}`);
}

/** Maps any error to a Status; unknown errors are 500 with their message. */
export function toStatus(error: unknown): Status {
  if (error instanceof ApiError) {
    return statusObject(error.code, error.reason, error.message, error.details);
  }
  if (error instanceof CompactedError) {
    return statusObject(410, 'Expired', `too old resource version: ${error.requestedRevision} (${error.compactRevision})`);
  }
  if (error instanceof DatastoreError && error.code === 'FutureRevision') {
    return statusObject(504, 'Timeout', `Too large resource version: ${error.message}`, { retryAfterSeconds: 1 });
  }
  if (error instanceof DatastoreError && error.code === 'Unavailable') {
    return statusObject(503, 'ServiceUnavailable', error.message, { retryAfterSeconds: 1 });
  }
  if (error instanceof DatastoreError && error.code === 'Timeout') {
    return statusObject(504, 'Timeout', error.message, { retryAfterSeconds: 1 });
  }
  const message = error instanceof Error ? error.message : String(error);
  return statusObject(500, 'InternalError', `Internal error occurred: ${message}`);
}

export function statusObject(code: number, reason: string, message: string, details?: StatusDetails): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details !== undefined) status.details = details;
  return status;
}
