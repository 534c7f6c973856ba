/**
 * Kubernetes strategic merge patch over JSON objects, driven by the type model: the
 * `$patch`, `$retainKeys`, `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`
 * directives, merge-keyed lists, and merge patch behaviour wherever the model says nothing.
 */
import type { TypeDef, TypeRef } from '../../api/schema/model.ts';
import { definitionNamed } from '../../api/schema/registry.ts';
import type { Json, JsonObject } from '../objects.ts';
import { malformedPatch } from './errors.ts';
import { assertPatchDepth, cloneJson, describe, getOwn, isObject, jsonTypeOf, maxPatchDepth, setOwn } from './json-value.ts';
import { checkPatchOrder, mergeList, orderMerged, sameScalar } from './strategic-list.ts';
import type { DefinitionLookup, FieldSchema, ObjectSchema } from './strategic-schema.ts';
import { arrayType, fieldSchema, objectSchema } from './strategic-schema.ts';

const setOrderPrefix = '$setElementOrder';
const deleteFromListPrefix = '$deleteFromPrimitiveList';

/**
 * Applies a strategic merge patch to `original` for a kind described by `def` and returns a
 * new object; the inputs are not modified. Without `def` the patch merges like a merge patch.
 * Malformed directives are 400 and lists of lists 422, as Kubernetes answers.
 */
export function applyStrategicMergePatch(
  original: JsonObject,
  patch: JsonObject,
  def: TypeDef | undefined,
  lookup: DefinitionLookup = definitionNamed,
): JsonObject {
  if (!isObject(patch)) throw malformedPatch(`a strategic merge patch must be a JSON object, not ${jsonTypeOf(patch)}`);
  assertPatchDepth(patch);
  const schema: ObjectSchema = def === undefined ? undefined : { kind: 'struct', def };
  return mergeObject(cloneJson(original), patch, schema, lookup, 1);
}

/** Merges `patch` into `original`, which the caller owns and which is reused for the result. */
export function mergeObject(original: JsonObject, patch: JsonObject, schema: ObjectSchema, lookup: DefinitionLookup, depth: number): JsonObject {
  if (depth > maxPatchDepth) throw malformedPatch(`the patch is nested more than ${maxPatchDepth} levels deep`);
  if (Object.hasOwn(patch, '$patch')) {
    const { $patch: directive, ...rest } = patch;
    if (directive === 'replace') return mergeObject({}, rest, schema, lookup, depth);
    if (directive === 'delete') return {};
    throw malformedPatch(`unknown patch type ${describe(directive)} in map ${describe(patch)}`);
  }
  retainKeys(original, patch);
  const ordered = setElementOrder(original, patch, schema, lookup, depth);

  const deletions: Array<[string, Json]> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$retainKeys' || key.startsWith(setOrderPrefix) || ordered.has(key)) continue;
    if (key.startsWith(deleteFromListPrefix)) {
      deletions.push([directiveTarget(key, deleteFromListPrefix, 'invalid patch format of primitive list'), value]);
    } else if (value === null) {
      delete original[key];
    } else {
      setOwn(original, key, mergeValue(getOwn(original, key), value, fieldSchema(schema, key), lookup, depth + 1));
    }
  }
  // Removals run after additions so that a value both added and removed ends up removed.
  for (const [key, values] of deletions) {
    if (!Array.isArray(values)) throw malformedPatch('invalid patch format of primitive list');
    const current = getOwn(original, key);
    if (Array.isArray(current)) {
      setOwn(original, key, current.filter((item) => !values.some((value) => sameScalar(value, item))));
    }
  }
  return original;
}

/** The new value of one key: objects merge unless replaced, lists merge when the model says so. */
function mergeValue(current: Json | undefined, value: Json, field: FieldSchema, lookup: DefinitionLookup, depth: number): Json {
  if (isObject(value)) {
    if (field.replace || !isObject(current)) return freshValue(value, field.type, lookup, depth);
    return mergeObject(current, value, objectSchema(field.type, lookup), lookup, depth);
  }
  if (Array.isArray(value)) {
    if (field.merge) return mergeList(Array.isArray(current) ? current : [], value, field.type, lookup, depth);
    return freshValue(value, field.type, lookup, depth);
  }
  return value;
}

/** A patch value placed where nothing was: directives are carried out and nulls dropped, so none are stored. */
export function freshValue(value: Json, type: TypeRef | undefined, lookup: DefinitionLookup, depth: number): Json {
  if (depth > maxPatchDepth) throw malformedPatch(`the patch is nested more than ${maxPatchDepth} levels deep`);
  if (isObject(value)) return mergeObject({}, value, objectSchema(type, lookup), lookup, depth);
  if (!Array.isArray(value)) return value;
  const list = arrayType(type);
  if (list?.strategy?.split(',').includes('merge')) return mergeList([], value, list, lookup, depth);
  return value.map((item) => freshValue(item, list?.items, lookup, depth + 1));
}

/** `$retainKeys`: keys of `original` missing from the list are cleared; the patch may set only listed keys. */
function retainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, '$retainKeys')) return;
  const list = patch.$retainKeys;
  if (!Array.isArray(list)) throw malformedPatch('invalid patch format of retainKeys');
  const keep = new Set(list.filter((key) => typeof key === 'string'));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key === '$retainKeys' || key.startsWith(setOrderPrefix) || key.startsWith(deleteFromListPrefix)) continue;
    if (!keep.has(key)) throw malformedPatch('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(original)) {
    if (!keep.has(key)) delete original[key];
  }
}

/**
 * `$setElementOrder/<list>`: merges the list it names and orders the result as the
 * directive says, server-only items keeping their place relative to the others.
 * Returns the list keys it handled, which the caller then skips.
 */
function setElementOrder(original: JsonObject, patch: JsonObject, schema: ObjectSchema, lookup: DefinitionLookup, depth: number): Set<string> {
  const handled = new Set<string>();
  for (const [directive, order] of Object.entries(patch)) {
    if (!directive.startsWith(setOrderPrefix)) continue;
    const key = directiveTarget(directive, setOrderPrefix, 'invalid patch format of setElementOrder list');
    if (!Array.isArray(order)) throw malformedPatch('invalid patch format of setElementOrder list');
    const field = fieldSchema(schema, key);
    const mergeKey = arrayType(field.type)?.mergeKey;
    const current = getOwn(original, key);
    const patched = getOwn(patch, key);
    if (current !== undefined && !Array.isArray(current)) throw malformedPatch(`${key} must be a list to be ordered, not ${jsonTypeOf(current)}`);
    if (patched !== undefined && !Array.isArray(patched)) throw malformedPatch(`${key} must be a list to be ordered, not ${jsonTypeOf(patched)}`);
    checkPatchOrder(patched ?? [], order, mergeKey);
    if (current === undefined && patched === undefined) continue;

    const server = current ?? [];
    const merged = patched === undefined ? server : (mergeValue(current, patched, field, lookup, depth + 1) as Json[]);
    const objects = merged.some(isObject) || order.some(isObject);
    // Lists of objects without a merge key have no identity to order by; they stay as merged.
    if (!objects || mergeKey !== undefined) {
      setOwn(original, key, orderMerged(merged, order, server, objects ? mergeKey : undefined));
    } else {
      setOwn(original, key, merged);
    }
    handled.add(key);
  }
  return handled;
}

/** The list key a `<prefix>/<key>` directive names. */
function directiveTarget(key: string, prefix: string, message: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) throw malformedPatch(message);
  return key.slice(slash + 1);
}
