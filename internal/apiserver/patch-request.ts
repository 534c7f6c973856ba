/**
 * PATCH requests: JSON patch, merge patch and strategic merge patch over the current
 * object, and server-side apply (which also creates a missing object).
 */
import { kindDefinition, definitionNamed } from '../api/schema/registry.ts';
import type { TypeDef } from '../api/schema/model.ts';
import { isPlainObject, type JsonObject, type KubeObject } from './objects.ts';
import { applyPatch } from './patch/index.ts';
import { ApplyConflictError, serverSideApply } from './apply/index.ts';
import { conflictsMatchLastApplied } from './last-applied.ts';
import { parseYamlDocument, utf8, type RequestBody } from './request-body.ts';
import type { ResourceStorage, WriteOptions } from './rest.ts';
import { ApiError, badRequest } from './status.ts';
import { timestamp } from '../api/meta.ts';
import { apiVersionOf } from '../api/resources.ts';

export const applyPatchType = 'application/apply-patch+yaml';

export interface PatchOptions extends WriteOptions {
  force: boolean;
  /** No ?fieldManager was given (apply requires one). */
  fieldManagerDefaulted: boolean;
}

/** Patches (or, for apply, creates) the object; says whether it was created. */
export async function patchObject(
  storage: ResourceStorage,
  namespace: string | null,
  name: string,
  raw: RequestBody,
  options: PatchOptions,
): Promise<{ object: KubeObject; created: boolean }> {
  const type = storage.type;
  const def = kindDefinition(type.group, type.version, type.kind);
  if (raw.contentType === applyPatchType) {
    const applied = parseYamlDocument(utf8(raw.bytes));
    if (!isPlainObject(applied)) throw badRequest('an apply patch must be an object with apiVersion, kind and metadata.name');
    if (options.fieldManager === undefined || options.fieldManager === '' || options.fieldManagerDefaulted) {
      throw badRequest('PATCH with apply requires the fieldManager parameter');
    }
    const applyWith = (current: KubeObject | null, force: boolean): JsonObject =>
      serverSideApply({
        current: current as JsonObject | null,
        applied,
        manager: options.fieldManager ?? '',
        force,
        def,
        now: timestamp(Date.now()),
        apiVersion: apiVersionOf(type),
        subresource: options.subresource,
      });
    const applyOnce = (current: KubeObject | null): JsonObject => {
      try {
        return applyWith(current, options.force);
      } catch (error) {
        // Same value as last applied client-side: the field moves to this manager (upstream's last-applied manager).
        if (current !== null && error instanceof ApplyConflictError && conflictsMatchLastApplied(current, applied, error.conflicts)) {
          return applyWith(current, true);
        }
        throw error;
      }
    };
    try {
      const object = await storage.guaranteedUpdate(namespace, name, { ...options, operation: 'apply' }, (current) => applyOnce(current) as KubeObject);
      return { object, created: false };
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404) || options.subresource !== undefined) throw error;
    }
    const created = applyOnce(null);
    const meta = isPlainObject(created.metadata) ? created.metadata : {};
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
    }
    const object = await storage.create(namespace, { ...created, metadata: { ...meta, name } }, { ...options, operation: 'apply' });
    return { object, created: true };
  }
  const text = utf8(raw.bytes);
  const object = await storage.guaranteedUpdate(namespace, name, { ...options, operation: 'patch' }, (current) => {
    return applyPatch(raw.contentType, current as JsonObject, text, def) as KubeObject;
  }, { retry: !patchPinsResourceVersion(raw.contentType, text) });
  return { object, created: false };
}

/** Patches a value of the named definition (the Scale of a workload). */
export function patchValue(value: KubeObject, raw: RequestBody, definition: string): JsonObject {
  const def: TypeDef | undefined = definitionNamed(definition);
  return applyPatch(raw.contentType, value as JsonObject, utf8(raw.bytes), def);
}

/** A patch that names a resourceVersion must not be retried against a newer object. */
function patchPinsResourceVersion(contentType: string, text: string): boolean {
  if (contentType === 'application/json-patch+json') return false;
  return /"resourceVersion"\s*:/.test(text);
}
