/**
 * The type model of the built-in kinds: one description per Go type of the
 * Kubernetes API, from which OpenAPI documents, strict field validation,
 * protobuf decoding, strategic merge patch and server-side apply all read.
 *
 * Names are the OpenAPI definition names (`io.k8s.api.core.v1.Pod`); protobuf
 * field numbers are those of the Kubernetes `generated.proto` files.
 */
import type { Json } from '../../apiserver/objects.ts';

export type ListType = 'atomic' | 'set' | 'map';
export type MapType = 'atomic' | 'granular';

export type TypeRef =
  | { t: 'string'; format?: string; enum?: readonly string[] }
  | { t: 'int32' }
  | { t: 'int64' }
  | { t: 'double' }
  | { t: 'boolean' }
  /** []byte: base64 text in JSON, bytes in protobuf. */
  | { t: 'bytes' }
  /** resource.Quantity: "500m", "1Gi" or a number in JSON. */
  | { t: 'quantity' }
  /** intstr.IntOrString. */
  | { t: 'intOrString' }
  /** metav1.Time (RFC 3339, seconds). */
  | { t: 'time' }
  /** metav1.MicroTime (RFC 3339 with microseconds). */
  | { t: 'microTime' }
  /** runtime.RawExtension or other free-form JSON: any value, unknown fields kept. */
  | { t: 'raw' }
  | { t: 'ref'; name: string }
  | {
      t: 'array';
      items: TypeRef;
      /** x-kubernetes-list-type (server-side apply). */
      listType?: ListType;
      /** x-kubernetes-list-map-keys, with listType map. */
      mapKeys?: readonly string[];
      /** x-kubernetes-patch-merge-key (strategic merge patch). */
      mergeKey?: string;
      /** x-kubernetes-patch-strategy: "merge", "replace", "merge,retainKeys". */
      strategy?: string;
    }
  | { t: 'map'; values: TypeRef; mapType?: MapType; strategy?: string };

export interface FieldDef {
  type: TypeRef;
  description: string;
  /** Field number in generated.proto; absent for fields protobuf does not carry (apiVersion, kind). */
  proto?: number;
  required?: boolean;
  /** x-kubernetes-patch-strategy on a struct-valued field, e.g. "retainKeys". */
  strategy?: string;
  default?: Json;
}

export interface TypeDef {
  /** OpenAPI definition name, e.g. io.k8s.api.apps.v1.Deployment. */
  name: string;
  description: string;
  fields: Readonly<Record<string, FieldDef>>;
  /** Set on the top-level kinds (x-kubernetes-group-version-kind). */
  gvk?: { group: string; version: string; kind: string };
  /** x-kubernetes-map-type on a struct (atomic: replaced as a whole by apply). */
  mapType?: MapType;
}

// Builders, so definition files read like the Go types they describe.

export const str: TypeRef = { t: 'string' };
export const int32: TypeRef = { t: 'int32' };
export const int64: TypeRef = { t: 'int64' };
export const double: TypeRef = { t: 'double' };
export const bool: TypeRef = { t: 'boolean' };
export const bytes: TypeRef = { t: 'bytes' };
export const quantity: TypeRef = { t: 'quantity' };
export const intOrString: TypeRef = { t: 'intOrString' };
export const time: TypeRef = { t: 'time' };
export const microTime: TypeRef = { t: 'microTime' };
export const raw: TypeRef = { t: 'raw' };

export function strEnum(...values: string[]): TypeRef {
  return { t: 'string', enum: values };
}

export function ref(name: string): TypeRef {
  return { t: 'ref', name };
}

export function listOf(
  items: TypeRef,
  options: { listType?: ListType; mapKeys?: readonly string[]; mergeKey?: string; strategy?: string } = {},
): TypeRef {
  return { t: 'array', items, ...options };
}

export function mapOf(values: TypeRef, options: { mapType?: MapType; strategy?: string } = {}): TypeRef {
  return { t: 'map', values, ...options };
}

/** A field: protobuf number, type, description and options. */
export function field(
  proto: number | undefined,
  type: TypeRef,
  description: string,
  options: { required?: boolean; strategy?: string; default?: Json } = {},
): FieldDef {
  return { type, description, ...(proto === undefined ? {} : { proto }), ...options };
}

export function struct(
  name: string,
  description: string,
  fields: Record<string, FieldDef>,
  options: { gvk?: TypeDef['gvk']; mapType?: MapType } = {},
): TypeDef {
  return { name, description, fields, ...options };
}

/** The two TypeMeta fields every top-level kind carries in JSON (not in protobuf). */
export function typeMeta(): Record<string, FieldDef> {
  return {
    apiVersion: field(undefined, str, 'Versioned schema of this representation of the object.'),
    kind: field(undefined, str, 'Kind of object this is, in CamelCase.'),
  };
}
