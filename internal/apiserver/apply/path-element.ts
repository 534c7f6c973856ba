/**
 * One step of a field path as managed fields record it: a struct field or map
 * key (`f:`), an item of a keyed list (`k:`), an item of a set (`v:`) or a
 * list position (`i:`). The text forms and the ordering are those of the
 * structured-merge-diff library, so sets read and written here round-trip
 * with what clients show.
 */
import type { Json } from '../objects.ts';
import { isPlainObject } from '../objects.ts';

export type PathElement =
  | { readonly field: string }
  /** Key fields of a keyed list item, sorted by name. */
  | { readonly key: ReadonlyArray<readonly [string, Json]> }
  | { readonly value: Json }
  | { readonly index: number };

export type Path = readonly PathElement[];

/** JSON as Go's encoder writes it: object keys sorted, HTML characters escaped. */
export function goJson(value: Json): string {
  return canonical(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort(compareStrings);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k] ?? null)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The `f:`/`k:`/`v:`/`i:` text of an element, as keys of fieldsV1. */
export function serializeElement(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`;
  if ('key' in pe) return `k:{${pe.key.map(([name, v]) => `${goJson(name)}:${goJson(v)}`).join(',')}}`;
  if ('value' in pe) return `v:${goJson(pe.value)}`;
  return `i:${pe.index}`;
}

/** Parses one fieldsV1 key; undefined for prefixes this format does not know (skipped, as upstream does). */
export function parseElement(text: string): PathElement | undefined {
  if (text.length < 2 || text[1] !== ':') throw new Error(`invalid path element ${JSON.stringify(text)}`);
  const body = text.slice(2);
  switch (text[0]) {
    case 'f':
      return { field: body };
    case 'v':
      return { value: JSON.parse(body) as Json };
    case 'k': {
      const parsed: unknown = JSON.parse(body);
      if (!isPlainObject(parsed)) throw new Error(`invalid key path element ${JSON.stringify(text)}`);
      return keyElement(Object.entries(parsed));
    }
    case 'i': {
      if (!/^-?\d+$/.test(body)) throw new Error(`invalid index path element ${JSON.stringify(text)}`);
      return { index: Number(body) };
    }
    default:
      return undefined;
  }
}

export function keyElement(fields: ReadonlyArray<readonly [string, Json]>): PathElement {
  return { key: [...fields].sort((a, b) => compareStrings(a[0], b[0]) || compareValues(a[1], b[1])) };
}

/** Path as conflict messages print it: `.spec.containers[name="app"].image`. */
export function pathString(path: Path): string {
  return path.map(elementString).join('');
}

function elementString(pe: PathElement): string {
  if ('field' in pe) return `.${pe.field}`;
  if ('key' in pe) return `[${pe.key.map(([name, v]) => `${name}=${valueString(v)}`).join(',')}]`;
  if ('value' in pe) return `[=${valueString(pe.value)}]`;
  return `[${pe.index}]`;
}

function valueString(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return goJson(v);
}

// Ordering: field names, then keys, then values, then indexes.
const rank = (pe: PathElement): number => ('field' in pe ? 0 : 'key' in pe ? 1 : 'value' in pe ? 2 : 3);

export function compareElements(a: PathElement, b: PathElement): number {
  const r = rank(a) - rank(b);
  if (r !== 0) return r;
  if ('field' in a && 'field' in b) return compareStrings(a.field, b.field);
  if ('key' in a && 'key' in b) return compareKeys(a.key, b.key);
  if ('value' in a && 'value' in b) return compareValues(a.value, b.value);
  if ('index' in a && 'index' in b) return a.index - b.index;
  return 0;
}

function compareKeys(a: ReadonlyArray<readonly [string, Json]>, b: ReadonlyArray<readonly [string, Json]>): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [an, av] = a[i] ?? ['', null];
    const [bn, bv] = b[i] ?? ['', null];
    const c = compareStrings(an, bn) || compareValues(av, bv);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Total order over values: numbers, strings, booleans, lists, maps, null.
const valueRank = (v: Json): number =>
  typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : Array.isArray(v) ? 3 : v === null ? 5 : 4;

export function compareValues(a: Json, b: Json): number {
  const r = valueRank(a) - valueRank(b);
  if (r !== 0) return r;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return compareStrings(goJson(a), goJson(b));
}
