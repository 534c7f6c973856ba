/**
 * Hostile requests whose bodies parse but describe an object that must be refused: bad
 * names, unknown fields under Strict validation, values of the wrong type, a namespace other
 * than the URL's, and writes against a resourceVersion that is no longer current.
 */
import { looselyTyped, validBody, valuePaths, withValue, wrongType, type BaseKind, type Json, type JsonMap } from './hostile-bodies.ts';
import { apply, edited, json, jsonPatch, kinds, merge, post, strategic, type HostileContext, type HostileRequest } from './hostile-requests.ts';

const badNames: Record<BaseKind | 'Namespace', string[]> = {
  ConfigMap: ['UPPER', 'has_underscore', '-leading', 'trailing-', 'a'.repeat(254), 'dots..double', 'space name', 'ünïcode', '..', '.', 'emoji-😀', 'nul\u0000byte', 'tab\tname', 'new\nline', 'colon:name', 'a*b', '.leading-dot'],
  Deployment: ['UPPER', 'has_underscore', 'a'.repeat(254), '-x', 'x-', '..', 'a b', 'semi;colon'],
  Service: ['UPPER', 'with.dot', '1starts-with-digit', 'a'.repeat(64), '-x', 'under_score'],
  Pod: ['UPPER', 'a'.repeat(254), '..', 'x/y', 'pct%20', '-x'],
  Namespace: ['with.dot', 'UPPER', 'a'.repeat(64), '-x', 'x-', 'under_score', '..'],
};

export function badNameRequests(ctx: HostileContext): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const kind of kinds) {
    for (const name of badNames[kind]) out.push(post(ctx, kind, `invalid ${kind} name`, JSON.stringify(validBody(kind, name, ctx.namespace))));
    const nameless = validBody(kind, 'x', ctx.namespace);
    out.push(post(ctx, kind, 'empty name', JSON.stringify(withValue(nameless, ['metadata', 'name'], ''))));
    out.push(post(ctx, kind, 'invalid generateName', JSON.stringify(withValue(withValue(nameless, ['metadata', 'name'], ''), ['metadata', 'generateName'], 'UPPER-'))));
    out.push({ class: 'name differs from the URL', method: 'PUT', path: ctx.fixtures[kind].path, headers: json, body: JSON.stringify(withValue(edited(ctx.fixtures[kind]), ['metadata', 'name'], 'another-name')) });
  }
  for (const name of badNames.Namespace) {
    out.push({ class: 'invalid Namespace name', method: 'POST', path: '/api/v1/namespaces', headers: json, body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) });
  }
  return out;
}

export function strictFieldRequests(ctx: HostileContext): HostileRequest[] {
  const out: HostileRequest[] = [];
  const strict = '?fieldValidation=Strict';
  for (const kind of kinds) {
    const base = validBody(kind, ctx.freshName(), ctx.namespace);
    const unknowns: string[][] = [['bogusTopLevel'], ['metadata', 'bogusMeta'], ...(kind === 'ConfigMap' ? [] : [['spec', 'bogusSpec']])];
    if (kind === 'Deployment') unknowns.push(['spec', 'template', 'spec', 'containers', '0', 'bogusContainer'], ['spec', 'selector', 'bogusSelector']);
    if (kind === 'Pod') unknowns.push(['spec', 'containers', '0', 'ports', '0', 'bogusPort']);
    if (kind === 'Service') unknowns.push(['spec', 'ports', '0', 'bogusPort']);
    for (const path of unknowns) {
      out.push(post(ctx, kind, 'unknown field with fieldValidation=Strict', JSON.stringify(withValue(validBody(kind, ctx.freshName(), ctx.namespace), path, 'surprise')), json, strict));
      out.push({ class: 'unknown field with fieldValidation=Strict', method: 'PUT', path: `${ctx.fixtures[kind].path}${strict}`, headers: json, body: JSON.stringify(withValue(edited(ctx.fixtures[kind]), path, 'surprise')) });
    }
    const text = JSON.stringify(base);
    for (const key of ['__proto__', 'constructor']) {
      // Spliced into the text: an object literal would not keep `__proto__` as an own key.
      const body = JSON.stringify(validBody(kind, ctx.freshName(), ctx.namespace)).replace('{', `{"${key}":{"prototype":{"polluted":"yes"}},`);
      out.push(post(ctx, kind, 'unknown field named like an Object.prototype member with fieldValidation=Strict', body, json, strict));
    }
    out.push(post(ctx, kind, 'duplicate field with fieldValidation=Strict', text.replace('"metadata":{', `"metadata":{"name":"${ctx.freshName()}",`), json, strict));
    out.push({ class: 'unknown field with fieldValidation=Strict', method: 'PATCH', path: `${ctx.fixtures[kind].path}${strict}`, headers: merge, body: '{"metadata":{"bogusMeta":"x"},"bogusTopLevel":1}' });
    out.push({ class: 'unknown field with fieldValidation=Strict', method: 'PATCH', path: `${ctx.fixtures[kind].path}${strict}&fieldManager=hostile`, headers: apply, body: `apiVersion: ${String(base.apiVersion)}\nkind: ${kind}\nmetadata:\n  name: ${ctx.fixtures[kind].name}\nbogusTopLevel: 1\n` });
  }
  return out;
}

