/**
 * Merging an apply configuration into a live object, and removing owned
 * items from an object. Structs and maps merge key by key, keyed lists and
 * sets item by item, leaves (scalars, atomic values) take the configured value.
 */
import type { Json, JsonObject } from '../objects.ts';
import { isPlainObject } from '../objects.ts';
import type { FieldSet } from './field-set.ts';
import type { PathElement } from './path-element.ts';
import type { Shape } from './shape.ts';
import { asObject, checkDepth, setKey, childShape, indexItems, isEmptyish, nodeKind, type IndexedItem, type WalkContext } from './walk.ts';

/** `lhs` with `rhs` merged in; absent sides (undefined) take the other side. */
export function merge(lhs: Json | undefined, rhs: Json | undefined, shape: Shape, ctx: WalkContext): Json | undefined {
  return visitMerge(lhs, rhs, shape, [], ctx);
}

function visitMerge(lhs: Json | undefined, rhs: Json | undefined, shape: Shape, path: PathElement[], ctx: WalkContext): Json | undefined {
  checkDepth(path);
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return rhs;
  const kinds = [lhs, rhs].flatMap((v) => (v === null ? [] : [nodeKind(shape, v, path, ctx)]));
  if (kinds.includes('leaf') || kinds.length === 0 || (isEmptyish(lhs) && isEmptyish(rhs))) return rhs;
  if (kinds[0] === 'fields') {
    const l = asObject(lhs);
    const r = asObject(rhs);
    const out: JsonObject = {};
    for (const [name, lv] of Object.entries(l)) {
      const rv = Object.hasOwn(r, name) ? r[name] : undefined;
      const merged = visitMerge(lv, rv, childShape(shape, name, path, ctx), [...path, { field: name }], ctx);
      if (merged !== undefined) setKey(out, name, merged);
    }
    for (const [name, rv] of Object.entries(r)) {
      if (!Object.hasOwn(l, name)) setKey(out, name, rv);
    }
    return out;
  }
  if (shape.k !== 'set' && shape.k !== 'keyed') return rhs;
  const itemShape = shape.k === 'set' ? shape.items : shape.item;
  const l = indexItems(shape, Array.isArray(lhs) ? lhs : [], path, ctx);
  const r = indexItems(shape, Array.isArray(rhs) ? rhs : [], path, ctx);
  return mergeItems(l, r, (pe, lv, rv) => visitMerge(lv, rv, itemShape, [...path, pe], ctx));
}

/**
 * Orders a merged list: live items keep their place unless the configuration
 * moves a shared item, in which case shared items follow the configuration's
 * order and the live-only items stay next to where they were.
 */
function mergeItems(
  l: IndexedItem[],
  r: IndexedItem[],
  mergeOne: (pe: PathElement, lv: Json | undefined, rv: Json | undefined) => Json | undefined,
): Json[] {
  const lByText = new Map(l.map((item) => [item.text, item]));
  const rByText = new Map(r.map((item) => [item.text, item]));
  const shared = r.filter((item) => lByText.has(item.text));
  let sharedAt = 0;
  const out: Json[] = [];
  const push = (v: Json | undefined): void => {
    if (v !== undefined) out.push(v);
  };
  let li = 0;
  let ri = 0;
  while (li < l.length || ri < r.length) {
    const left = l[li];
    const right = r[ri];
    if (left && right) {
      if (left.text === right.text) {
        push(mergeOne(left.pe, left.value, right.value));
        li++;
        ri++;
        sharedAt++;
        continue;
      }
      const next = shared[sharedAt];
      if (rByText.has(left.text) && next !== undefined && next.text !== left.text) {
        li++; // emitted later, where the configuration puts it
        continue;
      }
    }
    if (left && !rByText.has(left.text)) {
      push(mergeOne(left.pe, left.value, undefined));
      li++;
      continue;
    }
    if (right) {
      push(mergeOne(right.pe, lByText.get(right.text)?.value, right.value));
      if (shared[sharedAt]?.text === right.text) sharedAt++;
      ri++;
      continue;
    }
    li++; // a live item the configuration already placed
  }
  return out;
}

/** `value` without the items (and their subtrees) that are members of `set`; undefined when emptied. */
export function removeItems(value: Json, set: FieldSet, shape: Shape, ctx: WalkContext): Json | undefined {
  return visitRemove(value, set, shape, [], ctx);
}

function visitRemove(value: Json, set: FieldSet, shape: Shape, path: PathElement[], ctx: WalkContext): Json | undefined {
  checkDepth(path);
  if (value === null) return value;
  const kind = nodeKind(shape, value, path, ctx);
  let removed = false;
  if (kind === 'fields' && isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [name, v] of Object.entries(value)) {
      const pe = { field: name };
      if (set.hasMember(pe)) {
        removed = true;
        continue;
      }
      const below = set.childSet(pe);
      const kept = below && !below.isEmpty() ? visitRemove(v, below, childShape(shape, name, path, ctx), [...path, pe], ctx) : v;
      if (kept === undefined) removed = true;
      else setKey(out, name, kept);
    }
    return removed && Object.keys(out).length === 0 ? undefined : out;
  }
  if (kind === 'items' && Array.isArray(value) && (shape.k === 'set' || shape.k === 'keyed')) {
    const itemShape = shape.k === 'set' ? shape.items : shape.item;
    const identified = new Map(indexItems(shape, value, path, ctx).map((item) => [item.value, item]));
    const out: Json[] = [];
    for (const v of value) {
      const item = identified.get(v);
      if (item === undefined) {
        out.push(v);
        continue;
      }
      if (set.hasMember(item.pe)) {
        removed = true;
        continue;
      }
      const below = set.childSet(item.pe);
      const kept = below && !below.isEmpty() ? visitRemove(v, below, itemShape, [...path, item.pe], ctx) : v;
      if (kept === undefined) removed = true;
      else out.push(kept);
    }
    return removed && out.length === 0 ? undefined : out;
  }
  return value;
}

/** Drops null-valued struct fields, which a typed object cannot hold. */
export function dropNulls(value: Json, shape: Shape, ctx: WalkContext, depth = 0): Json {
  if (depth > 2 * 512 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (shape.k !== 'set' && shape.k !== 'keyed') return value;
    const itemShape = shape.k === 'set' ? shape.items : shape.item;
    return value.map((v) => dropNulls(v, itemShape, ctx, depth + 1));
  }
  if (shape.k !== 'struct' && shape.k !== 'map') return value;
  const out: JsonObject = {};
  for (const [name, v] of Object.entries(value)) {
    if (v === null && shape.k === 'struct') continue;
    setKey(out, name, dropNulls(v, childShape(shape, name, [], { ...ctx, strict: false }), ctx, depth + 1));
  }
  return out;
}
