/**
 * A catalogue of malformed and hostile API requests, each of which a Kubernetes API server
 * must refuse with a 4xx Status and no change to stored data. Malformed bodies here; invalid
 * objects in hostile-objects.ts; query strings, paths and methods in hostile-queries.ts.
 */
import type { RawRequest } from './raw-https.ts';
import {
  brokenJson,
  collectionOf,
  nestedArrays,
  nestedObjects,
  nestedYamlBlocks,
  protobufConfigMap,
  protobufEnvelope,
  protobufMagic,
  lengthField,
  stringField,
  validBody,
  type BaseKind,
  type JsonMap,
  type Random,
} from './hostile-bodies.ts';

export interface HostileRequest extends RawRequest {
  /** The kind of defect, for grouping failures. */
  class: string;
  /** Statuses that are right; any 4xx when absent. */
  expect?: number[];
  /** How long a response may stay open (watches). */
  waitMs?: number;
}

/** An object that exists before the run, so that writes to it have a target. */
export interface Fixture {
  kind: BaseKind;
  name: string;
  /** The object's URL. */
  path: string;
  /** The stored object as last read. */
  object: JsonMap;
  /** An older resourceVersion of the object. */
  staleRv: string;
}

export interface HostileContext {
  namespace: string;
  fixtures: Record<BaseKind, Fixture>;
  random: Random;
  /** A fresh object name for each create, so AlreadyExists never hides a defect. */
  freshName(): string;
}

export const kinds: readonly BaseKind[] = ['ConfigMap', 'Deployment', 'Service', 'Pod'];
export const json = { 'content-type': 'application/json' };
export const merge = { 'content-type': 'application/merge-patch+json' };
export const strategic = { 'content-type': 'application/strategic-merge-patch+json' };
export const jsonPatch = { 'content-type': 'application/json-patch+json' };
export const apply = { 'content-type': 'application/apply-patch+yaml' };
const protobuf = { 'content-type': 'application/vnd.kubernetes.protobuf' };
const MiB = 1024 * 1024;

/** A create of `kind` in the context's namespace. */
export const post = (ctx: HostileContext, kind: BaseKind, cls: string, body: string | Uint8Array, headers: Record<string, string> = json, query = ''): HostileRequest => ({
  class: cls,
  method: 'POST',
  path: `${collectionOf(kind, ctx.namespace)}${query}`,
  headers,
  body,
});

/** The fixture's body as sent back by a client that edits it: no resourceVersion, so nothing but the defect can make it fail. */
export const edited = (fixture: Fixture): JsonMap => {
  const copy = structuredClone(fixture.object);
  const meta = copy.metadata;
  if (meta !== null && typeof meta === 'object' && !Array.isArray(meta)) {
    delete meta.resourceVersion;
    delete meta.managedFields;
  }
  return copy;
};

export function brokenJsonRequests(ctx: HostileContext): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const kind of kinds) {
    const fixture = ctx.fixtures[kind];
    for (const text of brokenJson(JSON.stringify(validBody(kind, ctx.freshName(), ctx.namespace)), ctx.random)) out.push(post(ctx, kind, 'broken JSON create', text));
    for (const text of brokenJson(JSON.stringify(edited(fixture)), ctx.random)) out.push({ class: 'broken JSON update', method: 'PUT', path: fixture.path, headers: json, body: text });
    for (const body of ['null', '[]', '"a string"', '42', 'true', '[{"kind":"ConfigMap"}]']) {
      out.push(post(ctx, kind, 'JSON that is not an object', body), { class: 'JSON that is not an object', method: 'PUT', path: fixture.path, headers: json, body });
    }
    out.push(post(ctx, kind, 'empty body', ''), { class: 'empty body', method: 'PUT', path: fixture.path, headers: json }, { class: 'empty body', method: 'PATCH', path: fixture.path, headers: merge });
  }
  return out;
}