export function wrongTypeRequests(ctx: HostileContext): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const kind of kinds) {
    const paths = valuePaths(validBody(kind, 'x', ctx.namespace), looselyTyped);
    for (let i = 0; i < 40; i++) {
      const path = ctx.random.pick(paths);
      const body = validBody(kind, ctx.freshName(), ctx.namespace);
      const value = wrongType(pathValue(body, path), ctx.random);
      out.push(post(ctx, kind, `wrong value type in a ${kind}`, JSON.stringify(withValue(body, path, value))));
    }
    for (let i = 0; i < 8; i++) {
      const fixture = ctx.fixtures[kind];
      const base = edited(fixture);
      const path = ctx.random.pick(valuePaths(base, (p) => looselyTyped(p) || p[0] === 'status' || ['uid', 'creationTimestamp', 'generation', 'name', 'namespace'].includes(p.at(-1) ?? '') || p.includes('clusterIP') || p.includes('clusterIPs') || p.includes('ipFamilies')));
      out.push({ class: `wrong value type in a ${kind} update`, method: 'PUT', path: fixture.path, headers: json, body: JSON.stringify(withValue(base, path, wrongType(pathValue(base, path), ctx.random))) });
    }
  }
  const deploy = ctx.fixtures.Deployment;
  const svc = ctx.fixtures.Service;
  out.push(
    post(ctx, 'Deployment', 'wrong value type in a Deployment', JSON.stringify(withValue(validBody('Deployment', ctx.freshName(), ctx.namespace), ['spec', 'replicas'], 'x'))),
    post(ctx, 'Service', 'wrong value type in a Service', JSON.stringify(withValue(validBody('Service', ctx.freshName(), ctx.namespace), ['spec', 'ports'], { port: 80 }))),
    { class: 'wrong value type in a patch', method: 'PATCH', path: deploy.path, headers: merge, body: '{"spec":{"replicas":"x"}}' },
    { class: 'wrong value type in a patch', method: 'PATCH', path: deploy.path, headers: strategic, body: '{"spec":{"replicas":"x"}}' },
    { class: 'wrong value type in a patch', method: 'PATCH', path: svc.path, headers: merge, body: '{"spec":{"ports":{"port":80}}}' },
    { class: 'wrong value type in a patch', method: 'PATCH', path: svc.path, headers: strategic, body: '{"spec":{"ports":{"port":80}}}' },
    { class: 'wrong value type in a patch', method: 'PATCH', path: deploy.path, headers: jsonPatch, body: '[{"op":"replace","path":"/spec/replicas","value":"x"}]' },
    { class: 'wrong value type in a patch', method: 'PATCH', path: ctx.fixtures.ConfigMap.path, headers: merge, body: '{"data":{"key":5}}' },
    { class: 'wrong value type in a patch', method: 'PATCH', path: ctx.fixtures.Pod.path, headers: merge, body: '{"metadata":{"labels":{"a":1}}}' },
    { class: 'wrong value type in a patch', method: 'PATCH', path: ctx.fixtures.Pod.path, headers: strategic, body: '{"metadata":{"annotations":["x"]}}' },
    { class: 'wrong value type in a scale', method: 'PUT', path: `${deploy.path}/scale`, headers: json, body: JSON.stringify({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: deploy.name }, spec: { replicas: 'x' } }) },
    { class: 'wrong value type in a scale', method: 'PATCH', path: `${deploy.path}/scale`, headers: merge, body: '{"spec":{"replicas":"x"}}' },
    { class: 'wrong value type in a scale', method: 'PATCH', path: `${deploy.path}/scale`, headers: merge, body: '{"spec":{"replicas":-3}}' },
  );
  return out;
}

function pathValue(body: JsonMap, path: string[]): Json {
  let node: Json = body;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return null;
    node = Array.isArray(node) ? (node[Number(key)] ?? null) : (node[key] ?? null);
  }
  return node;
}

