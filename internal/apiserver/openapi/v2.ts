/**
 * OpenAPI v2 (Swagger 2.0): one document with every served path and every
 * definition they reach (GET /openapi/v2 as JSON), for clients that still read it.
 */
import type { JsonObject } from '../objects.ts';
import { type ApiModel, builtinModel, groupVersionsOf } from './model-source.ts';
import { groupVersionPaths, type Operation, type PathItem, schemaRoots } from './operations.ts';
import { patchContentTypes, responseContentTypes, type Parameter } from './parameters.ts';
import { reachableSchemas } from './schema-json.ts';
import { apiInfo } from './v3.ts';

function parameterV2(parameter: Parameter): JsonObject {
  const out: JsonObject = { uniqueItems: true, type: parameter.type, description: parameter.description, name: parameter.name, in: parameter.in };
  if (parameter.required === true) out.required = true;
  return out;
}

const definition = (name: string): JsonObject => ({ $ref: `#/definitions/${name}` });

function operationV2(operation: Operation): JsonObject {
  const out: JsonObject = { description: operation.description };
  if (operation.body !== undefined) out.consumes = operation.body.patch ? [...patchContentTypes] : ['*/*'];
  out.produces = [...responseContentTypes];
  out.schemes = ['https'];
  out.tags = [operation.tag];
  out.operationId = operation.operationId;
  const parameters: JsonObject[] = [];
  if (operation.body !== undefined) {
    parameters.push({ name: 'body', in: 'body', required: operation.body.required, schema: definition(operation.body.schema) });
  }
  parameters.push(...operation.parameters.map(parameterV2));
  if (parameters.length > 0) out.parameters = parameters;
  const responses: JsonObject = {};
  for (const response of operation.responses) responses[response.code] = { description: response.description, schema: definition(response.schema) };
  responses['401'] = { description: 'Unauthorized' };
  out.responses = responses;
  out['x-kubernetes-action'] = operation.action;
  out['x-kubernetes-group-version-kind'] = { ...operation.gvk };
  return out;
}

function pathItemV2(item: PathItem): JsonObject {
  const out: JsonObject = {};
  for (const operation of item.operations) out[operation.method] = operationV2(operation);
  out.parameters = item.parameters.map(parameterV2);
  return out;
}

/** The Swagger 2.0 document of every group/version in `model`. */
export function buildV2Document(model: ApiModel): JsonObject {
  const items = groupVersionsOf(model).flatMap((gv) => groupVersionPaths(model, gv));
  const paths: JsonObject = {};
  for (const item of items) paths[item.path] = pathItemV2(item);
  return {
    swagger: '2.0',
    info: { ...apiInfo },
    paths,
    definitions: reachableSchemas(model, schemaRoots(model, items), 'v2'),
    securityDefinitions: {
      BearerToken: { description: 'Bearer token authentication', type: 'apiKey', name: 'authorization', in: 'header' },
    },
    security: [{ BearerToken: [] }],
  };
}

let cached: string | undefined;

/** The body of GET /openapi/v2 (JSON), built once from the built-in registry. */
export function openApiV2Document(): string {
  cached ??= JSON.stringify(buildV2Document(builtinModel));
  return cached;
}
