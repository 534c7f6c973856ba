/** One entry point for the PATCH body formats that are not server-side apply. */
import type { TypeDef } from '../../api/schema/model.ts';
import type { Json, JsonObject } from '../objects.ts';
import { malformedPatch, unsupportedPatchType } from './errors.ts';
import { applyJsonPatch } from './json-patch.ts';
import { isObject, jsonTypeOf } from './json-value.ts';
import { applyMergePatch } from './merge-patch.ts';
import type { DefinitionLookup } from './strategic-schema.ts';
import { applyStrategicMergePatch } from './strategic-merge.ts';

export const jsonPatchType = 'application/json-patch+json';
export const mergePatchType = 'application/merge-patch+json';
export const strategicMergePatchType = 'application/strategic-merge-patch+json';

/** The patch media types a built-in resource accepts, in the order Kubernetes lists them. */
export const acceptedPatchTypes: readonly string[] = [
  jsonPatchType,
  mergePatchType,
  strategicMergePatchType,
  'application/apply-patch+yaml',
];

/**
 * Applies a JSON, merge or strategic merge patch (`body` is its JSON text) and returns the
 * new object. Unparsable bodies are 400; any other Content-Type is 415 (server-side apply
 * is routed elsewhere before this is called).
 */
export function applyPatch(
  contentType: string,
  original: JsonObject,
  body: string,
  def: TypeDef | undefined,
  lookup?: DefinitionLookup,
): JsonObject {
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (mediaType !== jsonPatchType && mediaType !== mergePatchType && mediaType !== strategicMergePatchType) {
    throw unsupportedPatchType(acceptedPatchTypes);
  }
  const patch = parse(body);
  if (mediaType === jsonPatchType) return applyJsonPatch(original, patch);
  if (mediaType === mergePatchType) return applyMergePatch(original, patch);
  // A null strategic patch decodes to an empty one, as in Go.
  if (patch === null) return applyStrategicMergePatch(original, {}, def, lookup);
  if (!isObject(patch)) throw malformedPatch(`a strategic merge patch must be a JSON object, not ${jsonTypeOf(patch)}`);
  return applyStrategicMergePatch(original, patch, def, lookup);
}

function parse(body: string): Json {
  try {
    return JSON.parse(body) as Json;
  } catch (error) {
    throw malformedPatch(error instanceof Error ? error.message : String(error));
  }
}
