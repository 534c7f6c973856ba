/**
 * dist/skiff under well over a thousand malformed and hostile requests over real HTTPS with
 * the admin certificate. Every one must get a 4xx answer whose body is a Status with the
 * same code, the server must keep serving, and stored data must not change. The requests
 * come from a seeded PRNG, so a failure reproduces with the same seed.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Agent } from 'node:https';
import { apiVersionOf, resourceTypes } from '../internal/api/resources.ts';
import { adminCredentials, startSkiffServer, type SkiffServer } from './support/skiff-server.ts';
import { jsonBody, rawAgent, rawRequest, type RawResponse } from './support/raw-https.ts';
import { collectionOf, protobufConfigMap, protobufEnvelope, Random, validBody, type JsonMap } from './support/hostile-bodies.ts';
import {
  brokenJsonRequests,
  brokenYamlRequests,
  deepNestingRequests,
  kinds,
  oversizeRequests,
  protobufRequests,
  wrongKindRequests,
  type Fixture,
  type HostileContext,
  type HostileRequest,
} from './support/hostile-requests.ts';
import { badNameRequests, namespaceMismatchRequests, staleResourceVersionRequests, strictFieldRequests, wrongTypeRequests } from './support/hostile-objects.ts';
import {
  badDeleteRequests,
  badPatchRequests,
  badQueryRequests,
  encodedPathRequests,
  hugeNumberRequests,
  nonUtf8Requests,
  unacceptableAcceptRequests,
  unsupportedMediaTypeRequests,
  unsupportedMethodRequests,
} from './support/hostile-queries.ts';

const seed = Number(process.env.SKIFF_HOSTILE_SEED ?? 20261123);
/** Where to write every wrong answer as JSON lines, for a full picture beyond the assertion's samples. */
const reportFile = process.env.SKIFF_HOSTILE_REPORT;
const namespace = 'hostile';
const concurrency = 8;
const json = { 'content-type': 'application/json' };

/** Every stored object as `apiVersion/plural ns/name@rv`, and the highest resourceVersion seen. */
interface Snapshot {
  objects: string[];
  revision: number;
}

interface Failure {
  request: HostileRequest;
  problem: string;
}

