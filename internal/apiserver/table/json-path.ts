/**
 * Tolerant readers over stored JSON objects: a printer must produce a row for any
 * object the store holds, so a missing or mistyped field reads as its zero value.
 */
import { isPlainObject, type Json, type JsonObject } from '../objects.ts';

/** The value at a path of object keys, or undefined when any step is missing. */
export function at(value: unknown, ...path: string[]): Json | undefined {
  let current: unknown = value;
  for (const key of path) {
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return current as Json | undefined;
}

/** A string field, "" when absent. */
export function str(value: unknown, ...path: string[]): string {
  const found = at(value, ...path);
  return typeof found === 'string' ? found : '';
}

/** A string field, undefined when absent (for fields whose absence prints differently). */
export function optStr(value: unknown, ...path: string[]): string | undefined {
  const found = at(value, ...path);
  return typeof found === 'string' ? found : undefined;
}

/** An integer field, 0 when absent. */
export function int(value: unknown, ...path: string[]): number {
  const found = at(value, ...path);
  return typeof found === 'number' ? Math.trunc(found) : 0;
}

/** An integer field, undefined when absent (pointer fields). */
export function optInt(value: unknown, ...path: string[]): number | undefined {
  const found = at(value, ...path);
  return typeof found === 'number' ? Math.trunc(found) : undefined;
}

/** A boolean field, undefined when absent. */
export function optBool(value: unknown, ...path: string[]): boolean | undefined {
  const found = at(value, ...path);
  return typeof found === 'boolean' ? found : undefined;
}

/** The object elements of an array field, [] when absent. */
export function list(value: unknown, ...path: string[]): JsonObject[] {
  const found = at(value, ...path);
  return Array.isArray(found) ? found.filter(isPlainObject) : [];
}

/** The string elements of an array field, [] when absent. */
export function strings(value: unknown, ...path: string[]): string[] {
  const found = at(value, ...path);
  return Array.isArray(found) ? found.filter((v): v is string => typeof v === 'string') : [];
}

/** An object field, undefined when absent. */
export function obj(value: unknown, ...path: string[]): JsonObject | undefined {
  const found = at(value, ...path);
  return isPlainObject(found) ? found : undefined;
}

/** A string-to-string map field (labels, selectors), {} when absent. */
export function stringMap(value: unknown, ...path: string[]): Record<string, string> {
  const found = obj(value, ...path) ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(found)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** A quantity or int-or-string as text: numbers print in decimal, strings as written. */
export function quantity(value: unknown, ...path: string[]): string | undefined {
  const found = at(value, ...path);
  if (typeof found === 'number') return String(found);
  if (typeof found === 'string') return found;
  return undefined;
}
