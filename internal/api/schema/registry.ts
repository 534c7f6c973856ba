/** Every type definition of the built-in API, looked up by name or by group/version/kind. */
import { appsDefinitions } from './defs/apps.ts';
import { batchDefinitions } from './defs/batch.ts';
import { coreDefinitions, coreInlineEmbeddings } from './defs/core.ts';
import { metaDefinitions } from './defs/meta.ts';
import { miscDefinitions } from './defs/misc.ts';
import { networkingDefinitions, networkingInlineEmbeddings } from './defs/networking.ts';
import type { TypeDef } from './model.ts';

const byName = new Map<string, TypeDef>();
const byKind = new Map<string, TypeDef>();

for (const def of [
  ...metaDefinitions,
  ...coreDefinitions,
  ...appsDefinitions,
  ...batchDefinitions,
  ...networkingDefinitions,
  ...miscDefinitions,
]) {
  if (byName.has(def.name)) throw new Error(`type ${def.name} is defined twice`);
  byName.set(def.name, def);
  if (def.gvk) byKind.set(`${def.gvk.group}/${def.gvk.version}/${def.gvk.kind}`, def);
}

export function definitionNamed(name: string): TypeDef | undefined {
  return byName.get(name);
}

/** The definition of a top-level kind ("" is the core group). */
export function kindDefinition(group: string, version: string, kind: string): TypeDef | undefined {
  return byKind.get(`${group}/${version}/${kind}`);
}

const inline = new Map<string, string>();
for (const embedding of [...coreInlineEmbeddings, ...networkingInlineEmbeddings]) inline.set(`${embedding.parent}#${embedding.proto}`, embedding.type);

/**
 * The type carried by protobuf field `proto` of `parent` when Go embeds that struct
 * inline: JSON has its fields in the parent, protobuf nests them in one message.
 */
export function inlineEmbedding(parent: string, proto: number): string | undefined {
  return inline.get(`${parent}#${proto}`);
}
