/** The -o yaml, -o json and -o name forms of objects, with keys sorted as kubectl's encoders sort them. */
import { stringify } from 'yaml';
import type { KubeObject } from '../apiserver/objects.ts';
import { typeOfObject, qualifiedKind } from './resolve.ts';

/** Output formats of `get`. */
export type OutputFormat = 'table' | 'wide' | 'yaml' | 'json' | 'name';

/** A copy with object keys in sorted order, as Go's map encoding prints them. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

/** Several objects as kubectl wraps them: a v1 List with an empty resourceVersion. */
export function asList(items: readonly KubeObject[]): Record<string, unknown> {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

/** YAML of one value, sequences unindented under their key as kubectl prints them. */
export function toYaml(value: unknown): string {
  return stringify(sortKeys(value), { indentSeq: false, lineWidth: 0, version: '1.1' });
}

/** JSON with 4-space indentation and a final newline, as kubectl prints it. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 4)}\n`;
}

/** `deployment.apps/web` for an object that carries apiVersion and kind. */
export function nameOf(object: KubeObject): string {
  return `${qualifiedKind(typeOfObject(object.apiVersion, object.kind))}/${object.metadata.name ?? ''}`;
}

/** The object without metadata.managedFields, which kubectl hides unless asked. */
export function withoutManagedFields(object: KubeObject): KubeObject {
  const { managedFields: _hidden, ...metadata } = object.metadata;
  return { ...object, metadata };
}
