/** JSON merge patch (RFC 7386): objects merge key by key, null removes, anything else replaces. */
import type { Json, JsonObject } from '../objects.ts';
import { malformedPatch, resultNotAnObject } from './errors.ts';
import { assertPatchDepth, cloneJson, describe, getOwn, isObject, setOwn } from './json-value.ts';

/** The RFC 7386 MergePatch of `target` by `patch`; neither input is modified. */
export function mergePatchValue(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return cloneJson(patch);
  const result: JsonObject = isObject(target) ? cloneJson(target) : {};
  mergeInto(result, patch);
  return result;
}

function mergeInto(target: JsonObject, patch: JsonObject): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete target[key];
    } else if (isObject(value)) {
      const current = getOwn(target, key);
      const next: JsonObject = isObject(current) ? current : {};
      mergeInto(next, value);
      setOwn(target, key, next);
    } else {
      setOwn(target, key, cloneJson(value));
    }
  }
}

/**
 * Applies a merge patch to an object and returns a new object. A patch that is not an
 * object or array is malformed (400, as Kubernetes answers); one that turns the object into
 * something else (an array) is refused with 422.
 */
export function applyMergePatch(original: JsonObject, patch: unknown): JsonObject {
  if (!isObject(patch) && !Array.isArray(patch)) {
    throw malformedPatch(`Invalid JSON Patch: a merge patch must be a JSON object, not ${describe(patch)}`);
  }
  assertPatchDepth(patch);
  const result = mergePatchValue(original, patch as Json);
  if (!isObject(result)) throw resultNotAnObject(describe(result));
  return result;
}
