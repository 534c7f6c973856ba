import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ResourceType } from '../../api/resources.ts';
import { resourceTypes } from '../../api/resources.ts';
import {
  bool,
  bytes,
  field,
  int32,
  int64,
  intOrString,
  listOf,
  mapOf,
  quantity,
  ref,
  str,
  strEnum,
  struct,
  time,
  type TypeDef,
  typeMeta,
} from '../../api/schema/model.ts';
import { kindDefinition } from '../../api/schema/registry.ts';
import type { Json, JsonObject } from '../objects.ts';
import { isPlainObject } from '../objects.ts';
import type { ApiModel } from './model-source.ts';
import { buildV2Document, openApiV2Document } from './v2.ts';
import { buildV3Document, buildV3Documents, openApiV3Document, openApiV3Index } from './v3.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const W = 'io.k8s.api.example.v1';

function resource(kind: string, namespaced: boolean, subresources: ResourceType['subresources'] = []): ResourceType {
  return {
    group: 'example.k8s.io',
    version: 'v1',
    kind,
    plural: `${kind.toLowerCase()}s`,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: [],
    categories: [],
    subresources,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  };
}

const fixtureDefs: TypeDef[] = [
  struct(`${META}.ObjectMeta`, 'Object metadata.', {
    name: field(1, str, 'Name.'),
    labels: field(11, mapOf(str), 'Labels.'),
    creationTimestamp: field(8, time, 'Created at.'),
  }),
  struct(`${META}.ListMeta`, 'List metadata.', { resourceVersion: field(2, str, 'Version.') }),
  struct(
    `${W}.Widget`,
    'A widget.',
    { ...typeMeta(), metadata: field(1, ref(`${META}.ObjectMeta`), 'Metadata.'), spec: field(2, ref(`${W}.WidgetSpec`), 'Spec.') },
    { gvk: { group: 'example.k8s.io', version: 'v1', kind: 'Widget' } },
  ),
  struct(`${W}.WidgetSpec`, 'Widget spec.', {
    size: field(1, int32, 'Size.', { required: true }),
    total: field(2, int64, 'Total.'),
    enabled: field(3, bool, 'Enabled.'),
    blob: field(4, bytes, 'Blob.'),
    memory: field(5, quantity, 'Memory.'),
    port: field(6, intOrString, 'Port.'),
    mode: field(7, strEnum('Fast', 'Slow'), 'Mode.'),
    parts: field(8, listOf(ref(`${W}.Part`), { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' }), 'Parts.'),
    limits: field(9, mapOf(quantity), 'Limits.'),
    tags: field(10, listOf(str, { listType: 'set' }), 'Tags.'),
  }),
  struct(`${W}.Part`, 'A part.', { name: field(1, str, 'Name.', { required: true }) }),
  struct(`${W}.Unrelated`, 'Reached from nothing served.', { x: field(1, str, 'X.') }),
];

function fixtureModel(defs: TypeDef[], resources: ResourceType[]): ApiModel {
  const byName = new Map(defs.map((d) => [d.name, d]));
  return {
    resources,
    definitionNamed: (name) => byName.get(name),
    kindDefinition: (group, version, kind) =>
      defs.find((d) => d.gvk?.group === group && d.gvk.version === version && d.gvk.kind === kind),
  };
}

const model = fixtureModel(fixtureDefs, [
  resource('Widget', true, [{ name: 'status', verbs: ['get', 'patch', 'update'] }]),
  resource('Gadget', false),
]);
const gv = { group: 'example.k8s.io', version: 'v1' };

function object(value: Json | undefined): JsonObject {
  assert.ok(isPlainObject(value), `expected an object, got ${JSON.stringify(value)}`);
  return value;
}

/** Every `$ref` in a document, anywhere. */
function refsIn(value: Json, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (isPlainObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

function assertNoDanglingRefs(doc: JsonObject, prefix: string, schemas: JsonObject): void {
  for (const target of refsIn(doc)) {
    assert.ok(target.startsWith(prefix), `unexpected ref ${target}`);
    assert.ok(target.slice(prefix.length) in schemas, `dangling ref ${target}`);
  }
}

function patchOperations(doc: JsonObject): JsonObject[] {
  return Object.values(object(doc.paths)).flatMap((item) => {
    const patch = object(item).patch;
    return patch === undefined ? [] : [object(patch)];
  });
}

describe('OpenAPI v3 document of a group/version', () => {
  const doc = buildV3Document(model, gv);
  const paths = object(doc.paths);
  const schemas = object(object(doc.components).schemas);

  it('has collection, item, all-namespaces and subresource paths for namespaced kinds', () => {
    assert.equal(doc.openapi, '3.0.0');
    for (const path of [
      '/apis/example.k8s.io/v1/namespaces/{namespace}/widgets',
      '/apis/example.k8s.io/v1/namespaces/{namespace}/widgets/{name}',
      '/apis/example.k8s.io/v1/widgets',
      '/apis/example.k8s.io/v1/namespaces/{namespace}/widgets/{name}/status',
    ]) {
      assert.ok(path in paths, path);
    }
  });

  it('puts cluster-scoped kinds at paths without a namespace', () => {
    assert.ok('/apis/example.k8s.io/v1/gadgets/{name}' in paths);
    assert.ok(!Object.keys(paths).some((p) => p.includes('namespaces/{namespace}/gadgets')));
  });

  it('marks each operation with its action and group/version/kind', () => {
    const collection = object(paths['/apis/example.k8s.io/v1/namespaces/{namespace}/widgets']);
    const actions = Object.fromEntries(
      ['get', 'post', 'delete'].map((m) => [m, object(collection[m])['x-kubernetes-action']]),
    );
    assert.deepEqual(actions, { get: 'list', post: 'post', delete: 'deletecollection' });
    const item = object(paths['/apis/example.k8s.io/v1/namespaces/{namespace}/widgets/{name}']);
    assert.deepEqual(Object.keys(item).sort(), ['delete', 'get', 'parameters', 'patch', 'put']);
    const patch = object(item.patch);
    assert.equal(patch.operationId, 'patchExampleV1NamespacedWidget');
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'example.k8s.io', version: 'v1', kind: 'Widget' });
  });

  it('gives patch the four patch content types and the fieldValidation, fieldManager, dryRun and force parameters', () => {
    const patch = object(object(paths['/apis/example.k8s.io/v1/namespaces/{namespace}/widgets/{name}']).patch);
    const content = object(object(patch.requestBody).content);
    assert.deepEqual(Object.keys(content), [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    const names = (patch.parameters as JsonObject[]).map((p) => p.name);
    assert.deepEqual(names, ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
  });

  it('offers the list and watch parameters on list operations', () => {
    const list = object(object(paths['/apis/example.k8s.io/v1/widgets']).get);
    const names = (list.parameters as JsonObject[]).map((p) => p.name);
    for (const name of ['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'watch']) {
      assert.ok(names.includes(name), name);
    }
  });

  it('maps scalar types, wrappers, arrays and maps as Kubernetes does', () => {
    const spec = object(schemas[`${W}.WidgetSpec`]);
    const props = object(spec.properties);
    assert.deepEqual(spec.required, ['size']);
    assert.deepEqual(object(props.size), { description: 'Size.', type: 'integer', format: 'int32' });
    assert.equal(object(props.total).format, 'int64');
    assert.deepEqual(object(props.blob), { description: 'Blob.', type: 'string', format: 'byte' });
    assert.deepEqual(object(props.mode).enum, ['Fast', 'Slow']);
    assert.deepEqual(object(props.port).allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }]);
    const parts = object(props.parts);
    assert.equal(parts['x-kubernetes-list-type'], 'map');
    assert.deepEqual(parts['x-kubernetes-list-map-keys'], ['name']);
    assert.equal(parts['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(parts['x-kubernetes-patch-strategy'], 'merge');
    assert.deepEqual(parts.items, { allOf: [{ $ref: `#/components/schemas/${W}.Part` }], default: {} });
    assert.deepEqual(object(props.tags).items, { type: 'string', default: '' });
    assert.deepEqual(object(object(props.limits).additionalProperties).allOf, [
      { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' },
    ]);
    const metadata = object(object(object(schemas[`${W}.Widget`]).properties).metadata);
    assert.deepEqual(metadata, { allOf: [{ $ref: `#/components/schemas/${META}.ObjectMeta` }], description: 'Metadata.', default: {} });
  });

  it('defines IntOrString and Quantity as either of two types, and Time as a date-time string', () => {
    const intOrString = object(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']);
    assert.equal(intOrString.type, undefined);
    assert.equal(intOrString.format, 'int-or-string');
    assert.deepEqual(intOrString.oneOf, [{ type: 'integer' }, { type: 'string' }]);
    assert.deepEqual(object(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity']).oneOf, [{ type: 'string' }, { type: 'number' }]);
    assert.deepEqual(object(schemas[`${META}.Time`]).format, 'date-time');
    assert.equal(object(schemas[`${META}.Time`]).type, 'string');
  });

  it('includes exactly the reachable definitions, with synthesized lists, and no dangling refs', () => {
    assert.ok(`${W}.Part` in schemas);
    assert.ok(!(`${W}.Unrelated` in schemas));
    const list = object(schemas[`${W}.WidgetList`]);
    assert.deepEqual(list['x-kubernetes-group-version-kind'], [{ group: 'example.k8s.io', version: 'v1', kind: 'WidgetList' }]);
    assert.deepEqual(object(object(list.properties).items).items, { allOf: [{ $ref: `#/components/schemas/${W}.Widget` }], default: {} });
    assert.deepEqual(object(schemas[`${W}.Widget`])['x-kubernetes-group-version-kind'], [
      { group: 'example.k8s.io', version: 'v1', kind: 'Widget' },
    ]);
    assertNoDanglingRefs(doc, '#/components/schemas/', schemas);
  });

  it('publishes a kind without a definition as an open schema that still carries its group/version/kind', () => {
    const gadget = object(schemas[`io.k8s.api.example.v1.Gadget`]);
    assert.equal(gadget['x-kubernetes-preserve-unknown-fields'], true);
    assert.deepEqual(gadget['x-kubernetes-group-version-kind'], [{ group: 'example.k8s.io', version: 'v1', kind: 'Gadget' }]);
  });
});

describe('OpenAPI v3 index', () => {
  it('names each group/version document with the uppercase SHA-512 of its body', () => {
    const built = buildV3Documents(model);
    const index = JSON.parse(built.index.json) as { paths: Record<string, { serverRelativeURL: string }> };
    const body = built.documents.get('apis/example.k8s.io/v1')?.body ?? '';
    const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
    assert.deepEqual(index.paths, { 'apis/example.k8s.io/v1': { serverRelativeURL: `/openapi/v3/apis/example.k8s.io/v1?hash=${hash}` } });
    assert.match(built.index.etag, /^"[0-9A-F]{128}"$/);
  });
});

describe('OpenAPI v2 document', () => {
  const doc = buildV2Document(model);
  const definitions = object(doc.definitions);

  it('is Swagger 2.0 with body parameters and refs into definitions', () => {
    assert.equal(doc.swagger, '2.0');
    const post = object(object(object(doc.paths)['/apis/example.k8s.io/v1/namespaces/{namespace}/widgets']).post);
    const body = (post.parameters as JsonObject[])[0];
    assert.deepEqual(body, { name: 'body', in: 'body', required: true, schema: { $ref: `#/definitions/${W}.Widget` } });
    const metadata = object(object(object(definitions[`${W}.Widget`]).properties).metadata);
    assert.deepEqual(metadata, { $ref: `#/definitions/${META}.ObjectMeta`, description: 'Metadata.' });
    assertNoDanglingRefs(doc, '#/definitions/', definitions);
  });

  it('describes IntOrString as a string with the int-or-string format', () => {
    const intOrString = object(definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']);
    assert.equal(intOrString.type, 'string');
    assert.equal(intOrString.format, 'int-or-string');
  });
});

describe('OpenAPI documents of the built-in registry', () => {
  const index = JSON.parse(openApiV3Index().json) as { paths: Record<string, { serverRelativeURL: string }> };

  it('lists every served group/version in the index and serves each document', () => {
    for (const type of resourceTypes) {
      const key = type.group === '' ? `api/${type.version}` : `apis/${type.group}/${type.version}`;
      const document = openApiV3Document(key);
      assert.ok(document, key);
      assert.equal(index.paths[key]?.serverRelativeURL, `/openapi/v3/${key}?hash=${document.hash}`);
    }
    assert.equal(openApiV3Document('apis/nope/v1'), null);
  });

  it('returns the same cached documents on every call', () => {
    assert.equal(openApiV3Index(), openApiV3Index());
    assert.equal(openApiV3Document('api/v1'), openApiV3Document('/api/v1'));
    assert.equal(openApiV2Document(), openApiV2Document());
  });

  it('gives every served kind a patch operation with its group/version/kind and fieldValidation', () => {
    for (const type of resourceTypes) {
      const key = type.group === '' ? `api/${type.version}` : `apis/${type.group}/${type.version}`;
      const doc = JSON.parse(openApiV3Document(key)?.body ?? '{}') as JsonObject;
      const gvk = { group: type.group, version: type.version, kind: type.kind };
      const patch = patchOperations(doc).find((op) => JSON.stringify(op['x-kubernetes-group-version-kind']) === JSON.stringify(gvk));
      assert.ok(patch, `${type.kind} in ${key}`);
      assert.ok((patch.parameters as JsonObject[]).some((p) => p.name === 'fieldValidation'));
    }
  });

  it('publishes the full schema of every served kind that has a definition', () => {
    for (const type of resourceTypes) {
      const def = kindDefinition(type.group, type.version, type.kind);
      if (def === undefined) continue;
      const key = type.group === '' ? `api/${type.version}` : `apis/${type.group}/${type.version}`;
      const doc = JSON.parse(openApiV3Document(key)?.body ?? '{}') as JsonObject;
      const schema = object(object(object(doc.components).schemas)[def.name]);
      assert.deepEqual(Object.keys(object(schema.properties)).sort(), Object.keys(def.fields).sort(), def.name);
      assert.deepEqual(schema['x-kubernetes-group-version-kind'], [gvk(def)]);
    }
  });

  it('leaves no dangling refs in any v3 document or in v2', () => {
    for (const key of Object.keys(index.paths)) {
      const doc = JSON.parse(openApiV3Document(key)?.body ?? '{}') as JsonObject;
      assertNoDanglingRefs(doc, '#/components/schemas/', object(object(doc.components).schemas));
    }
    const v2 = JSON.parse(openApiV2Document()) as JsonObject;
    assertNoDanglingRefs(v2, '#/definitions/', object(v2.definitions));
  });
});

function gvk(def: TypeDef): JsonObject {
  return { ...(def.gvk ?? {}) };
}