describe('the API server under malformed and hostile requests', () => {
  let server: SkiffServer;
  let agent: Agent;
  let before_: Snapshot;
  const fixtures = {} as Record<(typeof kinds)[number], Fixture>;
  let continueToken = '';

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = json): Promise<RawResponse> =>
    rawRequest(server.url, agent, { method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });

  const snapshot = async (): Promise<Snapshot> => {
    const objects: string[] = [];
    let revision = 0;
    for (const type of resourceTypes) {
      const path = type.group === '' ? `/api/v1/${type.plural}` : `/apis/${type.group}/${type.version}/${type.plural}`;
      const response = await call('GET', path);
      assert.equal(response.status, 200, `GET ${path}: ${response.body.toString()}`);
      const list = jsonBody(response) as { metadata: { resourceVersion: string }; items: Array<{ metadata: { namespace?: string; name: string; resourceVersion: string } }> };
      revision = Math.max(revision, Number(list.metadata.resourceVersion));
      for (const item of list.items) objects.push(`${apiVersionOf(type)}/${type.plural} ${item.metadata.namespace ?? ''}/${item.metadata.name}@${item.metadata.resourceVersion}`);
    }
    return { objects: objects.sort(), revision };
  };

  before(async () => {
    // Without controllers, nothing but the requests here writes: stored data must stay as it was.
    server = await startSkiffServer(undefined, ['--disable-scheduler', '--disable-controller-manager']);
    agent = rawAgent(adminCredentials(server.kubeconfig), { maxSockets: concurrency });
    assert.equal((await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })).status, 201);
    for (const kind of kinds) {
      const name = `fixture-${kind.toLowerCase()}`;
      const created = await call('POST', collectionOf(kind, namespace), validBody(kind, name, namespace));
      assert.equal(created.status, 201, created.body.toString());
      const staleRv = (jsonBody(created) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
      const path = `${collectionOf(kind, namespace)}/${name}`;
      // A second version, so that the first one is stale.
      const patched = await call('PATCH', path, { metadata: { labels: { round: '2' } } }, { 'content-type': 'application/merge-patch+json' });
      assert.equal(patched.status, 200, patched.body.toString());
      fixtures[kind] = { kind, name, path, object: jsonBody(patched) as JsonMap, staleRv };
    }
    assert.equal((await call('POST', collectionOf('ConfigMap', namespace), validBody('ConfigMap', 'second', namespace))).status, 201);
    const page = jsonBody(await call('GET', `${collectionOf('ConfigMap', namespace)}?limit=1`)) as { metadata: { continue?: string } };
    continueToken = page.metadata.continue ?? '';
    assert.notEqual(continueToken, '', 'a list of two with limit=1 has a continue token');
    before_ = await snapshot();
  });
  after(async () => {
    agent?.destroy();
    await server?.close();
  });

  it('accepts the valid versions of the corrupted bodies (as dry runs), so each corruption is what is refused', async () => {
    for (const kind of kinds) {
      const response = await call('POST', `${collectionOf(kind, namespace)}?dryRun=All&fieldValidation=Strict`, validBody(kind, `valid-${kind.toLowerCase()}`, namespace));
      assert.equal(response.status, 201, `${kind}: ${response.body.toString()}`);
      const patched = await call('PATCH', `${fixtures[kind].path}?dryRun=All`, [{ op: 'add', path: '/metadata/labels/probe', value: 'yes' }], { 'content-type': 'application/json-patch+json' });
      assert.equal(patched.status, 200, `${kind}: ${patched.body.toString()}`);
      const stale = await call('PUT', `${fixtures[kind].path}?dryRun=All`, fixtures[kind].object);
      assert.equal(stale.status, 200, `${kind} update with the current resourceVersion: ${stale.body.toString()}`);
    }
    const proto = await rawRequest(server.url, agent, {
      method: 'POST',
      path: `${collectionOf('ConfigMap', namespace)}?dryRun=All`,
      headers: { 'content-type': 'application/vnd.kubernetes.protobuf' },
      body: protobufEnvelope('v1', 'ConfigMap', protobufConfigMap('valid-protobuf', namespace)),
    });
    assert.equal(proto.status, 201, proto.body.toString());
    const applied = await rawRequest(server.url, agent, {
      method: 'PATCH',
      path: `${collectionOf('ConfigMap', namespace)}/valid-apply?fieldManager=hostile&dryRun=All`,
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: valid-apply\ndata:\n  key: value\n',
    });
    assert.equal(applied.status, 201, applied.body.toString());
    const listed = await call('GET', `${collectionOf('ConfigMap', namespace)}?labelSelector=${encodeURIComponent('app in (hostile),tier!=db')}&fieldSelector=metadata.name%3Dsecond&limit=5`);
    assert.equal(listed.status, 200, listed.body.toString());
    assert.deepEqual(await snapshot(), before_, 'dry runs change nothing');
  });

  it('takes unknown fields named like Object.prototype members as plain unknown fields (a warning, as any other)', async () => {
    for (const key of ['__proto__', 'constructor']) {
      const body = JSON.stringify(validBody('ConfigMap', 'prototype-named', namespace)).replace('{', `{"${key}":{"prototype":{"polluted":"yes"}},`);
      const response = await rawRequest(server.url, agent, { method: 'POST', path: `${collectionOf('ConfigMap', namespace)}?dryRun=All`, headers: json, body });
      assert.equal(response.status, 201, `${key}: ${response.body.toString()}`);
      const warning = String(response.headers.warning ?? '');
      assert.ok(warning.includes('unknown field') && warning.includes(key), `warning: ${warning}`);
      assert.doesNotMatch(response.body.toString(), /polluted/, 'the unknown field is dropped from the object the server built');
    }
  });

  it('answers every hostile request with a 4xx Status carrying the same code', async (t) => {
    const random = new Random(seed);
    let counter = 0;
    const ctx: HostileContext = { namespace, fixtures, random, freshName: () => `h-${(counter++).toString(36)}` };
    const requests: HostileRequest[] = [
      ...brokenJsonRequests(ctx),
      ...brokenYamlRequests(ctx),
      ...protobufRequests(ctx),
      ...wrongKindRequests(ctx),
      ...oversizeRequests(ctx),
      ...deepNestingRequests(ctx),
      ...badNameRequests(ctx),
      ...strictFieldRequests(ctx),
      ...wrongTypeRequests(ctx),
      ...namespaceMismatchRequests(ctx),
      ...staleResourceVersionRequests(ctx),
      ...badQueryRequests(ctx, continueToken),
      ...badPatchRequests(ctx),
      ...badDeleteRequests(ctx),
      ...unsupportedMediaTypeRequests(ctx),
      ...unsupportedMethodRequests(ctx),
      ...nonUtf8Requests(ctx),
      ...encodedPathRequests(ctx),
      ...hugeNumberRequests(ctx),
      ...unacceptableAcceptRequests(ctx),
    ];
    assert.ok(requests.length >= 1000, `only ${requests.length} requests`);
    // Interleave the classes so that a request which breaks the server shows up in its neighbours.
    for (let i = requests.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [requests[i], requests[j]] = [requests[j] as HostileRequest, requests[i] as HostileRequest];
    }
    const failures: Failure[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const request = requests[next++] as HostileRequest;
        try {
          const response = await rawRequest(server.url, agent, request, request.waitMs ?? 15_000);
          const problem = wrongAnswer(request, response);
          if (problem !== null) failures.push({ request, problem });
        } catch (error) {
          failures.push({ request, problem: `no answer: ${(error as Error).message}` });
        }
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const classes = new Set(requests.map((r) => r.class));
    t.diagnostic(`seed ${seed}: ${requests.length} requests in ${classes.size} classes took ${Date.now() - started} ms; ${failures.length} wrong answers`);
    if (reportFile !== undefined) writeFileSync(reportFile, failures.map((f) => `${JSON.stringify({ ...f.request, body: sampleOf(f.request), problem: f.problem })}\n`).join(''));
    assert.equal(failures.length, 0, describeFailures(requests, failures));
  });

  it('still serves, and stored data is unchanged after the hostile requests', async () => {
    const ready = await call('GET', '/readyz');
    assert.equal(ready.status, 200);
    const list = await call('GET', collectionOf('ConfigMap', namespace));
    assert.equal(list.status, 200);
    const after_ = await snapshot();
    const added = after_.objects.filter((o) => !before_.objects.includes(o));
    const removed = before_.objects.filter((o) => !after_.objects.includes(o));
    assert.deepEqual({ added, removed }, { added: [], removed: [] }, 'objects added, changed (new resourceVersion) or removed');
    assert.equal(after_.revision, before_.revision, 'the highest resourceVersion moved: something was written');
  });
});

