/**
 * metadata.managedFields entries: decoding them into field sets per manager,
 * encoding them back in the order the API server keeps them, and the field
 * filters every entry passes through.
 */
import type { Json, JsonObject } from '../objects.ts';
import { isPlainObject } from '../objects.ts';
import { FieldSet } from './field-set.ts';
import type { Path } from './path-element.ts';

export type Operation = 'Apply' | 'Update';

export interface ManagerEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time: string | undefined;
  subresource: string;
  set: FieldSet;
}

/**
 * A manager's identity: name, operation and subresource, plus the API version
 * for updaters only, so an applier keeps one entry across versions.
 */
export function managerId(e: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([e.manager, e.operation, e.operation === 'Apply' ? '' : e.apiVersion, e.subresource]);
}

/** Decodes entries; throws Error on an entry the API server would not accept. */
export function decodeManagedFields(value: Json | undefined): ManagerEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error('managedFields must be a list');
  const byId = new Map<string, ManagerEntry>();
  value.forEach((raw, i) => {
    if (!isPlainObject(raw)) throw new Error(`managed fields entry ${i} must be an object`);
    const operation = raw.operation;
    if (operation !== 'Apply' && operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    const apiVersion = raw.apiVersion;
    if (typeof apiVersion !== 'string' || apiVersion === '') throw new Error('apiVersion must not be empty');
    if (raw.fieldsType === undefined || raw.fieldsType === '') throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (raw.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType ${JSON.stringify(raw.fieldsType)} in managed fields entry ${i}`);
    const entry: ManagerEntry = {
      manager: typeof raw.manager === 'string' ? raw.manager : '',
      operation,
      apiVersion,
      time: typeof raw.time === 'string' ? raw.time : undefined,
      subresource: typeof raw.subresource === 'string' ? raw.subresource : '',
      set: raw.fieldsV1 === undefined || raw.fieldsV1 === null ? new FieldSet() : FieldSet.fromFieldsV1(raw.fieldsV1),
    };
    byId.set(managerId(entry), entry);
  });
  return [...byId.values()];
}

/** An update that sends `[]` or `[{}]` asks for the managed fields to be reset. */
export function isResetRequest(value: Json | undefined): boolean {
  if (!Array.isArray(value)) return false;
  if (value.length === 0) return true;
  const only = value[0];
  return value.length === 1 && isPlainObject(only) && Object.keys(only).length === 0;
}

const seconds = (time: string | undefined): number => {
  const ms = time === undefined ? NaN : Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
};

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Encodes non-empty entries sorted by operation (Apply first), time, manager, version, subresource. */
export function encodeManagedFields(entries: readonly ManagerEntry[]): JsonObject[] {
  return entries
    .filter((e) => !e.set.isEmpty())
    .sort(
      (p, q) =>
        cmp(p.operation, q.operation) ||
        seconds(p.time) - seconds(q.time) ||
        cmp(p.manager, q.manager) ||
        cmp(p.apiVersion, q.apiVersion) ||
        cmp(p.subresource, q.subresource),
    )
    .map((e) => {
      const out: JsonObject = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
      if (e.time !== undefined) out.time = e.time;
      out.fieldsType = 'FieldsV1';
      out.fieldsV1 = e.set.toFieldsV1();
      if (e.subresource !== '') out.subresource = e.subresource;
      return out;
    });
}

// Identity and server-set fields are never owned by anyone.
const STRIPPED: Path[] = [
  [{ field: 'apiVersion' }],
  [{ field: 'kind' }],
  [{ field: 'metadata' }],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(
    (name): Path => [{ field: 'metadata' }, { field: name }],
  ),
];
const strippedSet = new FieldSet();
for (const path of STRIPPED) strippedSet.insert(path);

/**
 * The part of `set` a request may own: without identity fields, and limited
 * to `status` through the status subresource, or without `status` through
 * the main resource of a kind that has one.
 */
export function ownableFields(set: FieldSet, options: { subresource?: string | undefined; hasStatus: boolean }): FieldSet {
  const status: Path = [{ field: 'status' }];
  let out = set.difference(strippedSet);
  if (options.subresource === 'status') out = out.onlySubtree(status);
  else if (!options.subresource && options.hasStatus) out = out.withoutSubtree(status);
  return out;
}
