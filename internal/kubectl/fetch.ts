/** Reading objects and server-built tables of one resource type, as `get` and `describe` need them. */
import type { ResourceType } from '../api/resources.ts';
import { apiVersionOf } from '../api/resources.ts';
import type { KubeObject } from '../apiserver/objects.ts';
import type { KubeList } from '../client/index.ts';
import type { KubectlContext } from './context.ts';
import { specOf } from './resolve.ts';
import { tableAccept, type Table } from './table.ts';

/** Which objects of a type to read: one name, or a filtered collection. */
export interface Selection {
  /** null: all namespaces (or a cluster-scoped type). */
  namespace: string | null;
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** The namespace a type is read in: null for cluster-scoped types and for -A. */
export function namespaceFor(type: ResourceType, ctx: KubectlContext, allNamespaces: boolean): string | null {
  if (!type.namespaced || allNamespaces) return null;
  return ctx.namespace;
}

/** The object with apiVersion and kind filled in (list items arrive without them). */
export function withTypeMeta(type: ResourceType, object: KubeObject): KubeObject {
  return { apiVersion: apiVersionOf(type), kind: type.kind, ...object };
}

/** The server-built Table for one object or a collection. */
export function fetchTable(ctx: KubectlContext, type: ResourceType, selection: Selection): Promise<Table> {
  const client = ctx.api.resource(specOf(type));
  return ctx.api.request<Table>('GET', client.path(selection.namespace, selection.name), {
    accept: tableAccept,
    query: {
      includeObject: 'Metadata',
      labelSelector: selection.name === undefined ? selection.labelSelector : undefined,
      fieldSelector: selection.name === undefined ? selection.fieldSelector : undefined,
    },
    signal: ctx.signal,
  });
}

/** The objects selected, with apiVersion and kind, and the list's resourceVersion. */
export async function fetchObjects(
  ctx: KubectlContext,
  type: ResourceType,
  selection: Selection,
): Promise<{ items: KubeObject[]; resourceVersion: string | undefined }> {
  const client = ctx.api.resource(specOf(type));
  if (selection.name !== undefined) {
    const object = await client.get(selection.namespace, selection.name, { signal: ctx.signal });
    return { items: [withTypeMeta(type, object)], resourceVersion: object.metadata.resourceVersion };
  }
  const list: KubeList = await client.list(selection.namespace, {
    labelSelector: selection.labelSelector,
    fieldSelector: selection.fieldSelector,
    signal: ctx.signal,
  });
  return { items: list.items.map((item) => withTypeMeta(type, item)), resourceVersion: list.metadata.resourceVersion };
}

/** kubectl's note for an empty result, printed on stderr. */
export function noResourcesMessage(namespace: string | null): string {
  return namespace === null ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`;
}
