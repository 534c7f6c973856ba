/** Kubernetes objects as the API server handles them: JSON maps with metadata. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  [key: string]: Json | undefined;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: Json | ObjectMeta | undefined;
}

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Stored form: JSON without the resourceVersion, which is the key's mod revision. */
export function encodeObject(object: KubeObject): Uint8Array {
  const { resourceVersion: _rv, ...metadata } = object.metadata;
  return encoder.encode(JSON.stringify({ ...object, metadata }));
}

export function decodeObject(value: Uint8Array, modRevision: number): KubeObject {
  const object = JSON.parse(decoder.decode(value)) as KubeObject;
  object.metadata.resourceVersion = String(modRevision);
  return object;
}