export function namespaceMismatchRequests(ctx: HostileContext): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const kind of kinds) {
    for (const other of ['default', 'kube-system', 'no-such-namespace']) {
      out.push(post(ctx, kind, 'namespace in the body differs from the URL', JSON.stringify(validBody(kind, ctx.freshName(), other))));
    }
    const fixture = ctx.fixtures[kind];
    out.push(
      { class: 'namespace in the body differs from the URL', method: 'PUT', path: fixture.path, headers: json, body: JSON.stringify(withValue(edited(fixture), ['metadata', 'namespace'], 'default')) },
      { class: 'namespace in the body differs from the URL', method: 'PATCH', path: fixture.path, headers: merge, body: '{"metadata":{"namespace":"default"}}' },
      { class: 'namespace in the body differs from the URL', method: 'PATCH', path: fixture.path, headers: jsonPatch, body: '[{"op":"replace","path":"/metadata/namespace","value":"kube-system"}]' },
      { class: 'namespace in the body differs from the URL', method: 'PATCH', path: `${fixture.path}?fieldManager=hostile`, headers: apply, body: `apiVersion: ${String(fixture.object.apiVersion)}\nkind: ${kind}\nmetadata:\n  name: ${fixture.name}\n  namespace: default\n` },
    );
  }
  return out;
}

export function staleResourceVersionRequests(ctx: HostileContext): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const kind of kinds) {
    const fixture = ctx.fixtures[kind];
    const current = String((fixture.object.metadata as JsonMap).resourceVersion);
    for (const rv of [fixture.staleRv, '1', String(Number(current) - 1), String(Number(current) + 100_000)]) {
      if (rv === current) continue;
      const body = withValue(withValue(edited(fixture), ['metadata', 'resourceVersion'], rv), ['metadata', 'labels', 'changed'], 'yes');
      out.push({ class: 'update with a stale resourceVersion', expect: [409], method: 'PUT', path: fixture.path, headers: json, body: JSON.stringify(body) });
      out.push({ class: 'patch with a stale resourceVersion', expect: [409], method: 'PATCH', path: fixture.path, headers: merge, body: JSON.stringify({ metadata: { resourceVersion: rv, labels: { changed: 'yes' } } }) });
      out.push({ class: 'patch with a stale resourceVersion', expect: [409], method: 'PATCH', path: fixture.path, headers: strategic, body: JSON.stringify({ metadata: { resourceVersion: rv, labels: { changed: 'yes' } } }) });
      out.push({ class: 'delete with a stale resourceVersion precondition', expect: [409], method: 'DELETE', path: fixture.path, headers: json, body: JSON.stringify({ preconditions: { resourceVersion: rv } }) });
      out.push({ class: 'JSON patch whose test of the resourceVersion fails', method: 'PATCH', path: fixture.path, headers: jsonPatch, body: JSON.stringify([{ op: 'test', path: '/metadata/resourceVersion', value: rv }, { op: 'add', path: '/metadata/labels/changed', value: 'yes' }]) });
    }
    out.push({ class: 'delete with a wrong uid precondition', expect: [409], method: 'DELETE', path: fixture.path, headers: json, body: JSON.stringify({ preconditions: { uid: '00000000-0000-0000-0000-000000000000' } }) });
    out.push({ class: 'update that changes the uid', method: 'PUT', path: fixture.path, headers: json, body: JSON.stringify(withValue(edited(fixture), ['metadata', 'uid'], '00000000-0000-0000-0000-000000000001')) });
    out.push({ class: 'update with a resourceVersion that is not a number', method: 'PUT', path: fixture.path, headers: json, body: JSON.stringify(withValue(edited(fixture), ['metadata', 'resourceVersion'], 'not-a-version')) });
    out.push({ class: 'status update with a stale resourceVersion', expect: [409], method: 'PUT', path: `${fixture.path}/status`, headers: json, body: JSON.stringify(withValue(edited(fixture), ['metadata', 'resourceVersion'], fixture.staleRv)) });
  }
  const deploy = ctx.fixtures.Deployment;
  out.push({ class: 'scale update with a stale resourceVersion', expect: [409], method: 'PUT', path: `${deploy.path}/scale`, headers: json, body: JSON.stringify({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: deploy.name, namespace: ctx.namespace, resourceVersion: deploy.staleRv }, spec: { replicas: 5 } }) });
  return out.filter((r) => !(r.path.endsWith('/status') && r.path.includes('/configmaps/')));
}
