/**
 * What the OpenAPI builders read: the served resources and the type definitions.
 * Builders take it as a parameter so tests can feed small fixtures; the server
 * uses the built-in registry.
 */
import { resourceTypes, type ResourceType } from '../../api/resources.ts';
import { definitionNamed, kindDefinition } from '../../api/schema/registry.ts';
import type { TypeDef } from '../../api/schema/model.ts';

export interface ApiModel {
  resources: readonly ResourceType[];
  definitionNamed(name: string): TypeDef | undefined;
  kindDefinition(group: string, version: string, kind: string): TypeDef | undefined;
}

/** The built-in resource table and type registry. */
export const builtinModel: ApiModel = { resources: resourceTypes, definitionNamed, kindDefinition };

export interface GroupVersion {
  group: string;
  version: string;
}

/** "api/v1" for the core group, "apis/<group>/<version>" otherwise, as the v3 index names them. */
export function groupVersionPath(gv: GroupVersion): string {
  return gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
}

/** Served group/versions in resource-table order, each once. */
export function groupVersionsOf(model: ApiModel): GroupVersion[] {
  const seen = new Map<string, GroupVersion>();
  for (const type of model.resources) {
    const key = groupVersionPath(type);
    if (!seen.has(key)) seen.set(key, { group: type.group, version: type.version });
  }
  return [...seen.values()];
}

/**
 * The definition name of a kind: the registry's when it has one, otherwise the
 * name Kubernetes gives it (io.k8s.api.<package>.<version>.<Kind>), so paths can
 * point at a placeholder schema until the definition exists.
 */
export function kindSchemaName(model: ApiModel, group: string, version: string, kind: string): string {
  const def = model.kindDefinition(group, version, kind);
  if (def !== undefined) return def.name;
  const pkg = group === '' ? 'core' : (group.split('.')[0] ?? group);
  return `io.k8s.api.${pkg}.${version}.${kind}`;
}

/** The name of the synthesized list type of a kind: same package, `<Kind>List`. */
export function listSchemaName(kindName: string): string {
  return `${kindName}List`;
}
