/**
 * Server-side apply: merges an apply configuration into the live object,
 * records the configuration's fields as the manager's Apply entry, removes
 * fields the manager stopped applying that nobody else owns, and refuses
 * (409) to change fields other managers own unless forced.
 */
import type { TypeDef } from '../../api/schema/model.ts';
import type { Json, JsonObject } from '../objects.ts';
import { isPlainObject } from '../objects.ts';
import { ApiError, badRequest } from '../status.ts';
import { compare } from './compare.ts';
import { conflictError, type Conflict } from './conflict.ts';
import { FieldSet } from './field-set.ts';
import { decodeManagedFields, encodeManagedFields, managerId, ownableFields, type ManagerEntry } from './managed-fields.ts';
import { dropNulls, merge } from './merge.ts';
import { prune } from './prune.ts';
import { shapesOf, TypedError, type Resolver, type Shape } from './shape.ts';
import { toFieldSet } from './to-field-set.ts';
import { checkNesting, metadataOf, withManagedFields, withoutManagedFields } from './update.ts';
import { deepEqual, type WalkContext } from './walk.ts';

export interface ApplyOptions {
  /** The stored object, or null when the apply creates it. */
  current: JsonObject | null;
  /** The apply configuration (request body). */
  applied: JsonObject;
  manager: string;
  force: boolean;
  def: TypeDef | undefined;
  /** RFC 3339 timestamp for the manager's entry. */
  now: string;
  /** group/version served by the request, e.g. apps/v1; the body must use it. */
  apiVersion: string;
  subresource?: string;
  /** Looks up referenced definitions; defaults to the built-in registry. */
  resolve?: Resolver;
}

/** Manager recorded for fields of an object that had no managed fields when first applied to. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

// Set by the server, never by an apply configuration.
const SYSTEM_METADATA = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'];

/** The object after applying; throws ApiError 400 for a malformed configuration, 409 for conflicts. */
export function serverSideApply(options: ApplyOptions): JsonObject {
  const config = checkConfiguration(options);
  const shapes = shapesOf(options.resolve);
  const shape = shapes.ofDef(options.def);
  const strict: WalkContext = { shapes, strict: true };
  const lenient: WalkContext = { shapes, strict: false };
  const filter = (set: FieldSet): FieldSet =>
    ownableFields(set, { subresource: options.subresource, hasStatus: options.def?.fields.status !== undefined });

  let configSet: FieldSet;
  try {
    checkNesting(config);
    configSet = filter(toFieldSet(config, shape, strict));
  } catch (error) {
    if (error instanceof TypedError) throw badRequest(`failed to create typed patch object (${describeObject(config)}): ${error.message}`);
    throw error;
  }

  const live = options.current === null ? undefined : withoutManagedFields(options.current);
  const entries = live === undefined ? [] : storedEntries(options.current, live, shape, lenient, filter, options);
  const applier: ManagerEntry = {
    manager: options.manager,
    operation: 'Apply',
    apiVersion: options.apiVersion,
    time: undefined,
    subresource: options.subresource ?? '',
    set: configSet,
  };
  const index = entries.findIndex((e) => managerId(e) === managerId(applier));
  const last = index >= 0 ? entries[index] : undefined;
  applier.time = last?.time;
  if (last) entries[index] = applier;
  else entries.push(applier);

  let merged: Json = merge(live, config, shape, lenient) ?? {};
  if (last && !last.set.isEmpty()) merged = prune(merged, entries, last.set, shape, lenient);

  const cmp = compare(live, merged, shape, lenient);
  const changed = filter(cmp.added.union(cmp.modified));
  const conflicts: Conflict[] = [];
  const taken = new Map<ManagerEntry, FieldSet>();
  for (const entry of entries) {
    if (entry === applier) continue;
    const overlap = entry.set.intersection(changed);
    if (overlap.isEmpty()) continue;
    taken.set(entry, overlap);
    for (const path of overlap.paths()) conflicts.push({ entry, path });
  }
  if (conflicts.length > 0 && !options.force) throw conflictError(conflicts);
  for (const entry of entries) {
    if (entry === applier) continue;
    const lost = taken.get(entry);
    if (lost) entry.set = entry.set.difference(lost);
    entry.set = entry.set.difference(cmp.removed);
  }

  const objectChanged = live === undefined || !deepEqual(live, merged);
  if (objectChanged || !last || !sameSet(last.set, configSet)) applier.time = options.now;

  const result = finishObject(dropNulls(merged, shape, lenient), options.current);
  return withManagedFields(result, encodeManagedFields(entries));
}

