/**
 * Shared steps of the typed walks (field sets, comparison, merge, removal):
 * what a value is under its shape, the shape of a child, and a list's items
 * indexed by their path elements.
 */
import type { Json, JsonObject } from '../objects.ts';
import { isPlainObject } from '../objects.ts';
import { pathString, serializeElement, type Path, type PathElement } from './path-element.ts';
import { DEDUCED, itemElement, TypedError, type Shape, type Shapes } from './shape.ts';

/** Deeper values are refused rather than risk exhausting the stack. */
export const MAX_DEPTH = 512;

export interface WalkContext {
  readonly shapes: Shapes;
  /** Apply configurations are checked against the schema; stored objects are read leniently. */
  readonly strict: boolean;
}

export type NodeKind = 'leaf' | 'fields' | 'items';

export function checkDepth(path: Path): void {
  if (path.length > MAX_DEPTH) throw new TypedError(pathString(path.slice(0, 8)), `value nested deeper than ${MAX_DEPTH} levels`);
}

/** How a present value is walked; in strict mode, a value that does not fit its shape throws. */
export function nodeKind(shape: Shape, value: Json, path: Path, ctx: WalkContext): NodeKind {
  switch (shape.k) {
    case 'scalar':
      if (ctx.strict) checkScalar(shape.t, value, path);
      return 'leaf';
    case 'atomic':
      if (ctx.strict && value !== null) {
        if (shape.json === 'array' && !Array.isArray(value)) throw new TypedError(pathString(path), `expected list, got ${describe(value)}`);
        if (shape.json === 'object' && !isPlainObject(value)) throw new TypedError(pathString(path), `expected map, got ${describe(value)}`);
      }
      return 'leaf';
    case 'deduced':
      return isPlainObject(value) ? 'fields' : 'leaf';
    case 'struct':
    case 'map':
      if (isPlainObject(value)) return 'fields';
      if (ctx.strict && value !== null) throw new TypedError(pathString(path), `expected map, got ${describe(value)}`);
      return 'leaf';
    case 'set':
    case 'keyed':
      if (Array.isArray(value)) return 'items';
      if (ctx.strict && value !== null) throw new TypedError(pathString(path), `expected list, got ${describe(value)}`);
      return 'leaf';
  }
}

function checkScalar(t: string, value: Json, path: Path): void {
  if (value === null) return;
  const ok =
    t === 'boolean'
      ? typeof value === 'boolean'
      : t === 'int32' || t === 'int64' || t === 'double'
        ? typeof value === 'number'
        : t === 'quantity' || t === 'intOrString'
          ? typeof value === 'number' || typeof value === 'string'
          : typeof value === 'string';
  if (!ok) {
    const want = t === 'boolean' ? 'boolean' : t === 'int32' || t === 'int64' || t === 'double' ? 'numeric (int or float)' : 'string';
    throw new TypedError(pathString(path), `expected ${want}, got ${describe(value)}`);
  }
}

function describe(value: Json): string {
  if (Array.isArray(value)) return 'list';
  if (isPlainObject(value)) return 'map';
  return `${typeof value} ${JSON.stringify(value)}`.slice(0, 80);
}

/** Shape of a field or map entry; undeclared struct fields throw in strict mode. */
export function childShape(shape: Shape, name: string, path: Path, ctx: WalkContext): Shape {
  if (shape.k === 'struct') {
    const s = ctx.shapes.field(shape.def, name);
    if (s !== undefined) return s;
    if (ctx.strict) throw new TypedError(pathString([...path, { field: name }]), 'field not declared in schema');
    return DEDUCED;
  }
  if (shape.k === 'map') return shape.values;
  return DEDUCED;
}

/** Whether a field of this node is recorded as a member on its own (map entries are, struct fields are not). */
export function entriesAreMembers(shape: Shape, name: string, ctx: WalkContext): boolean {
  return shape.k !== 'struct' || ctx.shapes.field(shape.def, name) === undefined;
}

export interface IndexedItem {
  readonly pe: PathElement;
  readonly text: string;
  readonly value: Json;
}

/** A list's items by path element, first occurrence wins; strict mode rejects duplicates and unidentifiable items. */
export function indexItems(shape: Shape, list: Json[], path: Path, ctx: WalkContext): IndexedItem[] {
  if (shape.k !== 'set' && shape.k !== 'keyed') return [];
  const out: IndexedItem[] = [];
  const seen = new Set<string>();
  list.forEach((value, i) => {
    let pe: PathElement;
    try {
      pe = itemElement(shape, value, path, i);
    } catch (error) {
      if (ctx.strict) throw error;
      return;
    }
    const text = serializeElement(pe);
    if (seen.has(text)) {
      if (ctx.strict) throw new TypedError(pathString(path), `duplicate entries for key ${pathString([pe])}`);
      return;
    }
    seen.add(text);
    out.push({ pe, text, value });
  });
  return out;
}

export function isEmptyish(value: Json | undefined): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

export function asObject(value: Json | undefined): JsonObject {
  return isPlainObject(value) ? value : {};
}

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i] as Json));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k] as Json, b[k] as Json));
  }
  return false;
}

/** Sets an own property, even one named `__proto__`, without touching the prototype. */
export function setKey(object: JsonObject, key: string, value: Json): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
