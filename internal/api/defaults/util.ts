/** Small setters over untyped JSON used by the defaulting functions. */
import type { Json, JsonObject } from '../../apiserver/objects.ts';

/** Sets `object[key]` when it is absent or null. */
export function setDefault(object: JsonObject, key: string, value: Json): void {
  if (object[key] === undefined || object[key] === null) object[key] = value;
}

/** The object at `parent[key]`, or undefined when absent or not an object. */
export function objectAt(parent: Json | undefined, key: string): JsonObject | undefined {
  if (typeof parent !== 'object' || parent === null || Array.isArray(parent)) return undefined;
  const value = parent[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

/** The object at `parent[key]`, created empty when absent. */
export function ensureObject(parent: JsonObject, key: string): JsonObject {
  const existing = objectAt(parent, key);
  if (existing !== undefined) return existing;
  const created: JsonObject = {};
  parent[key] = created;
  return created;
}

/** The object entries of an array value (others skipped). */
export function arrayOf(value: Json | undefined): JsonObject[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v));
}
