/** JSON patch (RFC 6902) with the status codes Kubernetes gives its failures. */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import type { Json, JsonObject } from '../objects.ts';
import { malformedPatch, patchNotApplicable, resultNotAnObject, tooManyOperations } from './errors.ts';
import { assertPatchDepth, cloneJson, describe, isObject, jsonTypeOf } from './json-value.ts';

/** Kubernetes refuses JSON patches with more operations than this (413). */
export const maxJsonPatchOperations = 10000;

/**
 * Total size, in JSON characters, that `copy` operations may add: copying the whole
 * document into itself a few dozen times would otherwise exhaust memory.
 */
export const maxCopiedCharacters = 16 * 1024 * 1024;

const operations = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/**
 * Applies an RFC 6902 patch and returns a new object; `original` and `patch` are left as
 * they were. A document that is not a list of operation objects is 400; a list that is
 * too long is 413; an operation that cannot be applied (failed test, missing path, unknown
 * op) is 422, as Kubernetes answers.
 */
export function applyJsonPatch(original: JsonObject, patch: unknown): JsonObject {
  if (patch === null) return cloneJson(original);
  if (!Array.isArray(patch)) {
    throw malformedPatch(`a JSON patch must be an array of operations, not ${jsonTypeOf(patch)}`);
  }
  for (const [index, op] of patch.entries()) {
    if (!isObject(op)) {
      throw malformedPatch(`JSON patch operation ${index} must be an object, not ${jsonTypeOf(op)}`);
    }
  }
  if (patch.length > maxJsonPatchOperations) throw tooManyOperations(maxJsonPatchOperations, patch.length);
  assertPatchDepth(patch);

  // The operations are copied because applying them links their values into the document,
  // and later operations would then modify the caller's patch.
  const ops = cloneJson(patch as JsonObject[]);
  let document: Json = cloneJson(original);
  let copied = 0;
  for (const [index, op] of ops.entries()) {
    if (typeof op.op !== 'string' || !operations.has(op.op)) {
      throw patchNotApplicable(`operation ${index}: unknown op ${describe(op.op)}`);
    }
    try {
      if (op.op === 'copy' && typeof op.from === 'string') {
        copied += JSON.stringify(jsonpatch.getValueByPointer(document, op.from) ?? null).length;
        if (copied > maxCopiedCharacters) {
          throw new Error(`copy operations added more than ${maxCopiedCharacters} characters`);
        }
      }
      document = jsonpatch.applyOperation(document, op as unknown as Operation, true, true, true, index).newDocument;
    } catch (error) {
      throw patchNotApplicable(`operation ${index} (${describe(op)}): ${error instanceof Error ? error.name : 'error'}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  if (!isObject(document)) throw resultNotAnObject(describe(document));
  return document;
}
