/**
 * Strategic merge of lists whose patch strategy is "merge": object elements are matched by
 * their merge key, primitive elements are merged as a set, and the result is ordered the
 * way Kubernetes orders it (patch order for patched items, live order for the rest).
 */
import type { Json, JsonObject } from '../objects.ts';
import { malformedPatch, patchNotApplicable } from './errors.ts';
import { describe, getOwn, isObject, isScalar, jsonTypeOf } from './json-value.ts';
import type { DefinitionLookup } from './strategic-schema.ts';
import { arrayType, objectSchema } from './strategic-schema.ts';
import { freshValue, mergeObject } from './strategic-merge.ts';
import type { TypeRef } from '../../api/schema/model.ts';

/** Merges `patch` into `original` (owned by the caller and reused) for a list field of `type`. */
export function mergeList(original: Json[], patch: Json[], type: TypeRef | undefined, lookup: DefinitionLookup, depth: number): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  if (elementKind([...original, ...patch]) !== 'object') {
    return orderMerged(dedupe([...original, ...patch]), patch, original, undefined);
  }
  const listType = arrayType(type);
  const mergeKey = listType?.mergeKey;
  if (mergeKey === undefined) throw malformedPatch('cannot merge a list of objects that has no merge key');
  const items = objectSchema(listType?.items, lookup);

  const deleted = new Set<Json>();
  const plain: JsonObject[] = [];
  let replace = false;
  for (const element of patch as JsonObject[]) {
    if (!Object.hasOwn(element, '$patch')) {
      plain.push(element);
      continue;
    }
    const directive = element.$patch;
    if (directive === 'delete') {
      deleted.add(keyOf(element, mergeKey));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw malformedPatch('a list element cannot ask for $patch: merge');
    } else {
      throw malformedPatch(`unknown patch type ${describe(directive)} in list element ${describe(element)}`);
    }
  }
  if (replace) return plain.map((element) => freshValue(element, listType?.items, lookup, depth + 1));

  const list = original.filter((item) => !deleted.has(scalarKey(getOwn(item as JsonObject, mergeKey))));
  const server = [...list];
  const indexOf = firstPositions(list, (item) => getOwn(item as JsonObject, mergeKey));
  for (const element of plain) {
    const key = keyOf(element, mergeKey);
    const index = indexOf.get(key);
    const current = index === undefined ? undefined : list[index];
    if (index !== undefined && isObject(current)) {
      list[index] = mergeObject(current, element, items, lookup, depth + 1);
    } else {
      indexOf.set(key, list.length);
      list.push(freshValue(element, listType?.items, lookup, depth + 1));
    }
  }
  return orderMerged(list, plain, server, mergeKey);
}

/**
 * Orders a merged list: items named in `wanted` keep that order, the others keep their
 * order in `server`, and the two are interleaved by their positions in `server`.
 */
export function orderMerged(merged: Json[], wanted: Json[], server: Json[], mergeKey: string | undefined): Json[] {
  if (mergeKey !== undefined) {
    for (const item of [...merged, ...wanted, ...server]) keyOf(item, mergeKey);
  }
  const id = (item: Json): Json | undefined => (mergeKey === undefined ? item : getOwn(item as JsonObject, mergeKey));
  const wantedAt = firstPositions(wanted, id);
  const serverAt = firstPositions(server, id);
  const position = (at: Map<Json, number>, item: Json): number => at.get(scalarKey(id(item))) ?? -1;
  const byPosition = (at: Map<Json, number>) => (a: Json, b: Json) => rank(position(at, a)) - rank(position(at, b));
  const patched = merged.filter((item) => position(wantedAt, item) >= 0).sort(byPosition(wantedAt));
  const serverOnly = merged.filter((item) => position(wantedAt, item) < 0).sort(byPosition(serverAt));

  const result: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patched.length) {
    const left = serverOnly[i];
    const right = patched[j];
    if (left === undefined || right === undefined) {
      result.push(...serverOnly.slice(i), ...patched.slice(j));
      break;
    }
    const l = position(serverAt, left);
    const r = position(serverAt, right);
    if (l >= 0 && r >= 0 && l < r) {
      result.push(left);
      i++;
    } else {
      result.push(right);
      j++;
    }
  }
  return result;
}

/**
 * Checks that the items of a patch list appear in the same relative order as in its
 * `$setElementOrder` list (elements deleting or carrying directives are skipped).
 */
export function checkPatchOrder(patch: Json[], order: Json[], mergeKey: string | undefined): void {
  if (patch.length === 0 || order.length === 0) return;
  const id = (item: Json): Json | undefined => (mergeKey === undefined ? item : keyOf(item, mergeKey));
  const items = patch.filter((item) => !(isObject(item) && Object.hasOwn(item, '$patch')));
  let p = 0;
  for (let o = 0; p < items.length && o < order.length; o++) {
    const item = items[p];
    const wanted = order[o];
    if (item !== undefined && wanted !== undefined && sameScalar(id(item), id(wanted))) p++;
  }
  if (p < items.length) {
    throw malformedPatch(`the patch list ${describe(patch)} is not in the order of its $setElementOrder list ${describe(order)}`);
  }
}

/** Equality of merge key values and primitive list items; objects and arrays never match. */
export function sameScalar(a: Json | undefined, b: Json | undefined): boolean {
  return a !== undefined && isScalar(a) && a === b;
}

/** The kind every element of a list shares; lists of lists are 422 and mixed lists 400, as upstream. */
function elementKind(list: Json[]): string | undefined {
  if (list.some(Array.isArray)) throw patchNotApplicable('lists of lists are not supported');
  const kinds = new Set(list.map(jsonTypeOf));
  if (kinds.size > 1) throw malformedPatch(`list element types are not identical: ${describe(list)}`);
  return kinds.values().next().value;
}

/** The merge key value of a list element, which must be an object carrying a primitive key. */
function keyOf(element: Json, mergeKey: string): Json {
  if (!isObject(element)) throw malformedPatch(`expected an object in a list merged by ${mergeKey}, got ${describe(element)}`);
  const key = getOwn(element, mergeKey);
  if (key === undefined) throw malformedPatch(`map ${describe(element)} does not contain declared merge key: ${mergeKey}`);
  if (!isScalar(key)) throw malformedPatch(`merge key ${mergeKey} must be a string or number, got ${describe(key)}`);
  return key;
}

/** Drops repeated primitives, keeping first occurrences. */
function dedupe(list: Json[]): Json[] {
  return [...new Set(list)];
}

/** Where each primitive identity first occurs in a list; objects and arrays have no identity. */
function firstPositions(list: Json[], id: (item: Json) => Json | undefined): Map<Json, number> {
  const positions = new Map<Json, number>();
  list.forEach((item, index) => {
    const key = scalarKey(id(item));
    if (key !== unmatched && !positions.has(key)) positions.set(key, index);
  });
  return positions;
}

/** A value usable as a Map key for identity matching; non-primitives map to a key nothing shares. */
const unmatched: JsonObject = {};
function scalarKey(value: Json | undefined): Json {
  return value !== undefined && isScalar(value) ? value : unmatched;
}

function rank(position: number): number {
  return position < 0 ? Number.MAX_SAFE_INTEGER : position;
}
