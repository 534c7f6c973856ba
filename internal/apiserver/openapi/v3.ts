/**
 * OpenAPI v3: one document per served group/version (GET /openapi/v3/api/v1,
 * /openapi/v3/apis/<group>/<version>) and the index that names them with a
 * content hash (GET /openapi/v3), as kubectl explain and kubectl's field
 * validation check read them.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../objects.ts';
import { type ApiModel, builtinModel, type GroupVersion, groupVersionPath, groupVersionsOf } from './model-source.ts';
import { groupVersionPaths, type Operation, type PathItem, schemaRoots } from './operations.ts';
import type { Parameter } from './parameters.ts';
import { patchContentTypes, responseContentTypes } from './parameters.ts';
import { reachableSchemas } from './schema-json.ts';

/** The version string the documents report, matching the Kubernetes release the server mimics. */
export const apiInfo = { title: 'Kubernetes', version: 'v1.32.0' } as const;

function parameterV3(parameter: Parameter): JsonObject {
  const schema: JsonObject = { type: parameter.type, uniqueItems: true };
  const out: JsonObject = { name: parameter.name, in: parameter.in, description: parameter.description };
  if (parameter.required === true) out.required = true;
  out.schema = schema;
  return out;
}

function operationV3(operation: Operation): JsonObject {
  const out: JsonObject = {
    tags: [operation.tag],
    description: operation.description,
    operationId: operation.operationId,
  };
  if (operation.parameters.length > 0) out.parameters = operation.parameters.map(parameterV3);
  if (operation.body !== undefined) {
    const bodySchema = { $ref: `#/components/schemas/${operation.body.schema}` };
    const content: JsonObject = {};
    for (const type of operation.body.patch ? patchContentTypes : ['*/*']) content[type] = { schema: bodySchema };
    out.requestBody = { content, required: operation.body.required };
  }
  const responses: JsonObject = {};
  for (const response of operation.responses) {
    const content: JsonObject = {};
    for (const type of responseContentTypes) content[type] = { schema: { $ref: `#/components/schemas/${response.schema}` } };
    responses[response.code] = { description: response.description, content };
  }
  responses['401'] = { description: 'Unauthorized' };
  out.responses = responses;
  out['x-kubernetes-action'] = operation.action;
  out['x-kubernetes-group-version-kind'] = { ...operation.gvk };
  return out;
}

function pathItemV3(item: PathItem): JsonObject {
  const out: JsonObject = {};
  for (const operation of item.operations) out[operation.method] = operationV3(operation);
  out.parameters = item.parameters.map(parameterV3);
  return out;
}

/** The v3 document of one group/version, built from `model`. */
export function buildV3Document(model: ApiModel, gv: GroupVersion): JsonObject {
  const items = groupVersionPaths(model, gv);
  const paths: JsonObject = {};
  for (const item of items) paths[item.path] = pathItemV3(item);
  return {
    openapi: '3.0.0',
    info: { ...apiInfo },
    paths,
    components: {
      schemas: reachableSchemas(model, schemaRoots(model, items), 'v3'),
      securitySchemes: {
        BearerToken: { type: 'apiKey', description: 'Bearer token authentication', name: 'authorization', in: 'header' },
      },
    },
    security: [{ BearerToken: [] }],
  };
}

/** Uppercase hex SHA-512, the hash Kubernetes puts in v3 document URLs. */
export function documentHash(body: string): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

export interface V3Documents {
  /** The index body and its ETag (quoted hash of the body). */
  index: { json: string; etag: string };
  /** Serialized documents by group/version path ("api/v1", "apis/apps/v1"). */
  documents: Map<string, { body: string; hash: string }>;
}

/** Every v3 document of `model` and the index that points at them. */
export function buildV3Documents(model: ApiModel): V3Documents {
  const documents = new Map<string, { body: string; hash: string }>();
  for (const gv of groupVersionsOf(model)) {
    const body = JSON.stringify(buildV3Document(model, gv));
    documents.set(groupVersionPath(gv), { body, hash: documentHash(body) });
  }
  const paths: JsonObject = {};
  for (const key of [...documents.keys()].sort()) {
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${documents.get(key)?.hash ?? ''}` };
  }
  const json = JSON.stringify({ paths });
  return { index: { json, etag: `"${documentHash(json)}"` }, documents };
}

let cached: V3Documents | undefined;

/** Built once from the built-in registry, which does not change while the process runs. */
function builtinDocuments(): V3Documents {
  cached ??= buildV3Documents(builtinModel);
  return cached;
}

/** The body of GET /openapi/v3 and its ETag. */
export function openApiV3Index(): { json: string; etag: string } {
  return builtinDocuments().index;
}

/**
 * The body of GET /openapi/v3/<path> for a served group/version path ("api/v1",
 * "apis/apps/v1"), with its hash; null when no such group/version is served.
 */
export function openApiV3Document(groupVersionPath: string): { body: string; hash: string } | null {
  return builtinDocuments().documents.get(groupVersionPath.replace(/^\/+|\/+$/g, '')) ?? null;
}