function checkConfiguration(options: ApplyOptions): JsonObject {
  const applied: unknown = options.applied;
  if (!isPlainObject(applied)) throw badRequest('apply configuration must be a JSON object');
  const apiVersion = typeof applied.apiVersion === 'string' ? applied.apiVersion : '';
  if (apiVersion !== options.apiVersion) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${apiVersion}, expected: ${options.apiVersion}`);
  }
  const kind = applied.kind;
  if (typeof kind !== 'string' || kind === '') throw badRequest("Object 'Kind' is missing in apply patch");
  const expectedKind = options.def?.gvk?.kind;
  if (expectedKind !== undefined && kind !== expectedKind) {
    throw badRequest(`apply patch kind ${JSON.stringify(kind)} does not match the kind ${JSON.stringify(expectedKind)} being applied`);
  }
  const metadata = applied.metadata;
  if (!isPlainObject(metadata)) throw badRequest('metadata must be set in an apply patch');
  if (metadata.managedFields !== undefined && metadata.managedFields !== null) throw badRequest('metadata.managedFields must be nil');
  const name = metadata.name;
  if (typeof name !== 'string' || name === '') throw badRequest('metadata.name must be set in an apply patch');
  const current = metadataOf(options.current);
  if (current !== undefined) {
    if (name !== current.name) throw badRequest(`the name of the object (${name}) does not match the name on the URL (${String(current.name)})`);
    const namespace = metadata.namespace;
    if (typeof namespace === 'string' && namespace !== '' && namespace !== (current.namespace ?? '')) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const uid = metadata.uid;
    if (typeof uid === 'string' && uid !== '' && uid !== current.uid) {
      throw preconditionConflict(kind, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${String(current.uid)}`);
    }
    const rv = metadata.resourceVersion;
    if (typeof rv === 'string' && rv !== '' && rv !== current.resourceVersion) {
      throw preconditionConflict(kind, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
  }
  const { managedFields: _none, ...restMetadata } = metadata;
  return { ...applied, metadata: restMetadata };
}

function preconditionConflict(kind: string, name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${kind.toLowerCase()} "${name}": ${why}`, { name, kind });
}

// An existing object without managed fields first gets its current fields
// attributed to a placeholder updater, so they are not silently taken over.
function storedEntries(
  current: JsonObject | null,
  live: JsonObject,
  shape: Shape,
  ctx: WalkContext,
  filter: (set: FieldSet) => FieldSet,
  options: ApplyOptions,
): ManagerEntry[] {
  let entries: ManagerEntry[];
  try {
    entries = decodeManagedFields(metadataOf(current)?.managedFields);
  } catch {
    entries = [];
  }
  if (entries.length > 0) return entries;
  const owned = filter(compare(undefined, live, shape, ctx, { creating: true }).added);
  if (owned.isEmpty()) return [];
  return [{ manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: options.apiVersion, time: options.now, subresource: '', set: owned }];
}

// Server-set metadata comes from the stored object, never from the configuration.
function finishObject(merged: Json, current: JsonObject | null): JsonObject {
  const object = isPlainObject(merged) ? merged : {};
  const metadata: JsonObject = { ...(metadataOf(object) ?? {}) };
  const stored = metadataOf(current);
  for (const key of SYSTEM_METADATA) {
    const value = stored?.[key];
    if (value === undefined) delete metadata[key];
    else metadata[key] = value;
  }
  return { ...object, metadata };
}

function sameSet(a: FieldSet, b: FieldSet): boolean {
  return a.difference(b).isEmpty() && b.difference(a).isEmpty();
}

function describeObject(config: JsonObject): string {
  const metadata = metadataOf(config);
  const [group, version] = String(config.apiVersion).includes('/') ? String(config.apiVersion).split('/') : ['', String(config.apiVersion)];
  const ns = typeof metadata?.namespace === 'string' ? metadata.namespace : '';
  return `${ns}/${String(metadata?.name)}; ${group}/${version}, Kind=${String(config.kind)}`;
}
