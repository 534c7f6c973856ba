/**
 * The REST operations of each served resource, independent of OpenAPI dialect:
 * collection and item paths, the all-namespaces list, and subresources.
 */
import type { ResourceType, Subresource, Verb } from '../../api/resources.ts';
import { type ApiModel, type GroupVersion, kindSchemaName, listSchemaName } from './model-source.ts';
import {
  deleteCollectionParameters,
  deleteParameters,
  listParameters,
  type Parameter,
  pathName,
  pathNamespace,
  patchParameters,
  pretty,
  writeParameters,
} from './parameters.ts';
import { deleteOptionsName, patchName, type SchemaRoot, statusName } from './schema-json.ts';

export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export interface Operation {
  method: Method;
  operationId: string;
  description: string;
  tag: string;
  action: Action;
  gvk: Gvk;
  parameters: readonly Parameter[];
  /** Schema name of the request body; patch bodies are `Patch` in the patch content types. */
  body?: { schema: string; patch: boolean; required: boolean };
  /** Status code → schema name of the response body. */
  responses: ReadonlyArray<{ code: string; description: string; schema: string }>;
}

export interface PathItem {
  path: string;
  parameters: readonly Parameter[];
  operations: Operation[];
}

/** "apps" → "Apps", "rbac.authorization.k8s.io" → "RbacAuthorization", "" → "Core". */
function groupWord(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The tag operations are grouped under: core_v1, apps_v1, rbacAuthorization_v1. */
export function tagOf(gv: GroupVersion): string {
  const word = groupWord(gv.group);
  return `${word.charAt(0).toLowerCase()}${word.slice(1)}_${gv.version}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const ok = (schema: string) => ({ code: '200', description: 'OK', schema });
const created = (schema: string) => ({ code: '201', description: 'Created', schema });
const accepted = (schema: string) => ({ code: '202', description: 'Accepted', schema });

/** The paths and operations of one resource type. */
export function resourcePaths(model: ApiModel, type: ResourceType): PathItem[] {
  const gvk: Gvk = { group: type.group, version: type.version, kind: type.kind };
  const kindName = kindSchemaName(model, type.group, type.version, type.kind);
  const listName = listSchemaName(kindName);
  const prefix = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const scope = type.namespaced ? `${prefix}/namespaces/{namespace}` : prefix;
  const collection = `${scope}/${type.plural}`;
  const item = `${collection}/{name}`;
  const idPart = `${groupWord(type.group)}${capitalize(type.version)}${type.namespaced ? 'Namespaced' : ''}${type.kind}`;
  const tag = tagOf(type);
  const has = (verb: Verb): boolean => type.verbs.includes(verb);
  const scoped = type.namespaced ? [pathNamespace, pretty] : [pretty];
  const op = (o: Omit<Operation, 'tag' | 'gvk'>): Operation => ({ ...o, tag, gvk });

  const collectionOps: Operation[] = [];
  if (has('list')) {
    collectionOps.push(
      op({
        method: 'get',
        operationId: `list${idPart}`,
        description: `list or watch ${type.kind} objects`,
        action: 'list',
        parameters: listParameters,
        responses: [ok(listName)],
      }),
    );
  }
  if (has('create')) {
    collectionOps.push(
      op({
        method: 'post',
        operationId: `create${idPart}`,
        description: `create a ${type.kind}`,
        action: 'post',
        parameters: writeParameters,
        body: { schema: kindName, patch: false, required: true },
        responses: [ok(kindName), created(kindName), accepted(kindName)],
      }),
    );
  }
  if (has('deletecollection')) {
    collectionOps.push(
      op({
        method: 'delete',
        operationId: `deleteCollection${idPart}`,
        description: `delete a collection of ${type.kind} objects`,
        action: 'deletecollection',
        parameters: deleteCollectionParameters,
        body: { schema: deleteOptionsName, patch: false, required: false },
        responses: [ok(statusName)],
      }),
    );
  }
  const itemOps = itemOperations(type, '', kindName, has, op, idPart);
  const paths: PathItem[] = [
    { path: collection, parameters: scoped, operations: collectionOps },
    { path: item, parameters: [pathName, ...scoped], operations: itemOps },
  ];
  if (type.namespaced && has('list')) {
    paths.push({
      path: `${prefix}/${type.plural}`,
      parameters: [pretty],
      operations: [
        op({
          method: 'get',
          operationId: `list${groupWord(type.group)}${capitalize(type.version)}${type.kind}ForAllNamespaces`,
          description: `list or watch ${type.kind} objects across all namespaces`,
          action: 'list',
          parameters: listParameters,
          responses: [ok(listName)],
        }),
      ],
    });
  }
  for (const sub of type.subresources) paths.push(subresourcePath(model, type, sub, item, [pathName, ...scoped], idPart));
  return paths.filter((p) => p.operations.length > 0);
}

function itemOperations(
  type: ResourceType,
  what: string,
  schema: string,
  has: (verb: Verb) => boolean,
  op: (o: Omit<Operation, 'tag' | 'gvk'>) => Operation,
  idPart: string,
): Operation[] {
  const subject = what === '' ? `the given ${type.kind}` : `${what} of the given ${type.kind}`;
  const ops: Operation[] = [];
  if (has('get')) {
    ops.push(op({ method: 'get', operationId: `read${idPart}`, description: `read ${subject}`, action: 'get', parameters: [], responses: [ok(schema)] }));
  }
  if (has('update')) {
    ops.push(
      op({
        method: 'put',
        operationId: `replace${idPart}`,
        description: `replace ${subject}`,
        action: 'put',
        parameters: writeParameters,
        body: { schema, patch: false, required: true },
        responses: [ok(schema), created(schema)],
      }),
    );
  }
  if (has('patch')) {
    ops.push(
      op({
        method: 'patch',
        operationId: `patch${idPart}`,
        description: `partially update ${subject}`,
        action: 'patch',
        parameters: patchParameters,
        body: { schema: patchName, patch: true, required: true },
        responses: [ok(schema), created(schema)],
      }),
    );
  }
  if (has('delete') && what === '') {
    ops.push(
      op({
        method: 'delete',
        operationId: `delete${idPart}`,
        description: `delete ${subject}`,
        action: 'delete',
        parameters: deleteParameters,
        body: { schema: deleteOptionsName, patch: false, required: false },
        responses: [ok(statusName), accepted(statusName)],
      }),
    );
  }
  return ops;
}

function subresourcePath(
  model: ApiModel,
  type: ResourceType,
  sub: Subresource,
  item: string,
  parameters: readonly Parameter[],
  idPart: string,
): PathItem {
  const gvk: Gvk = { group: sub.group ?? type.group, version: sub.version ?? type.version, kind: sub.kind ?? type.kind };
  const schema = kindSchemaName(model, gvk.group, gvk.version, gvk.kind);
  const tag = tagOf(type);
  const subId = `${idPart}${capitalize(sub.name)}`;
  const has = (verb: Verb): boolean => sub.verbs.includes(verb);
  const op = (o: Omit<Operation, 'tag' | 'gvk'>): Operation => ({ ...o, tag, gvk });
  const operations = itemOperations(type, sub.name, schema, has, op, subId);
  if (has('create')) {
    operations.push(
      op({
        method: 'post',
        operationId: `create${subId}`,
        description: `create ${sub.name} of a ${type.kind}`,
        action: 'post',
        parameters: writeParameters,
        body: { schema, patch: false, required: true },
        responses: [ok(schema), created(schema), accepted(schema)],
      }),
    );
  }
  return { path: `${item}/${sub.name}`, parameters, operations };
}

/** Paths of every resource served in one group/version. */
export function groupVersionPaths(model: ApiModel, gv: GroupVersion): PathItem[] {
  return model.resources.filter((t) => t.group === gv.group && t.version === gv.version).flatMap((t) => resourcePaths(model, t));
}

/** The schemas a set of paths needs as starting points: kinds, their lists, and request/response types. */
export function schemaRoots(model: ApiModel, paths: readonly PathItem[]): SchemaRoot[] {
  const roots = new Map<string, SchemaRoot>();
  for (const path of paths) {
    for (const operation of path.operations) {
      const names = [...operation.responses.map((r) => r.schema), ...(operation.body ? [operation.body.schema] : [])];
      for (const name of names) {
        if (roots.has(name)) continue;
        const kindName = kindSchemaName(model, operation.gvk.group, operation.gvk.version, operation.gvk.kind);
        if (name === kindName) roots.set(name, { name, gvk: operation.gvk });
        else if (name === listSchemaName(kindName)) roots.set(name, { name, gvk: operation.gvk, listOf: kindName });
        else roots.set(name, { name });
      }
    }
  }
  return [...roots.values()];
}