/** Why `response` is not an acceptable refusal of `request`, or null when it is. */
function wrongAnswer(request: HostileRequest, response: RawResponse): string | null {
  const text = response.body.toString('utf8');
  const seen = `${response.status}${response.cutOff ? ' (stream still open)' : ''}: ${text.slice(0, 300)}`;
  if (response.status < 400 || response.status >= 500) return seen;
  if (request.expect !== undefined && !request.expect.includes(response.status)) return `expected ${request.expect.join(' or ')}, got ${seen}`;
  const status = jsonBody(response);
  if (typeof status !== 'object' || status === null) return `body is not JSON: ${seen}`;
  const fields = status as Record<string, unknown>;
  if (fields.kind !== 'Status' || fields.apiVersion !== 'v1' || fields.status !== 'Failure') return `body is not a failure Status: ${seen}`;
  if (fields.code !== response.status) return `Status code ${String(fields.code)} differs from HTTP ${response.status}`;
  if (typeof fields.reason !== 'string' || fields.reason === '' || typeof fields.message !== 'string') return `Status lacks reason or message: ${seen}`;
  return null;
}

/** One block per class: how many went wrong, and a few reproducible samples. */
function describeFailures(requests: HostileRequest[], failures: Failure[]): string {
  const byClass = new Map<string, Failure[]>();
  for (const failure of failures) byClass.set(failure.request.class, [...(byClass.get(failure.request.class) ?? []), failure]);
  const lines: string[] = [];
  for (const [cls, list] of [...byClass].sort((a, b) => a[0].localeCompare(b[0]))) {
    lines.push(`${cls}: ${list.length} of ${requests.filter((r) => r.class === cls).length} wrong`);
    for (const { request, problem } of list.slice(0, 3)) {
      lines.push(`  ${request.method} ${request.path.slice(0, 160)} ${JSON.stringify(request.headers ?? {})} ${JSON.stringify(sampleOf(request))}`);
      lines.push(`    → ${problem.slice(0, 300)}`);
    }
  }
  return lines.join('\n');
}

/** The start of a request body as latin1 text (bytes that are not UTF-8 stay visible). */
function sampleOf(request: HostileRequest): string {
  const body = request.body === undefined ? '' : Buffer.from(request.body).toString('latin1');
  return body.length > 160 ? `${body.slice(0, 160)}…(${body.length} bytes)` : body;
}
