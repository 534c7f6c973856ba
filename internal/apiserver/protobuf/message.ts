/**
 * Generic decoding of a Kubernetes generated.proto message by walking the type
 * model: field numbers and types come from the TypeDef, so no per-kind code.
 */
import type { FieldDef, TypeDef, TypeRef } from '../../api/schema/model.ts';
import type { Json, JsonObject } from '../objects.ts';
import {
  eachField,
  expectWire,
  lengthDelimited,
  malformed,
  type Reader,
  readBytes,
  readInt64,
  readString,
  WIRE_FIXED64,
  WIRE_LEN,
  WIRE_VARINT,
} from './wire.ts';
import { readIntOrString, readQuantity, readRaw, readTimestamp } from './wrappers.ts';

export interface Definitions {
  definitionNamed(name: string): TypeDef | undefined;
  kindDefinition(group: string, version: string, kind: string): TypeDef | undefined;
  /** The inline-embedded struct that field `proto` of `parent` carries, if any. */
  inlineEmbedding?(parent: string, proto: number): string | undefined;
}

export interface DecodeContext {
  definitions: Definitions;
  /** Deepest message nesting accepted; deeper input is refused rather than recursed into. */
  maxDepth: number;
  /** Decodes a complete nested `k8s\0` body (an object embedded in a RawExtension). */
  nestedObject(bytes: Uint8Array, depth: number): JsonObject;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Named types with a wire form of their own, whichever way a definition refers to them. */
const wrapperRefs: Record<string, TypeRef> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { t: 'quantity' },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { t: 'intOrString' },
  [`${META}.Time`]: { t: 'time' },
  [`${META}.MicroTime`]: { t: 'microTime' },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': { t: 'raw' },
  [`${META}.FieldsV1`]: { t: 'raw' },
};

function resolve(type: TypeRef): TypeRef {
  return type.t === 'ref' ? (wrapperRefs[type.name] ?? type) : type;
}

function wireOf(type: TypeRef): number {
  switch (type.t) {
    case 'int32':
    case 'int64':
    case 'boolean':
      return WIRE_VARINT;
    case 'double':
      return WIRE_FIXED64;
    default:
      return WIRE_LEN;
  }
}

const fieldTables = new WeakMap<TypeDef, Map<number, [string, FieldDef]>>();

function fieldsByNumber(def: TypeDef): Map<number, [string, FieldDef]> {
  let table = fieldTables.get(def);
  if (table === undefined) {
    table = new Map();
    for (const [name, field] of Object.entries(def.fields)) if (field.proto !== undefined) table.set(field.proto, [name, field]);
    fieldTables.set(def, table);
  }
  return table;
}

/** Reads one value of `type`; the wire type has been checked by the caller. Undefined means absent. */
function readValue(type: TypeRef, reader: Reader, limit: number, ctx: DecodeContext, depth: number, where: string): Json | undefined {
  switch (type.t) {
    case 'string':
      return readString(reader, limit);
    case 'int32':
      return reader.int32();
    case 'int64':
      return readInt64(reader);
    case 'double':
      return reader.double();
    case 'boolean':
      return reader.bool();
    case 'bytes':
      return Buffer.from(readBytes(reader, limit)).toString('base64');
    case 'quantity':
      return readQuantity(reader, limit);
    case 'intOrString':
      return readIntOrString(reader, limit);
    case 'time':
      return readTimestamp(reader, limit, false);
    case 'microTime':
      return readTimestamp(reader, limit, true);
    case 'raw':
      return readRaw(reader, limit, (bytes) => ctx.nestedObject(bytes, depth + 1));
    case 'ref': {
      const def = ctx.definitions.definitionNamed(type.name);
      if (def === undefined) {
        // A type the model does not describe yet: drop it as if it were unknown.
        reader.pos = lengthDelimited(reader, limit);
        return undefined;
      }
      const stop = lengthDelimited(reader, limit);
      return decodeStruct(reader, stop, def, ctx, depth + 1);
    }
    case 'map':
      throw malformed(`${where}: a map cannot be read as a single value`);
    case 'array': {
      // An array as a map value or list element travels in a wrapper message whose field 1 repeats.
      const stop = lengthDelimited(reader, limit);
      if (depth + 1 > ctx.maxDepth) throw malformed(`nesting deeper than ${ctx.maxDepth} at ${where}`);
      const items: Json[] = [];
      eachField(reader, stop, (field, wire) => {
        if (field !== 1) return false;
        readRepeated(type, wire, reader, stop, ctx, depth + 1, where, items);
        return true;
      });
      return items;
    }
  }
}

