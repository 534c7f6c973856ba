/**
 * Managed-fields tracking for create, update and non-apply patch requests:
 * the fields a request changes become its manager's, and leave every other
 * manager's entry.
 */
import type { TypeDef } from '../../api/schema/model.ts';
import type { Json, JsonObject } from '../objects.ts';
import { isPlainObject } from '../objects.ts';
import { badRequest } from '../status.ts';
import { compare } from './compare.ts';
import { FieldSet } from './field-set.ts';
import { decodeManagedFields, encodeManagedFields, isResetRequest, managerId, ownableFields, type ManagerEntry } from './managed-fields.ts';
import { shapesOf, type Resolver } from './shape.ts';
import { TypedError } from './shape.ts';
import { MAX_DEPTH } from './walk.ts';

export interface TrackUpdateOptions {
  /** The stored object, or null on create. */
  previous: JsonObject | null;
  /** The object about to be stored. */
  next: JsonObject;
  manager: string;
  operation: 'Update';
  def: TypeDef | undefined;
  /** RFC 3339 timestamp recorded on the manager's entry when it takes fields. */
  now: string;
  /** group/version of the request, e.g. apps/v1. */
  apiVersion: string;
  subresource?: string;
  /** Looks up referenced definitions; defaults to the built-in registry. */
  resolve?: Resolver;
}

/** `next` with metadata.managedFields updated for this request; throws ApiError 400 only for absurdly deep values. */
export function trackUpdate(options: TrackUpdateOptions): JsonObject {
  try {
    checkNesting(options.next);
    return track(options);
  } catch (error) {
    if (error instanceof TypedError) throw badRequest(`cannot track managed fields: ${error.message}`);
    throw error;
  }
}

function track(options: TrackUpdateOptions): JsonObject {
  const shapes = shapesOf(options.resolve);
  const shape = shapes.ofDef(options.def);
  const ctx = { shapes, strict: false };
  const entries = startingEntries(options);
  const previous = options.previous === null ? undefined : withoutManagedFields(options.previous);
  const next = withoutManagedFields(options.next);
  const cmp = compare(previous, next, shape, ctx, { creating: previous === undefined });
  const filter = (set: FieldSet): FieldSet =>
    ownableFields(set, { subresource: options.subresource, hasStatus: options.def?.fields.status !== undefined });
  const changed = filter(cmp.added.union(cmp.modified));
  const removed = cmp.removed;
  for (const entry of entries) entry.set = entry.set.difference(changed).difference(removed);
  if (!changed.isEmpty()) {
    const mine: ManagerEntry = {
      manager: options.manager,
      operation: 'Update',
      apiVersion: options.apiVersion,
      time: options.now,
      subresource: options.subresource ?? '',
      set: new FieldSet(),
    };
    const existing = entries.find((e) => managerId(e) === managerId(mine));
    if (existing) {
      existing.set = existing.set.union(changed);
      existing.time = options.now;
    } else {
      mine.set = changed;
      entries.push(mine);
    }
  }
  return withManagedFields(next, encodeManagedFields(entries));
}

// Managed fields sent with the request replace the stored ones when they are
// valid and non-empty (`[]` resets them); subresources never change them.
function startingEntries(options: TrackUpdateOptions): ManagerEntry[] {
  const stored = metadataOf(options.previous)?.managedFields;
  const sent = metadataOf(options.next)?.managedFields;
  const decodeOrNone = (value: Json | undefined): ManagerEntry[] | undefined => {
    try {
      return decodeManagedFields(value);
    } catch {
      return undefined;
    }
  };
  if (!options.subresource) {
    if (isResetRequest(sent)) return [];
    const fromRequest = decodeOrNone(sent);
    if (fromRequest !== undefined && fromRequest.length > 0) return fromRequest;
  }
  return decodeOrNone(stored) ?? [];
}

export function metadataOf(object: JsonObject | null): JsonObject | undefined {
  const metadata = object?.metadata;
  return isPlainObject(metadata) ? metadata : undefined;
}

export function withoutManagedFields(object: JsonObject): JsonObject {
  const metadata = metadataOf(object);
  if (metadata === undefined || !Object.hasOwn(metadata, 'managedFields')) return object;
  const { managedFields: _dropped, ...rest } = metadata;
  return { ...object, metadata: rest };
}

export function withManagedFields(object: JsonObject, managedFields: JsonObject[]): JsonObject {
  const { managedFields: _old, ...metadata } = metadataOf(object) ?? {};
  if (managedFields.length > 0) metadata.managedFields = managedFields;
  return { ...object, metadata };
}

/** Throws TypedError when `value` nests deeper than the walks allow; iterative, so any depth is safe. */
export function checkNesting(value: Json): void {
  const stack: [Json, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [Json, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_DEPTH) throw new TypedError('', `value nested deeper than ${MAX_DEPTH} levels`);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
}
