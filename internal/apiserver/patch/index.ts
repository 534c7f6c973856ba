export { applyPatch, acceptedPatchTypes, jsonPatchType, mergePatchType, strategicMergePatchType } from './apply-patch.ts';
export { applyJsonPatch, maxJsonPatchOperations } from './json-patch.ts';
export { applyMergePatch, mergePatchValue } from './merge-patch.ts';
export { applyStrategicMergePatch } from './strategic-merge.ts';
export type { DefinitionLookup } from './strategic-schema.ts';
export { maxPatchDepth } from './json-value.ts';
