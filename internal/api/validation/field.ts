/**
 * Field errors in the shape the API server reports them: a cause per problem,
 * with the field path and a message worded as Kubernetes words it, so kubectl
 * prints the same lines it would print against an upstream cluster.
 */
import type { Json, JsonObject } from '../../apiserver/objects.ts';
import type { StatusCause } from '../../apiserver/status.ts';

export type Causes = StatusCause[];

/** Renders a bad value the way Kubernetes does: strings quoted, scalars bare, the rest as JSON. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'null';
  return JSON.stringify(value);
}

function withDetail(head: string, detail: string): string {
  return detail === '' ? head : `${head}: ${detail}`;
}

/** A malformed value: `Invalid value: <value>: <detail>`. */
export function invalidValue(field: string, value: unknown, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: withDetail(`Invalid value: ${showValue(value)}`, detail), field };
}

/** A missing value: `Required value[: detail]`. */
export function required(field: string, detail = ''): StatusCause {
  return { reason: 'FieldValueRequired', message: withDetail('Required value', detail), field };
}

/** A value outside an enumeration: `Unsupported value: "x": supported values: "a", "b"`. */
export function notSupported(field: string, value: unknown, supported: readonly string[]): StatusCause {
  const detail = supported.length > 0 ? `supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}` : '';
  return { reason: 'FieldValueNotSupported', message: withDetail(`Unsupported value: ${showValue(value)}`, detail), field };
}

/** A repeated value that must be unique. */
export function duplicate(field: string, value: unknown): StatusCause {
  return { reason: 'FieldValueDuplicate', message: `Duplicate value: ${showValue(value)}`, field };
}

/** A well-formed value that is not allowed here. */
export function forbidden(field: string, detail: string): StatusCause {
  return { reason: 'FieldValueForbidden', message: withDetail('Forbidden', detail), field };
}

/** A value longer than `max` bytes; the value itself is not echoed. */
export function tooLong(field: string, max: number): StatusCause {
  return { reason: 'FieldValueTooLong', message: `Too long: may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}`, field };
}

/** Causes for each problem text a syntax check returned. */
export function invalidEach(field: string, value: unknown, problems: readonly string[]): Causes {
  return problems.map((p) => invalidValue(field, value, p));
}

// Readers over untyped JSON: each returns undefined when the value has another type,
// so validators can treat "absent" and "wrong type" alike after a type check.

export function asObject(value: Json | undefined | unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

export function asArray(value: Json | undefined | unknown): Json[] | undefined {
  return Array.isArray(value) ? (value as Json[]) : undefined;
}

export function asString(value: Json | undefined | unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: Json | undefined | unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Array entries that are objects, with their index (non-objects are skipped). */
export function objectsOf(value: unknown): Array<[number, JsonObject]> {
  const out: Array<[number, JsonObject]> = [];
  (asArray(value) ?? []).forEach((item, i) => {
    const o = asObject(item);
    if (o !== undefined) out.push([i, o]);
  });
  return out;
}

/** String-valued entries of a map field. */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObject(value) ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  const oa = asObject(a);
  const ob = asObject(b);
  if (oa === undefined || ob === undefined) return false;
  const ka = Object.keys(oa).filter((k) => oa[k] !== undefined);
  const kb = Object.keys(ob).filter((k) => ob[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => jsonEqual(oa[k], ob[k]));
}

/** Non-negative integer check with Kubernetes' wording. */
export function nonNegative(field: string, value: Json | undefined): Causes {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'number' || value < 0) return [invalidValue(field, value, 'must be greater than or equal to 0')];
  return [];
}

/** Strictly positive integer check with Kubernetes' wording. */
export function positive(field: string, value: Json | undefined): Causes {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'number' || value <= 0) return [invalidValue(field, value, 'must be greater than 0')];
  return [];
}

/** Enumeration check; absent values pass (callers require them separately). */
export function oneOf(field: string, value: Json | undefined, allowed: readonly string[]): Causes {
  if (value === undefined || value === null) return [];
  return typeof value === 'string' && allowed.includes(value) ? [] : [notSupported(field, value, allowed)];
}
