/** What the type model says about a position in an object, as strategic merge patch needs it. */
import type { TypeDef, TypeRef } from '../../api/schema/model.ts';

/** Resolves `ref` type names to definitions. */
export type DefinitionLookup = (name: string) => TypeDef | undefined;

/** The model of an object value: a struct, a map with typed values, or nothing known. */
export type ObjectSchema = { kind: 'struct'; def: TypeDef } | { kind: 'map'; values: TypeRef } | undefined;

/** The model of one key of an object: its type and patch strategy. */
export interface FieldSchema {
  type: TypeRef | undefined;
  /** Lists merged element by element instead of replaced. */
  merge: boolean;
  /** Objects replaced as a whole instead of merged. */
  replace: boolean;
}

type ArrayRef = Extract<TypeRef, { t: 'array' }>;

const unknownField: FieldSchema = { type: undefined, merge: false, replace: false };

/** The schema of an object-valued position of `type`; raw and unknown types have none. */
export function objectSchema(type: TypeRef | undefined, lookup: DefinitionLookup): ObjectSchema {
  if (type?.t === 'map') return { kind: 'map', values: type.values };
  if (type?.t === 'ref') {
    const def = lookup(type.name);
    return def === undefined ? undefined : { kind: 'struct', def };
  }
  return undefined;
}

/** The schema of key `key` in an object of `schema`; fields the model does not know merge like a merge patch. */
export function fieldSchema(schema: ObjectSchema, key: string): FieldSchema {
  if (schema === undefined) return unknownField;
  let type: TypeRef;
  let strategy: string | undefined;
  if (schema.kind === 'map') {
    type = schema.values;
  } else {
    const field = Object.hasOwn(schema.def.fields, key) ? schema.def.fields[key] : undefined;
    if (field === undefined) return unknownField;
    type = field.type;
    strategy = field.strategy;
  }
  const typeStrategy = type.t === 'array' || type.t === 'map' ? type.strategy : undefined;
  const strategies = [strategy, typeStrategy].filter((s) => s !== undefined).join(',').split(',').map((s) => s.trim());
  return { type, merge: strategies.includes('merge') && type.t === 'array', replace: strategies.includes('replace') };
}

/** The list type of a field, when it is one. */
export function arrayType(type: TypeRef | undefined): ArrayRef | undefined {
  return type?.t === 'array' ? type : undefined;
}
