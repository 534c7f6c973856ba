/**
 * Hostile requests in the query string, the path, the method and the patch or delete
 * document: selectors, paging and version parameters, patch documents of every type,
 * DeleteOptions, media types, methods, encodings and numbers out of range.
 */
import { collectionOf, validBody, withValue, type BaseKind } from './hostile-bodies.ts';
import { json, jsonPatch, kinds, merge, strategic, type HostileContext, type HostileRequest } from './hostile-requests.ts';

const q = encodeURIComponent;

export function badQueryRequests(ctx: HostileContext, continueToken: string): HostileRequest[] {
  const collections = [collectionOf('ConfigMap', ctx.namespace), '/api/v1/configmaps', collectionOf('Deployment', ctx.namespace), '/api/v1/namespaces'];
  // `a in ()` is valid (it means the empty value), and so is `a=`; neither is here.
  const labelSelectors = ['a=b=c', 'a in (b', 'a in b', 'a notin', '(a)', 'a=b,', ',a=b', 'a!', '!', '=b', 'a b', 'a==b==c', `${'k'.repeat(64)}=v`, `a=${'v'.repeat(64)}`, '-bad/key=v', 'bad..prefix/key=v', 'a=b c', 'a in (b)x', 'a!=b!=c', 'a=b)', 'a=(b'];
  // spec.nodeName is a field label of pods only; none of these collections has it.
  const fieldSelectors = ['metadata.name', '=x', 'metadata.name>x', 'spec.bogus=x', 'spec.nodeName=x', 'metadata.labels=x', 'metadata.name=a=b'];
  const queries: Array<[string, string]> = [
    ...labelSelectors.map((s): [string, string] => ['bad label selector', `labelSelector=${q(s)}`]),
    ...fieldSelectors.map((s): [string, string] => ['bad field selector', `fieldSelector=${q(s)}`]),
    ...['abc', '1.5', '1e3', '99999999999999999999', '%205', '0x10', '1e400'].map((v): [string, string] => ['bad limit', `limit=${v}`]),
    ...['abc', '-1', '1.5', '1e30', '99999999999999999999999', '%201', '0x1'].map((v): [string, string] => ['bad resourceVersion', `resourceVersion=${v}`]),
    ['bad resourceVersionMatch', 'resourceVersion=1&resourceVersionMatch=Bogus'],
    ['bad resourceVersionMatch', 'resourceVersionMatch=Exact'],
    ['bad resourceVersionMatch', 'resourceVersionMatch=NotOlderThan'],
    ...['abc', '1.5', '1e3', '99999999999999999999'].map((v): [string, string] => ['bad timeoutSeconds', `timeoutSeconds=${v}`]),
    ['label selector that is not UTF-8', `labelSelector=a%3D%FF`],
  ];
  // A watch has no pages: only lists (and deletes of collections, which list) read continue.
  const continueTokens = ['garbage', '!!!', Buffer.from('{}').toString('base64url'), Buffer.from('{"rv":-1,"after":"x"}').toString('base64url'), Buffer.from('{"rv":1.5,"after":"x"}').toString('base64url'), 'x'.repeat(5000), `${continueToken}&resourceVersion=1`];
  const out: HostileRequest[] = [];
  for (const [cls, query] of queries) {
    for (const collection of collections) {
      out.push({ class: `${cls} on a list`, method: 'GET', path: `${collection}?${query}` });
      out.push({ class: `${cls} on a watch`, method: 'GET', path: `${collection}?watch=true&${query}`, waitMs: 2_000 });
    }
    out.push({ class: `${cls} on a delete of a collection`, method: 'DELETE', path: `${collectionOf('ConfigMap', ctx.namespace)}?dryRun=All&${query}` });
  }
  for (const token of continueTokens) {
    for (const collection of collections) out.push({ class: 'bad continue token on a list', method: 'GET', path: `${collection}?continue=${token}` });
    out.push({ class: 'bad continue token on a delete of a collection', method: 'DELETE', path: `${collectionOf('ConfigMap', ctx.namespace)}?dryRun=All&continue=${token}` });
  }
  for (const kind of kinds) {
    const body = JSON.stringify(validBody(kind, ctx.freshName(), ctx.namespace));
    const create = (cls: string, query: string): HostileRequest => ({ class: cls, method: 'POST', path: `${collectionOf(kind, ctx.namespace)}?${query}`, headers: json, body });
    out.push(
      create('bad dryRun on a create', 'dryRun=bogus'),
      create('bad dryRun on a create', 'dryRun=all'),
      create('bad dryRun on a create', 'dryRun=true'),
      create('bad fieldValidation on a create', 'fieldValidation=bogus'),
      create('bad fieldManager on a create', `fieldManager=${'m'.repeat(129)}`),
      create('bad fieldManager on a create', 'fieldManager=bad%01manager'),
    );
    const fixture = ctx.fixtures[kind];
    out.push(
      { class: 'bad dryRun on an update', method: 'PUT', path: `${fixture.path}?dryRun=bogus`, headers: json, body: JSON.stringify(fixture.object) },
      { class: 'bad fieldValidation on a patch', method: 'PATCH', path: `${fixture.path}?fieldValidation=sometimes`, headers: merge, body: '{"metadata":{"labels":{"x":"y"}}}' },
    );
  }
  return out;
}