export function brokenYamlRequests(ctx: HostileContext): HostileRequest[] {
  const documents = [
    'a: b: c',
    'kind: [unclosed',
    '{unclosed: mapping',
    'apiVersion: v1\n\tkind: ConfigMap\n',
    '- a\nb: c\n',
    'metadata: *undefined\n',
    'a: 1\na: 2\n',
    'apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata:\n  name: NAME\n',
    'just a string',
    '42',
    '~',
    '[]',
    '- apiVersion: v1\n- kind: ConfigMap\n',
    '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\ndata: "unterminated\n',
    `a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`,
    'metadata:\n  name: NAME\ndata:\n  a: b\n',
    'apiVersion: v1\nmetadata:\n  name: NAME\ndata:\n  a: b\n',
    'kind: ConfigMap\nmetadata:\n  name: NAME\ndata:\n  a: b\n',
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: NAME\nstringData:\n  a: b\n',
    'apiVersion: apps/v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other-name\ndata:\n  a: b\n',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n  namespace: default\ndata:\n  a: b\n',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\ndata:\n  a: 1\n',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\ndata: [a, b]\n',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: just-a-string\n',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n  labels:\n    "bad key!": x\n',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\ndata:\n  "bad key!": x\n',
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\ndata:\n  k: ${nestedArrays(10_000)}\n`,
    nestedYamlBlocks(2_000),
  ];
  const out: HostileRequest[] = [];
  const fixture = ctx.fixtures.ConfigMap;
  for (const doc of documents) {
    for (const name of [fixture.name, ctx.freshName()]) {
      out.push({
        class: 'broken or wrong apply YAML',
        method: 'PATCH',
        path: `${collectionOf('ConfigMap', ctx.namespace)}/${name}?fieldManager=hostile`,
        headers: apply,
        body: doc.replaceAll('NAME', name),
      });
    }
  }
  const good = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\ndata:\n  key: value\n`;
  for (const name of [fixture.name, ctx.freshName()]) {
    const path = `${collectionOf('ConfigMap', ctx.namespace)}/${name}`;
    out.push(
      { class: 'apply without fieldManager', method: 'PATCH', path, headers: apply, body: good.replaceAll('NAME', name) },
      { class: 'apply with an empty fieldManager', method: 'PATCH', path: `${path}?fieldManager=`, headers: apply, body: good.replaceAll('NAME', name) },
      { class: 'apply YAML with bytes that are not UTF-8', method: 'PATCH', path: `${path}?fieldManager=hostile`, headers: apply, body: Buffer.concat([Buffer.from(good.replaceAll('NAME', name)), Buffer.from('  \xff\xfe: \xc3\x28\n', 'latin1')]) },
      { class: 'apply YAML with bytes that are not UTF-8', method: 'PATCH', path: `${path}?fieldManager=hostile`, headers: apply, body: Buffer.from(good.replaceAll('NAME', `${name}\xff`), 'latin1') },
    );
  }
  return out;
}

export function protobufRequests(ctx: HostileContext): HostileRequest[] {
  const out: HostileRequest[] = [];
  const r = ctx.random;
  const valid = (): Uint8Array => protobufEnvelope('v1', 'ConfigMap', protobufConfigMap(ctx.freshName(), ctx.namespace));
  const send = (cls: string, body: Uint8Array, path = collectionOf('ConfigMap', ctx.namespace), method = 'POST'): void => {
    out.push({ class: cls, method, path, headers: protobuf, body });
  };
  for (let i = 0; i < 12; i++) {
    const body = valid();
    body.set(r.bytes(4), 0);
    if (body[3] !== 0) send('protobuf with a bad magic prefix', body);
  }
  send('protobuf with a bad magic prefix', Uint8Array.from([0x6b, 0x38, 0x73]));
  send('protobuf with a bad magic prefix', Buffer.from(JSON.stringify(validBody('ConfigMap', ctx.freshName(), ctx.namespace))));
  for (let i = 0; i < 25; i++) {
    const body = valid();
    send('truncated protobuf', body.subarray(0, 5 + r.int(body.length - 6)));
  }
  for (let i = 0; i < 40; i++) send('random bytes after the protobuf magic', Uint8Array.from([...protobufMagic, ...r.bytes(1 + r.int(200))]));
  const cm = protobufConfigMap(ctx.freshName(), ctx.namespace);
  for (const [apiVersion, kind] of [['v1', 'Secret'], ['apps/v1', 'ConfigMap'], ['v1', ''], ['', 'ConfigMap'], ['v1/extra/parts', 'ConfigMap'], ['v9', 'ConfigMap'], ['v1', 'NoSuchKind'], ['apps/v1', 'Deployment']] as const) {
    send('protobuf envelope of the wrong kind', protobufEnvelope(apiVersion, kind, protobufConfigMap(ctx.freshName(), ctx.namespace)));
  }
  send('protobuf envelope with a content encoding', protobufEnvelope('v1', 'ConfigMap', cm, stringField(3, 'gzip')));
  send('protobuf envelope with a JSON content type', protobufEnvelope('v1', 'ConfigMap', [...Buffer.from('{}')], stringField(4, 'application/json')));
  send('protobuf raw that is JSON', protobufEnvelope('v1', 'ConfigMap', [...Buffer.from(JSON.stringify(validBody('ConfigMap', ctx.freshName(), ctx.namespace)))]));
  // Wire-level defects inside an otherwise valid envelope.
  const wire: Array<[string, number[]]> = [
    ['varint longer than 10 bytes', [0x08, ...new Array<number>(11).fill(0xff), 0x01]],
    ['length beyond the end', [0x0a, 0xff, 0xff, 0x03, 0x01]],
    ['field number zero', [0x02, 0x01, 0x61]],
    ['start-group wire type', [0x0b, 0x0a, 0x01, 0x61, 0x0c]],
    ['metadata as a varint', [0x08, 0x05]],
    ['name as a fixed64', [...lengthField(1, [0x09, 1, 2, 3, 4, 5, 6, 7, 8])]],
    ['negative length', [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]],
    ['labels map entry of the wrong wire type', [...lengthField(1, [...stringField(1, 'x'), 0x58, 0x01])]],
    ['name that is not UTF-8', [...lengthField(1, [0x0a, 0x02, 0xff, 0xfe])]],
  ];
  for (const [what, raw] of wire) send(`protobuf wire defect: ${what}`, protobufEnvelope('v1', 'ConfigMap', raw));
  send('protobuf with an invalid name', protobufEnvelope('v1', 'ConfigMap', protobufConfigMap('Not_A_Name', ctx.namespace)));
  send('protobuf with a namespace other than the URL', protobufEnvelope('v1', 'ConfigMap', protobufConfigMap(ctx.freshName(), 'default')));
  const fixture = ctx.fixtures.ConfigMap;
  for (let i = 0; i < 6; i++) send('broken protobuf update', Uint8Array.from([...protobufMagic, ...r.bytes(1 + r.int(64))]), fixture.path, 'PUT');
  send('protobuf update of the wrong kind', protobufEnvelope('v1', 'Secret', protobufConfigMap(fixture.name, ctx.namespace)), fixture.path, 'PUT');
  return out;
}

export function wrongKindRequests(ctx: HostileContext): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const target of kinds) {
    for (const other of kinds) {
      if (other === target) continue;
      out.push(post(ctx, target, 'body of another kind', JSON.stringify(validBody(other, ctx.freshName(), ctx.namespace))));
      out.push({ class: 'body of another kind', method: 'PUT', path: ctx.fixtures[target].path, headers: json, body: JSON.stringify({ ...validBody(other, ctx.fixtures[target].name, ctx.namespace) }) });
    }
    const apiVersions = target === 'Deployment' ? ['v1', 'apps/v2', 'apps/v1beta1', 'extensions/v1beta1', 'APPS/V1', 'apps/v1/x', 'batch/v1'] : ['v2', 'apps/v1', 'V1', 'core/v1', 'v1/x', 'v1beta1', '/v1'];
    for (const apiVersion of [...apiVersions, 1, true, { v: 1 }, ['v1']]) {
      out.push(post(ctx, target, 'wrong apiVersion for the URL', JSON.stringify({ ...validBody(target, ctx.freshName(), ctx.namespace), apiVersion })));
    }
    for (const kind of [target.toLowerCase(), `${target}List`, 'Status', 'Secret', 'Namespace', 'Scale', 7, { kind: target }]) {
      out.push(post(ctx, target, 'wrong kind for the URL', JSON.stringify({ ...validBody(target, ctx.freshName(), ctx.namespace), kind })));
      out.push({ class: 'wrong kind for the URL', method: 'PUT', path: ctx.fixtures[target].path, headers: json, body: JSON.stringify({ ...edited(ctx.fixtures[target]), kind }) });
    }
  }
  return out;
}