function zeroValue(type: TypeRef): Json {
  switch (type.t) {
    case 'string':
    case 'bytes':
      return '';
    case 'int32':
    case 'int64':
    case 'double':
    case 'intOrString':
      return 0;
    case 'boolean':
      return false;
    case 'quantity':
      return '0';
    case 'ref':
    case 'map':
      return {};
    case 'array':
      return [];
    default:
      return null;
  }
}

/** One occurrence of a repeated field: a single element, or a packed run of scalars. */
function readRepeated(
  array: Extract<TypeRef, { t: 'array' }>,
  wire: number,
  reader: Reader,
  limit: number,
  ctx: DecodeContext,
  depth: number,
  where: string,
  into: Json[],
): void {
  const items = resolve(array.items);
  const natural = wireOf(items);
  if (wire === natural) {
    into.push(readValue(items, reader, limit, ctx, depth, where) ?? zeroValue(items));
    return;
  }
  if (wire !== WIRE_LEN || natural === WIRE_LEN) expectWire(where, wire, natural);
  const stop = lengthDelimited(reader, limit);
  while (reader.pos < stop) into.push(readValue(items, reader, stop, ctx, depth, where) ?? zeroValue(items));
  if (reader.pos !== stop) throw malformed(`packed field ${where} runs past its length`);
}

/** One map entry message { key = 1; value = 2 }, added to `into`. */
function readEntry(
  map: Extract<TypeRef, { t: 'map' }>,
  reader: Reader,
  limit: number,
  ctx: DecodeContext,
  depth: number,
  where: string,
  into: JsonObject,
): void {
  const stop = lengthDelimited(reader, limit);
  const values = resolve(map.values);
  let key = '';
  let value: Json | undefined;
  eachField(reader, stop, (field, wire) => {
    if (field === 1) {
      expectWire(`${where} key`, wire, WIRE_LEN);
      key = readString(reader, stop);
    } else if (field === 2) {
      expectWire(`${where}[${key}]`, wire, wireOf(values));
      value = readValue(values, reader, stop, ctx, depth + 1, `${where}[${key}]`);
    } else {
      return false;
    }
    return true;
  });
  into[key] = value ?? zeroValue(values);
}

/** Whether a decoded field is what Go writes for an unset field, and JSON would leave out. */
function isEmpty(value: Json, field: FieldDef): boolean {
  if (value === '') return true;
  if (value === false) return field.default !== true;
  if (Array.isArray(value)) return value.length === 0;
  if (field.type.t === 'map' && typeof value === 'object' && value !== null) return Object.keys(value).length === 0;
  return false;
}

/** Decodes the message that ends at `stop` as an instance of `def`. */
export function decodeStruct(reader: Reader, stop: number, def: TypeDef, ctx: DecodeContext, depth: number): JsonObject {
  if (depth > ctx.maxDepth) throw malformed(`nesting deeper than ${ctx.maxDepth} at ${def.name}`);
  const table = fieldsByNumber(def);
  const out: JsonObject = {};
  eachField(reader, stop, (number, wire) => {
    const entry = table.get(number);
    if (entry === undefined) {
      const embedded = ctx.definitions.inlineEmbedding?.(def.name, number);
      const embeddedDef = embedded === undefined ? undefined : ctx.definitions.definitionNamed(embedded);
      if (embeddedDef === undefined) return false;
      // Go inlines this struct: its fields belong to the parent in JSON.
      expectWire(`${def.name}.<inline ${number}>`, wire, WIRE_LEN);
      Object.assign(out, decodeStruct(reader, lengthDelimited(reader, stop), embeddedDef, ctx, depth + 1));
      return true;
    }
    const [name, field] = entry;
    const type = resolve(field.type);
    const where = `${def.name}.${name}`;
    if (type.t === 'array') {
      const existing = out[name];
      const items = Array.isArray(existing) ? existing : [];
      readRepeated(type, wire, reader, stop, ctx, depth, where, items);
      out[name] = items;
    } else if (type.t === 'map') {
      expectWire(where, wire, WIRE_LEN);
      const existing = out[name];
      const entries = typeof existing === 'object' && existing !== null && !Array.isArray(existing) ? existing : {};
      readEntry(type, reader, stop, ctx, depth, where, entries);
      out[name] = entries;
    } else {
      expectWire(where, wire, wireOf(type));
      const value = readValue(type, reader, stop, ctx, depth, where);
      if (value === undefined) delete out[name];
      else out[name] = value;
    }
    return true;
  });
  for (const [name, field] of Object.entries(def.fields)) {
    const value = out[name];
    if (value !== undefined && isEmpty(value, field)) delete out[name];
  }
  return out;
}
