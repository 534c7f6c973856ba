/** Building meta.k8s.io Table responses, for lists, single objects and watch events. */
import { apiVersionOf, type ResourceType } from '../../api/resources.ts';
import type { Json, JsonObject, KubeObject } from '../objects.ts';
import type { IncludeObject, TableVersion } from './accept.ts';
import type { Column } from './printer.ts';
import { printerFor } from './printers.ts';

/** List metadata carried into the Table's own metadata. */
export interface TableListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface TableOptions {
  /** Milliseconds since the epoch that ages are measured against. */
  now: number;
  includeObject: IncludeObject;
  /** For lists; a single-object Table takes the object's resourceVersion. */
  listMeta?: TableListMeta;
  /** The Table version asked for (default v1). */
  version?: TableVersion;
}

export interface WatchTableOptions extends TableOptions {
  /** Column definitions go with the first event of a watch only, as upstream sends them. */
  includeColumns: boolean;
}

function columnJson(c: Column): JsonObject {
  return { name: c.name, type: c.type, format: c.format, description: c.description, priority: c.priority };
}

/** What a row embeds: PartialObjectMetadata, the full object, or null. */
function rowObject(type: ResourceType, object: KubeObject, include: IncludeObject, version: TableVersion): Json {
  switch (include) {
    case 'None':
      return null;
    case 'Object':
      return { ...object, apiVersion: object.apiVersion ?? apiVersionOf(type), kind: object.kind ?? type.kind } as JsonObject;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: object.metadata as JsonObject };
  }
}

function rowConditions(type: ResourceType, object: KubeObject): Json[] | undefined {
  if (type.group !== '' || type.kind !== 'Pod' || !('status' in object)) return undefined;
  const status = object.status as { phase?: unknown } | undefined;
  // Finished pods are marked so clients can tell them apart from running ones.
  if (status?.phase === 'Succeeded') {
    return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'Every container of the pod exited successfully.' }];
  }
  if (status?.phase === 'Failed') {
    return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod has failed.' }];
  }
  return undefined;
}

function tableMetadata(objects: KubeObject[], listMeta: TableListMeta | undefined): JsonObject {
  const metadata: JsonObject = {};
  const resourceVersion = listMeta?.resourceVersion ?? (objects.length === 1 ? objects[0]?.metadata.resourceVersion : undefined);
  if (resourceVersion !== undefined && resourceVersion !== '') metadata.resourceVersion = resourceVersion;
  if (listMeta?.continue !== undefined && listMeta.continue !== '') metadata.continue = listMeta.continue;
  if (listMeta?.remainingItemCount !== undefined) metadata.remainingItemCount = listMeta.remainingItemCount;
  return metadata;
}

function buildTable(type: ResourceType, objects: KubeObject[], options: TableOptions, withColumns: boolean): JsonObject {
  const printer = printerFor(type);
  const version = options.version ?? 'v1';
  const rows: Json[] = objects.map((object) => {
    const row: JsonObject = { cells: printer.cells(object, options.now) };
    const conditions = rowConditions(type, object);
    if (conditions !== undefined) row.conditions = conditions;
    row.object = rowObject(type, object, options.includeObject, version);
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: tableMetadata(objects, options.listMeta),
    columnDefinitions: withColumns ? printer.columns.map(columnJson) : [],
    rows,
  };
}

/**
 * The Table for a list (or, with one object and no listMeta, a single get) of one
 * resource type: every column, wide ones included, with priority telling clients
 * which to show by default.
 */
export function toTable(type: ResourceType, objects: KubeObject[], options: TableOptions): JsonObject {
  return buildTable(type, objects, options, true);
}

/** The one-row Table a watch event carries when the watch asked for Tables. */
export function tableRowForWatch(type: ResourceType, object: KubeObject, options: WatchTableOptions): JsonObject {
  return buildTable(type, [object], { ...options, listMeta: undefined }, options.includeColumns);
}