export function oversizeRequests(ctx: HostileContext): HostileRequest[] {
  const big = (bytes: number): string => JSON.stringify({ ...validBody('ConfigMap', ctx.freshName(), ctx.namespace), data: { big: 'x'.repeat(bytes) } });
  const fixture = ctx.fixtures.ConfigMap;
  const expect = [413];
  const chunked = { ...json, 'transfer-encoding': 'chunked' };
  return [
    { class: 'body over 3 MiB', expect, method: 'POST', path: collectionOf('ConfigMap', ctx.namespace), headers: json, body: big(3 * MiB + 1) },
    { class: 'body over 3 MiB', expect, method: 'POST', path: collectionOf('ConfigMap', ctx.namespace), headers: json, body: big(6 * MiB) },
    { class: 'body over 3 MiB', expect, method: 'PUT', path: fixture.path, headers: json, body: big(3 * MiB + 100) },
    { class: 'body over 3 MiB', expect, method: 'PATCH', path: fixture.path, headers: merge, body: `{"data":{"big":"${'y'.repeat(3 * MiB)}"}}` },
    { class: 'body over 3 MiB', expect, method: 'PATCH', path: `${fixture.path}?fieldManager=hostile`, headers: apply, body: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${fixture.name}\ndata:\n  big: ${'z'.repeat(3 * MiB)}\n` },
    { class: 'body over 3 MiB', expect, method: 'POST', path: collectionOf('ConfigMap', ctx.namespace), headers: protobuf, body: protobufEnvelope('v1', 'ConfigMap', [...lengthField(1, stringField(1, 'x'.repeat(3 * MiB)))]) },
    { class: 'body over 3 MiB', expect, method: 'DELETE', path: fixture.path, headers: json, body: `{"kind":"DeleteOptions","apiVersion":"v1","pad":"${'p'.repeat(3 * MiB)}"}` },
    { class: 'chunked body over 3 MiB', expect, method: 'POST', path: collectionOf('ConfigMap', ctx.namespace), headers: chunked, body: big(4 * MiB) },
    { class: 'chunked body over 3 MiB', expect, method: 'PUT', path: fixture.path, headers: chunked, body: big(3 * MiB + 10) },
    { class: 'chunked body over 3 MiB', expect, method: 'PATCH', path: fixture.path, headers: { ...merge, 'transfer-encoding': 'chunked' }, body: `{"data":{"big":"${'y'.repeat(5 * MiB)}"}}` },
  ];
}

export function deepNestingRequests(ctx: HostileContext): HostileRequest[] {
  const fixture = ctx.fixtures.ConfigMap;
  const deploy = ctx.fixtures.Deployment;
  const inData = (nested: string): string => JSON.stringify({ ...validBody('ConfigMap', ctx.freshName(), ctx.namespace), data: { k: 'PLACEHOLDER' } }).replace('"PLACEHOLDER"', nested);
  const cls = 'JSON nested 10,000 levels';
  return [
    post(ctx, 'ConfigMap', cls, nestedArrays(10_000)),
    post(ctx, 'ConfigMap', cls, nestedObjects(10_000)),
    post(ctx, 'ConfigMap', cls, inData(nestedArrays(10_000))),
    post(ctx, 'ConfigMap', cls, inData(nestedObjects(10_000))),
    post(ctx, 'Deployment', cls, JSON.stringify(validBody('Deployment', ctx.freshName(), ctx.namespace)).replace('"replicas":2', `"replicas":${nestedObjects(10_000)}`)),
    { class: cls, method: 'PUT', path: fixture.path, headers: json, body: inData(nestedArrays(10_000)) },
    { class: cls, method: 'PATCH', path: fixture.path, headers: merge, body: `{"data":${nestedObjects(10_000)}}` },
    { class: cls, method: 'PATCH', path: deploy.path, headers: strategic, body: `{"spec":{"template":${nestedObjects(10_000)}}}` },
    { class: cls, method: 'PATCH', path: fixture.path, headers: jsonPatch, body: `[{"op":"add","path":"/data/x","value":${nestedArrays(10_000)}}]` },
    { class: cls, method: 'PATCH', path: fixture.path, headers: jsonPatch, body: nestedArrays(10_000) },
    { class: cls, method: 'DELETE', path: fixture.path, headers: json, body: `{"preconditions":${nestedObjects(10_000)}}` },
    { class: cls, method: 'POST', path: collectionOf('ConfigMap', ctx.namespace), headers: { 'content-type': 'application/json' }, body: `${'['.repeat(10_000)}` },
    { class: 'YAML nested 10,000 levels', method: 'PATCH', path: `${fixture.path}?fieldManager=hostile`, headers: apply, body: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${fixture.name}\ndata: ${nestedObjects(10_000)}\n` },
    { class: 'YAML nested 10,000 levels', method: 'PATCH', path: `${collectionOf('ConfigMap', ctx.namespace)}/${ctx.freshName()}?fieldManager=hostile`, headers: apply, body: `${'- '.repeat(10_000)}x\n` },
  ];
}
