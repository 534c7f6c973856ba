/**
 * Type model → OpenAPI schema objects, in the two dialects Kubernetes publishes:
 * v3 wraps references in `allOf` so a description and default can sit beside
 * them; v2 (Swagger) puts `$ref` and `description` side by side.
 */
import type { FieldDef, TypeDef, TypeRef } from '../../api/schema/model.ts';
import type { Json, JsonObject } from '../objects.ts';
import type { ApiModel } from './model-source.ts';

export type Dialect = 'v2' | 'v3';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const quantityName = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const intOrStringName = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const timeName = `${META}.Time`;
export const microTimeName = `${META}.MicroTime`;
export const rawExtensionName = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
export const fieldsV1Name = `${META}.FieldsV1`;
export const listMetaName = `${META}.ListMeta`;
export const patchName = `${META}.Patch`;
export const deleteOptionsName = `${META}.DeleteOptions`;
export const statusName = `${META}.Status`;

/**
 * Types whose JSON form is not their Go struct (custom marshalling): their schemas
 * are fixed here and win over any struct definition of the same name. In v3 the
 * two-typed ones use oneOf without a top-level type, as Kubernetes publishes them,
 * which is also what makes kubectl explain print <IntOrString> and <Quantity>.
 */
function customSchema(name: string, dialect: Dialect): JsonObject | undefined {
  const v3 = dialect === 'v3';
  switch (name) {
    case quantityName: {
      const description = 'A fixed-point amount with an optional suffix, such as "500m", "2", "1Gi" or "1e3".';
      return v3 ? { description, oneOf: [{ type: 'string' }, { type: 'number' }] } : { description, type: 'string' };
    }
    case intOrStringName: {
      const description = 'Either a whole number or a string, such as a port number or a named port.';
      return v3
        ? { description, format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true }
        : { description, type: 'string', format: 'int-or-string' };
    }
    case timeName:
      return { description: 'A point in time in RFC 3339 form, to the second.', type: 'string', format: 'date-time' };
    case microTimeName:
      return { description: 'A point in time in RFC 3339 form, to the microsecond.', type: 'string', format: 'date-time' };
    case rawExtensionName:
      return { description: 'An embedded object of any kind, kept as given.', type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    case fieldsV1Name:
      return { description: 'A set of field paths in the structured-merge-diff "v1" form.', type: 'object' };
    case patchName:
      return { description: 'The body of a PATCH request, in the format its content type names.', type: 'object' };
    default:
      return undefined;
  }
}

const customNames = new Set([quantityName, intOrStringName, timeName, microTimeName, rawExtensionName, fieldsV1Name, patchName]);

function refTarget(name: string, dialect: Dialect): string {
  return dialect === 'v3' ? `#/components/schemas/${name}` : `#/definitions/${name}`;
}

/** A reference to a named schema, with optional description and default beside it. */
export function refSchema(name: string, dialect: Dialect, description?: string, defaultValue?: Json): JsonObject {
  if (dialect === 'v2') {
    return description === undefined ? { $ref: refTarget(name, dialect) } : { $ref: refTarget(name, dialect), description };
  }
  const schema: JsonObject = { allOf: [{ $ref: refTarget(name, dialect) }] };
  if (description !== undefined) schema.description = description;
  if (defaultValue !== undefined) schema.default = defaultValue;
  return schema;
}

/** Struct references default to {} in v3 because Go fills non-pointer structs; scalar wrappers do not. */
function structDefault(name: string): Json | undefined {
  return customNames.has(name) ? undefined : {};
}

/** The schema of a value of type `type`; names of schemas it points at go into `refs`. */
export function typeSchema(type: TypeRef, dialect: Dialect, refs: Set<string>, description?: string): JsonObject {
  const withDescription = (schema: JsonObject): JsonObject =>
    description === undefined ? schema : { description, ...schema };
  const named = (name: string, defaultValue?: Json): JsonObject => {
    refs.add(name);
    return refSchema(name, dialect, description, defaultValue);
  };
  switch (type.t) {
    case 'string': {
      const schema: JsonObject = { type: 'string' };
      if (type.format !== undefined) schema.format = type.format;
      if (type.enum !== undefined) schema.enum = [...type.enum];
      return withDescription(schema);
    }
    case 'int32':
    case 'int64':
      return withDescription({ type: 'integer', format: type.t });
    case 'double':
      return withDescription({ type: 'number', format: 'double' });
    case 'boolean':
      return withDescription({ type: 'boolean' });
    case 'bytes':
      return withDescription({ type: 'string', format: 'byte' });
    case 'quantity':
      return named(quantityName);
    case 'intOrString':
      return named(intOrStringName);
    case 'time':
      return named(timeName);
    case 'microTime':
      return named(microTimeName);
    case 'raw':
      return withDescription({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    case 'ref':
      return named(type.name, dialect === 'v3' ? structDefault(type.name) : undefined);
    case 'array': {
      const schema: JsonObject = { type: 'array', items: elementSchema(type.items, dialect, refs) };
      if (type.listType !== undefined) schema['x-kubernetes-list-type'] = type.listType;
      if (type.mapKeys !== undefined) schema['x-kubernetes-list-map-keys'] = [...type.mapKeys];
      if (type.mergeKey !== undefined) schema['x-kubernetes-patch-merge-key'] = type.mergeKey;
      if (type.strategy !== undefined) schema['x-kubernetes-patch-strategy'] = type.strategy;
      return withDescription(schema);
    }
    case 'map': {
      const schema: JsonObject = { type: 'object', additionalProperties: elementSchema(type.values, dialect, refs) };
      if (type.mapType !== undefined) schema['x-kubernetes-map-type'] = type.mapType;
      if (type.strategy !== undefined) schema['x-kubernetes-patch-strategy'] = type.strategy;
      return withDescription(schema);
    }
  }
}

/** Items of arrays and values of maps: v3 states the zero value Go would fill in. */
function elementSchema(type: TypeRef, dialect: Dialect, refs: Set<string>): JsonObject {
  const schema = typeSchema(type, dialect, refs);
  if (dialect === 'v3' && type.t === 'string' && type.enum === undefined) return { ...schema, default: '' };
  return schema;
}

function fieldSchema(def: FieldDef, dialect: Dialect, refs: Set<string>): JsonObject {
  const schema = typeSchema(def.type, dialect, refs, def.description);
  if (def.strategy !== undefined) schema['x-kubernetes-patch-strategy'] = def.strategy;
  if (def.default !== undefined) schema.default = def.default;
  return schema;
}

/** The schema of a struct definition; names it points at go into `refs`. */
export function structSchema(def: TypeDef, dialect: Dialect, refs: Set<string>): JsonObject {
  const custom = customSchema(def.name, dialect);
  if (custom !== undefined) return custom;
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const [name, field] of Object.entries(def.fields)) {
    properties[name] = fieldSchema(field, dialect, refs);
    if (field.required === true) required.push(name);
  }
  const schema: JsonObject = { description: def.description, type: 'object' };
  if (required.length > 0) schema.required = required;
  schema.properties = properties;
  if (def.gvk !== undefined) schema['x-kubernetes-group-version-kind'] = [{ ...def.gvk }];
  if (def.mapType !== undefined) schema['x-kubernetes-map-type'] = def.mapType;
  return schema;
}

/** `<Kind>List`: the shape every list response of a kind has. */
export function listSchema(kindName: string, kind: string, gvk: TypeDef['gvk'], dialect: Dialect, refs: Set<string>): JsonObject {
  refs.add(kindName);
  refs.add(listMetaName);
  const items = dialect === 'v3' ? refSchema(kindName, dialect, undefined, {}) : refSchema(kindName, dialect);
  const schema: JsonObject = {
    description: `A list of ${kind} objects.`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { description: 'Versioned schema of this representation of the list.', type: 'string' },
      items: { description: `The ${kind} objects of the list.`, type: 'array', items },
      kind: { description: 'Kind of this list, in CamelCase.', type: 'string' },
      metadata: refSchema(listMetaName, dialect, 'Standard list metadata.', dialect === 'v3' ? {} : undefined),
    },
  };
  if (gvk !== undefined) schema['x-kubernetes-group-version-kind'] = [{ ...gvk, kind: `${gvk.kind}List` }];
  return schema;
}

/** A schema for a type the model does not describe yet: anything goes, unknown fields kept. */
function placeholderSchema(name: string, gvk: TypeDef['gvk']): JsonObject {
  const schema: JsonObject = {
    description: `${name.split('.').pop() ?? name}: no structural schema is published for this type.`,
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  };
  if (gvk !== undefined) schema['x-kubernetes-group-version-kind'] = [{ ...gvk }];
  return schema;
}

export interface SchemaRoot {
  name: string;
  /** The kind's group/version/kind (also on list roots), so a missing definition still carries it. */
  gvk?: NonNullable<TypeDef['gvk']>;
  /** For `<Kind>List` roots: the kind definition name the list holds. */
  listOf?: string;
}

/**
 * Every schema reachable from `roots`, by name, sorted: definitions from the
 * model, custom ones for specially marshalled types, synthesized lists, and
 * placeholders where the model has nothing yet (so no `$ref` dangles).
 */
export function reachableSchemas(model: ApiModel, roots: readonly SchemaRoot[], dialect: Dialect): JsonObject {
  const out = new Map<string, JsonObject>();
  const pending: string[] = [];
  const enqueue = (refs: Set<string>): void => {
    for (const name of refs) if (!out.has(name)) pending.push(name);
  };
  for (const root of roots) {
    if (out.has(root.name)) continue;
    const refs = new Set<string>();
    if (root.listOf !== undefined) {
      const existing = model.definitionNamed(root.name);
      const kind = root.gvk?.kind ?? root.listOf.split('.').pop() ?? root.listOf;
      out.set(
        root.name,
        existing !== undefined ? structSchema(existing, dialect, refs) : listSchema(root.listOf, kind, root.gvk, dialect, refs),
      );
    } else {
      const def = model.definitionNamed(root.name);
      out.set(root.name, def !== undefined ? structSchema(def, dialect, refs) : customOrPlaceholder(root.name, root.gvk, dialect));
    }
    enqueue(refs);
  }
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (out.has(name)) continue;
    const refs = new Set<string>();
    const def = model.definitionNamed(name);
    out.set(name, def !== undefined ? structSchema(def, dialect, refs) : customOrPlaceholder(name, undefined, dialect));
    enqueue(refs);
  }
  const sorted: JsonObject = {};
  for (const name of [...out.keys()].sort()) sorted[name] = out.get(name) ?? {};
  return sorted;
}

function customOrPlaceholder(name: string, gvk: TypeDef['gvk'], dialect: Dialect): JsonObject {
  return customSchema(name, dialect) ?? placeholderSchema(name, gvk);
}