export function badPatchRequests(ctx: HostileContext): HostileRequest[] {
  const jsonPatches = [
    '{}', '"x"', '[{}]', '[1]', '[{"op":"frobnicate","path":"/metadata/labels/a"}]', '[{"path":"/metadata/labels/a","value":"b"}]', '[{"op":"add","value":"b"}]',
    '[{"op":"add","path":"metadata/labels/a","value":"b"}]', '[{"op":"remove","path":"/data/nonexistent"}]', '[{"op":"replace","path":"/spec/nonexistent/deep","value":1}]',
    '[{"op":"add","path":"/spec/template/spec/containers/99","value":{}}]', '[{"op":"move","from":"/nonexistent","path":"/x"}]', '[{"op":"copy","from":"/nonexistent","path":"/x"}]',
    '[{"op":"add","path":"/metadata/labels/a"}]', '[{"op":"test","path":"/metadata/name","value":"wrong"}]', '[{"op":"replace","path":"/metadata/name","value":"renamed"}]',
    '[{"op":"replace","path":"/kind","value":"Secret"}]', '[{"op":"replace","path":"/apiVersion","value":"v9"}]', '[{"op":"remove","path":"/metadata"}]',
    '[{"op":"add","path":"/metadata/labels/a","value":"b"},"not-an-op"]', '[{"op":"add","path":"/spec/replicas/0","value":1}]', '[{"op":"_get","path":"/metadata"}]',
    '[{"op":"add","path":"/__proto__/polluted","value":"yes"}]', '[{"op":"add","path":"/metadata/__proto__/polluted","value":"yes"}]', '[{"op":"replace","path":"/constructor/prototype/polluted","value":1}]',
    '[{"op":"add","path":"/metadata/labels/bad key!","value":"x"}]', '[{"op":"add","path":"/metadata/labels/a","value":"bad value!"}]', '[{"op":"add","path":"/metadata/labels","value":"not-a-map"}]',
    '[{"op":"move","from":"/metadata","path":"/metadata/labels/x"}]', '[{"op":"replace","path":"","value":[]}]', '[{"op":"replace","path":"","value":null}]',
    JSON.stringify(Array.from({ length: 20_000 }, () => ({ op: 'test', path: '/metadata/name', value: 'x' }))),
  ];
  const mergePatches = [
    '[]', '"x"', '1', 'null', '{"metadata":"x"}', '{"metadata":{"name":"renamed"}}', '{"metadata":{"uid":"00000000-0000-0000-0000-000000000009"}}', '{"kind":"Secret"}', '{"apiVersion":"v9"}',
    '{"metadata":null}', '{"metadata":{"labels":{"Bad Key!":"x"}}}', '{"metadata":{"labels":{"a":"bad value!"}}}', '{"metadata":{"annotations":{"__proto__":"x"}}}', '{"metadata":{"labels":"x"}}',
    '{"metadata":{"finalizers":"x"}}', '{"metadata":{"ownerReferences":[{"apiVersion":"v1","kind":"Pod"}]}}',
  ];
  const strategicPatches = ['{"$patch":"bogus"}', '{"metadata":{"labels":{"$patch":"bogus"}}}', '{"metadata":{"$deleteFromPrimitiveList/finalizers":"x"}}', '{"metadata":{"$retainKeys":"x"}}', '[]', '"x"', '{"metadata":{"name":"renamed"}}', '{"metadata":null}', '{"metadata":{"labels":["x"]}}'];
  // Patches of fields only some kinds have go only to those kinds.
  const containerPatches = (path: string[]): string[] =>
    ['"containers":[{"image":"no-name"}]', '"$setElementOrder/containers":"x"', '"containers":{"name":"x"}', '"containers":[{"name":"main","ports":[{"containerPort":"x"}]}]', '"containers":[{"name":"main","$patch":"bogus"}]', '"containers":[{"$patch":"delete"}]'].map(
      (inner) => `${path.map((key) => `{"${key}":`).join('')}{${inner}}${'}'.repeat(path.length)}`,
    );
  const kindPatches: Record<BaseKind, string[]> = {
    ConfigMap: ['{"data":["x"]}', '{"data":{"$patch":"bogus"}}'],
    Deployment: [...containerPatches(['spec', 'template', 'spec']), '{"spec":{"$retainKeys":"x"}}', '{"spec":{"strategy":{"$retainKeys":["rollingUpdate"],"type":"Recreate"}}}'],
    Service: ['{"spec":{"ports":[{"name":"http","port":"x"}]}}', '{"spec":{"ports":[{"$patch":"bogus","port":80}]}}', '{"spec":{"$setElementOrder/ports":"x"}}'],
    Pod: containerPatches(['spec']),
  };
  const out: HostileRequest[] = [];
  for (const kind of kinds) {
    const fixture = ctx.fixtures[kind];
    for (const body of jsonPatches) out.push({ class: 'invalid JSON patch', method: 'PATCH', path: fixture.path, headers: jsonPatch, body });
    for (const body of mergePatches) out.push({ class: 'invalid merge patch', method: 'PATCH', path: fixture.path, headers: merge, body });
    for (const body of [...strategicPatches, ...kindPatches[kind]]) out.push({ class: 'invalid strategic merge patch', method: 'PATCH', path: fixture.path, headers: strategic, body });
    out.push({ class: 'prototype pollution in a strict merge patch', method: 'PATCH', path: `${fixture.path}?fieldValidation=Strict`, headers: merge, body: '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}' });
    for (const type of ['application/json', 'text/plain', 'application/xml', 'application/yaml', 'application/x-www-form-urlencoded', 'application/vnd.kubernetes.protobuf']) {
      out.push({ class: 'patch of an unsupported type', expect: [415], method: 'PATCH', path: `${fixture.path}?dryRun=All`, headers: { 'content-type': type }, body: '{"metadata":{"labels":{"x":"y"}}}' });
    }
    out.push({ class: 'patch of an unsupported type', expect: [415], method: 'PATCH', path: `${fixture.path}?dryRun=All`, body: '{"metadata":{"labels":{"x":"y"}}}' });
  }
  const scale = `${ctx.fixtures.Deployment.path}/scale`;
  for (const body of ['[]', '{"spec":{"replicas":-1}}', '{"spec":{"replicas":1.5}}', '{"spec":"x"}', '{"kind":"Deployment"}']) {
    out.push({ class: 'invalid scale patch', method: 'PATCH', path: scale, headers: merge, body });
  }
  out.push({ class: 'invalid scale patch', method: 'PATCH', path: scale, headers: jsonPatch, body: '[{"op":"replace","path":"/spec/replicas","value":"x"}]' });
  return out;
}

export function badDeleteRequests(ctx: HostileContext): HostileRequest[] {
  const bodies = [
    '[]', '"x"', 'not json', '{"propagationPolicy":"Bogus"}', '{"gracePeriodSeconds":"abc"}', '{"gracePeriodSeconds":1.5}', '{"preconditions":"x"}', '{"preconditions":{"uid":5}}',
    '{"preconditions":{"resourceVersion":5}}', '{"dryRun":["Bogus"]}', '{"dryRun":"All"}', '{"orphanDependents":true,"propagationPolicy":"Background"}', '{"orphanDependents":"yes"}',
    '{"kind":"Pod","apiVersion":"v1"}', '{"gracePeriodSeconds":99999999999999999999}',
  ];
  // Boolean query parameters are true for anything but "", "0" and "false" in Kubernetes: none here.
  const queries = ['propagationPolicy=Bogus', 'gracePeriodSeconds=abc', 'gracePeriodSeconds=1.5', 'gracePeriodSeconds=99999999999999999999', 'dryRun=bogus'];
  const out: HostileRequest[] = [];
  for (const kind of kinds) {
    const fixture = ctx.fixtures[kind];
    for (const body of bodies) out.push({ class: 'invalid DeleteOptions', method: 'DELETE', path: `${fixture.path}?dryRun=All`, headers: json, body });
    for (const query of queries) out.push({ class: 'invalid delete parameters', method: 'DELETE', path: `${fixture.path}?${query}${query.startsWith('dryRun') ? '' : '&dryRun=All'}` });
    out.push({ class: 'DeleteOptions of an unsupported type', expect: [415], method: 'DELETE', path: `${fixture.path}?dryRun=All`, headers: { 'content-type': 'text/plain' }, body: '{"propagationPolicy":"Background"}' });
  }
  for (const body of bodies.slice(0, 6)) out.push({ class: 'invalid DeleteOptions on a collection', method: 'DELETE', path: `${collectionOf('ConfigMap', ctx.namespace)}?dryRun=All`, headers: json, body });
  return out;
}

export function unsupportedMediaTypeRequests(ctx: HostileContext): HostileRequest[] {
  const types = ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/cbor', 'application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml', '*/*', 'application/x-protobuf', 'image/png', 'application/jsonx'];
  const out: HostileRequest[] = [];
  for (const kind of kinds) {
    for (const type of types) {
      out.push({ class: 'create body of an unsupported media type', expect: [415], method: 'POST', path: collectionOf(kind, ctx.namespace), headers: { 'content-type': type }, body: JSON.stringify(validBody(kind, ctx.freshName(), ctx.namespace)) });
    }
    for (const type of types.slice(0, 5)) {
      out.push({ class: 'update body of an unsupported media type', expect: [415], method: 'PUT', path: ctx.fixtures[kind].path, headers: { 'content-type': type }, body: JSON.stringify(ctx.fixtures[kind].object) });
    }
  }
  return out;
}

export function unsupportedMethodRequests(ctx: HostileContext): HostileRequest[] {
  const out: HostileRequest[] = [];
  const expect = [405];
  for (const kind of kinds) {
    const collection = collectionOf(kind, ctx.namespace);
    const item = ctx.fixtures[kind].path;
    const body = JSON.stringify(ctx.fixtures[kind].object);
    out.push(
      { class: 'method not allowed on a collection', expect, method: 'PUT', path: collection, headers: json, body },
      { class: 'method not allowed on a collection', expect, method: 'PATCH', path: collection, headers: merge, body: '{}' },
      { class: 'method not allowed on an object', expect, method: 'POST', path: item, headers: json, body },
      { class: 'method not allowed on a subresource', method: 'POST', path: `${item}/status`, headers: json, body },
      { class: 'method not allowed on a subresource', method: 'DELETE', path: `${item}/status` },
    );
    for (const method of ['OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'COPY', 'LOCK', 'REPORT', 'PURGE', 'SEARCH']) {
      out.push({ class: 'unsupported HTTP method', method, path: item }, { class: 'unsupported HTTP method', method, path: collection });
    }
  }
  const deploy = ctx.fixtures.Deployment.path;
  const pod = ctx.fixtures.Pod.path;
  out.push(
    { class: 'method not allowed on a subresource', expect, method: 'POST', path: `${deploy}/scale`, headers: json, body: '{}' },
    { class: 'method not allowed on a subresource', expect, method: 'DELETE', path: `${deploy}/scale` },
    { class: 'method not allowed on a subresource', expect, method: 'GET', path: `${pod}/binding` },
    { class: 'method not allowed on a subresource', expect, method: 'PUT', path: `${pod}/binding`, headers: json, body: '{}' },
    { class: 'method not allowed on a subresource', expect, method: 'GET', path: `/api/v1/namespaces/${ctx.namespace}/finalize` },
    { class: 'method not allowed on a subresource', expect, method: 'DELETE', path: `/api/v1/namespaces/${ctx.namespace}/finalize` },
    { class: 'method not allowed on a collection', expect, method: 'PUT', path: '/api/v1/namespaces', headers: json, body: '{}' },
    { class: 'method not allowed on discovery', method: 'POST', path: '/api', headers: json, body: '{}' },
    { class: 'method not allowed on discovery', method: 'DELETE', path: '/apis' },
    { class: 'method not allowed on discovery', method: 'PUT', path: '/api/v1', headers: json, body: '{}' },
    { class: 'method not allowed on discovery', method: 'PATCH', path: '/apis/apps/v1', headers: merge, body: '{}' },
    { class: 'method not allowed on discovery', method: 'POST', path: '/openapi/v2', headers: json, body: '{}' },
  );
  return out;
}

export function nonUtf8Requests(ctx: HostileContext): HostileRequest[] {
  const out: HostileRequest[] = [];
  const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
  for (const kind of kinds) {
    const text = JSON.stringify(validBody(kind, 'NAME', ctx.namespace));
    for (const bad of ['\xff\xfe', 'a\xc3\x28b', 'x\xc0\xaf', '\xed\xa0\x80', 'ok\xf8\x88\x80\x80\x80']) {
      out.push({ class: 'name that is not UTF-8', method: 'POST', path: collectionOf(kind, ctx.namespace), headers: json, body: latin1(text.replace('NAME', `${ctx.freshName()}${bad}`)) });
    }
    out.push({ class: 'label key that is not UTF-8', method: 'POST', path: collectionOf(kind, ctx.namespace), headers: json, body: latin1(text.replace('NAME', ctx.freshName()).replace('"tier"', '"ti\xffer"')) });
    out.push({ class: 'kind that is not UTF-8', method: 'POST', path: collectionOf(kind, ctx.namespace), headers: json, body: latin1(text.replace('NAME', ctx.freshName()).replace(`"kind":"${kind}"`, `"kind":"${kind}\xff"`)) });
    out.push({ class: 'JSON structure that is not UTF-8', method: 'POST', path: collectionOf(kind, ctx.namespace), headers: json, body: latin1(text.replace('NAME', ctx.freshName()).replace('{', '{\xff')) });
    out.push({ class: 'UTF-16 body', method: 'POST', path: collectionOf(kind, ctx.namespace), headers: json, body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace('NAME', ctx.freshName()), 'utf16le')]) });
    out.push({ class: 'byte order mark before JSON', method: 'POST', path: collectionOf(kind, ctx.namespace), headers: json, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace('NAME', ctx.freshName()))]) });
    out.push({ class: 'random bytes as JSON', method: 'POST', path: collectionOf(kind, ctx.namespace), headers: json, body: ctx.random.bytes(64 + ctx.random.int(512)) });
  }
  const cm = JSON.stringify(validBody('ConfigMap', 'NAME', ctx.namespace));
  out.push({ class: 'ConfigMap data key that is not UTF-8', method: 'POST', path: collectionOf('ConfigMap', ctx.namespace), headers: json, body: latin1(cm.replace('NAME', ctx.freshName()).replace('"key"', '"k\xffey"')) });
  return out;
}

export function encodedPathRequests(ctx: HostileContext): HostileRequest[] {
  const ns = ctx.namespace;
  const items = [
    `/api/v1/namespaces/${ns}/configmaps/%2e%2e`, `/api/v1/namespaces/${ns}/configmaps/..%2F..%2Fsecrets`, `/api/v1/namespaces/${ns}/configmaps/a%2Fb`, `/api/v1/namespaces/${ns}/configmaps/%00`,
    `/api/v1/namespaces/${ns}/configmaps/%`, `/api/v1/namespaces/${ns}/configmaps/%zz`, `/api/v1/namespaces/${ns}/configmaps/%E0%A4%A`, `/api/v1/namespaces/${ns}/configmaps/%FF`,
    `/api/v1/namespaces/${ns}/configmaps/%252e%252e`, `/api/v1/namespaces/${ns}/configmaps/%2e`, `/api/v1/namespaces/${ns}/configmaps/${'a'.repeat(10_000)}`,
    `/api/v1/namespaces/${ns}/configmaps/${ctx.fixtures.ConfigMap.name}/status/extra`, `/api/v1/namespaces/${ns}/configmaps/${ctx.fixtures.ConfigMap.name}%2Fstatus`,
    `/apis/apps/v1/namespaces/${ns}/deployments/${ctx.fixtures.Deployment.name}/scale%2F..`, `/api/v1/namespaces/%FF/configmaps/x`, `/api/v1/namespaces/%2e%2e/configmaps/x`,
  ];
  const collections = [
    // An encoded slash is a separator to Kubernetes (it routes on the decoded path), so none of these is a valid path after decoding either.
    '/api/v1/namespaces/%2e%2e/pods', '/api/v1/namespaces/%2E%2E/configmaps', '/api/v1/namespaces/.%2e/secrets', '/api/v1/namespaces/%FF/configmaps', '/api/v1/namespaces/%zz/configmaps',
    '/api/v1/namespaces/%/configmaps', '/api/v1/namespaces/kube-system%2F..%2Fhostile/configmaps', '/apis/%2e%2e/v1/pods', '/api/v1/namespaces/..%2Fkube-system/secrets',
  ];
  const out: HostileRequest[] = [];
  for (const path of items) {
    out.push(
      { class: 'encoded or traversing object path', method: 'GET', path },
      { class: 'encoded or traversing object path', method: 'DELETE', path: `${path}${path.includes('?') ? '&' : '?'}dryRun=All` },
      { class: 'encoded or traversing object path', method: 'PUT', path, headers: json, body: JSON.stringify(ctx.fixtures.ConfigMap.object) },
      { class: 'encoded or traversing object path', method: 'PATCH', path, headers: merge, body: '{"metadata":{"labels":{"x":"y"}}}' },
    );
  }
  for (const path of collections) {
    out.push(
      { class: 'encoded or traversing collection path', method: 'GET', path },
      { class: 'encoded or traversing collection path', method: 'GET', path: `${path}?watch=true`, waitMs: 2_000 },
      { class: 'encoded or traversing collection path', method: 'POST', path, headers: json, body: JSON.stringify(validBody('ConfigMap', ctx.freshName(), ctx.namespace)) },
      { class: 'encoded or traversing collection path', method: 'DELETE', path: `${path}?dryRun=All` },
    );
  }
  return out;
}

export function hugeNumberRequests(ctx: HostileContext): HostileRequest[] {
  const cases: Array<[BaseKind, string[], string]> = [
    ['Deployment', ['spec', 'replicas'], '1e400'],
    ['Deployment', ['spec', 'replicas'], '99999999999999999999'],
    ['Deployment', ['spec', 'replicas'], '2147483648'],
    ['Deployment', ['spec', 'replicas'], '-1'],
    ['Deployment', ['spec', 'replicas'], '1.5'],
    ['Deployment', ['spec', 'revisionHistoryLimit'], '-1'],
    ['Deployment', ['spec', 'minReadySeconds'], '-1'],
    ['Deployment', ['spec', 'progressDeadlineSeconds'], '0'],
    ['Deployment', ['spec', 'template', 'spec', 'containers', '0', 'ports', '0', 'containerPort'], '0'],
    ['Deployment', ['spec', 'template', 'spec', 'containers', '0', 'ports', '0', 'containerPort'], '65536'],
    ['Service', ['spec', 'ports', '0', 'port'], '70000'],
    ['Service', ['spec', 'ports', '0', 'port'], '0'],
    ['Service', ['spec', 'ports', '0', 'port'], '-1'],
    ['Service', ['spec', 'ports', '0', 'port'], '1e309'],
    ['Service', ['spec', 'ports', '0', 'port'], '80.5'],
    ['Service', ['spec', 'ports', '0', 'port'], '18446744073709551617'],
    ['Service', ['spec', 'ports', '0', 'nodePort'], '99999'],
    ['Pod', ['spec', 'terminationGracePeriodSeconds'], '1e400'],
    ['Pod', ['spec', 'terminationGracePeriodSeconds'], '-1'],
    ['Pod', ['spec', 'activeDeadlineSeconds'], '0'],
    ['Pod', ['spec', 'activeDeadlineSeconds'], '9223372036854775808'],
    ['Pod', ['spec', 'containers', '0', 'ports', '0', 'containerPort'], '-80'],
    ['Pod', ['spec', 'priority'], '1e20'],
  ];
  return cases.map(([kind, path, literal]) => {
    const body = JSON.stringify(withValue(validBody(kind, ctx.freshName(), ctx.namespace), path, 'HUGE_NUMBER')).replace('"HUGE_NUMBER"', literal);
    return { class: `number out of range in a ${kind}`, method: 'POST', path: collectionOf(kind, ctx.namespace), headers: json, body };
  });
}

export function unacceptableAcceptRequests(ctx: HostileContext): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const accept of ['application/xml', 'text/html', 'image/png']) {
    for (const path of [collectionOf('ConfigMap', ctx.namespace), ctx.fixtures.ConfigMap.path, ctx.fixtures.Deployment.path]) {
      out.push({ class: 'response media type that cannot be served', expect: [406], method: 'GET', path, headers: { accept } });
    }
  }
  return out;
}
