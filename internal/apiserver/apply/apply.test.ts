import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Json, JsonObject } from '../objects.ts';
import { ApiError } from '../status.ts';
import { serverSideApply, type ApplyOptions } from './apply.ts';
import { deployment, deploymentDef, resolveFixture } from './fixtures.ts';
import { trackUpdate } from './update.ts';

const NOW = '2025-01-02T03:04:05Z';
const LATER = '2025-01-02T03:05:00Z';

function apply(current: JsonObject | null, applied: JsonObject, manager: string, extra: Partial<ApplyOptions> = {}): JsonObject {
  return serverSideApply({ current, applied, manager, force: false, def: deploymentDef, now: NOW, apiVersion: 'apps/v1', resolve: resolveFixture, ...extra });
}

function entries(object: JsonObject): JsonObject[] {
  const metadata = object.metadata as JsonObject;
  return (metadata.managedFields ?? []) as JsonObject[];
}

function entryOf(object: JsonObject, manager: string): JsonObject | undefined {
  return entries(object).find((e) => e.manager === manager);
}

function spec(object: JsonObject): JsonObject {
  return object.spec as JsonObject;
}

function expectApiError(fn: () => unknown, code: number): ApiError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected ApiError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail('expected an ApiError');
}

const web = deployment({
  replicas: 2,
  selector: { matchLabels: { app: 'web' } },
  template: {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
  },
}, { labels: { app: 'web' } });

describe('server-side apply', () => {
  it('a create by apply records an Apply entry with exactly the applied fields', () => {
    const created = apply(null, web, 'kubectl');
    assert.deepEqual(entries(created).length, 1);
    const entry = entries(created)[0] as JsonObject;
    assert.deepEqual(Object.keys(entry), ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
    assert.equal(entry.manager, 'kubectl');
    assert.equal(entry.operation, 'Apply');
    assert.equal(entry.time, NOW);
    const expected = {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { 'f:containerPort': {}, '.': {} } },
                '.': {},
              },
            },
          },
        },
      },
    };
    assert.equal(JSON.stringify(entry.fieldsV1), JSON.stringify(expected));
    assert.equal(spec(created).replicas, 2);
    assert.equal((created.metadata as JsonObject).name, 'web');
  });

  it('a second manager applying a different value for an owned field gets a 409 naming the field', () => {
    const created = apply(null, web, 'kubectl');
    const error = expectApiError(() => apply(created, deployment({ replicas: 5 }), 'other'), 409);
    assert.equal(error.reason, 'Conflict');
    assert.equal(error.message, 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    assert.deepEqual(error.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas' }]);
  });

  it('several conflicts are listed per manager', () => {
    const created = apply(null, web, 'kubectl');
    const error = expectApiError(() => apply(created, deployment({ replicas: 5 }, { labels: { app: 'x' } }), 'other'), 409);
    assert.equal(error.message, 'Apply failed with 2 conflicts: conflicts with "kubectl":\n- .metadata.labels.app\n- .spec.replicas');
    assert.equal(error.details?.causes?.length, 2);
  });

  it('a forced apply takes ownership of the conflicting field', () => {
    const created = apply(null, web, 'kubectl');
    const forced = apply(created, deployment({ replicas: 5 }), 'other', { force: true });
    assert.equal(spec(forced).replicas, 5);
    assert.deepEqual(entryOf(forced, 'other')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    const first = JSON.stringify(entryOf(forced, 'kubectl')?.fieldsV1);
    assert.ok(!first.includes('f:replicas'), first);
    assert.ok(first.includes('f:selector'), first);
  });

  it('a field the manager stops applying is removed when nobody else owns it', () => {
    const created = apply(null, deployment({ replicas: 2, paused: true }), 'kubectl');
    const next = apply(created, deployment({ replicas: 2 }), 'kubectl');
    assert.equal(Object.hasOwn(spec(next), 'paused'), false);
    assert.equal(spec(next).replicas, 2);
  });

  it('a field the manager stops applying is kept when another manager also owns it', () => {
    const created = apply(null, deployment({ replicas: 2, paused: true }), 'kubectl');
    const shared = apply(created, deployment({ paused: true }), 'other');
    const next = apply(shared, deployment({ replicas: 2 }), 'kubectl');
    assert.equal(spec(next).paused, true);
    assert.deepEqual(entryOf(next, 'other')?.fieldsV1, { 'f:spec': { 'f:paused': {} } });
  });

  it('a dropped list item is removed, and a struct left without fields goes with it', () => {
    const two = deployment({
      template: { spec: { containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }] } },
      strategy: { type: 'Recreate' },
    });
    const created = apply(null, two, 'kubectl');
    const next = apply(created, deployment({ template: { spec: { containers: [{ name: 'b', image: 'b' }] } } }), 'kubectl');
    const containers = ((spec(next).template as JsonObject).spec as JsonObject).containers as JsonObject[];
    assert.deepEqual(containers.map((c) => c.name), ['b']);
    assert.equal(Object.hasOwn(spec(next), 'strategy'), false);
  });

  it('two appliers setting the same value share the field without conflict', () => {
    const created = apply(null, web, 'kubectl');
    const shared = apply(created, deployment({ replicas: 2 }), 'other');
    assert.deepEqual(entryOf(shared, 'other')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    assert.ok(JSON.stringify(entryOf(shared, 'kubectl')?.fieldsV1).includes('f:replicas'));
  });

  it('a non-apply update takes ownership, and the applier then conflicts with it', () => {
    const created = apply(null, web, 'kubectl');
    const edited = trackUpdate({
      previous: created,
      next: { ...created, spec: { ...spec(created), replicas: 3 } },
      manager: 'kubectl-edit',
      operation: 'Update',
      def: deploymentDef,
      now: LATER,
      apiVersion: 'apps/v1',
      resolve: resolveFixture,
    });
    assert.deepEqual(entryOf(edited, 'kubectl-edit'), {
      manager: 'kubectl-edit',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: LATER,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    assert.deepEqual(entries(edited).map((e) => e.operation), ['Apply', 'Update']);
    assert.ok(!JSON.stringify(entryOf(edited, 'kubectl')?.fieldsV1).includes('f:replicas'));
    const error = expectApiError(() => apply(edited, web, 'kubectl'), 409);
    assert.equal(error.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas');
  });

  it('set lists merge by value and each manager owns its own values', () => {
    const a = apply(null, deployment({}, { finalizers: ['example.com/a'] }), 'a');
    const both = apply(a, deployment({}, { finalizers: ['example.com/b'] }), 'b');
    assert.deepEqual((both.metadata as JsonObject).finalizers, ['example.com/a', 'example.com/b']);
    assert.deepEqual(entryOf(both, 'b')?.fieldsV1, { 'f:metadata': { 'f:finalizers': { 'v:"example.com/b"': {} } } });
    const dropped = apply(both, deployment({ replicas: 1 }), 'a');
    assert.deepEqual((dropped.metadata as JsonObject).finalizers, ['example.com/b']);
  });

  it('atomic lists are owned and replaced as a whole', () => {
    const withArgs = deployment({ template: { spec: { containers: [{ name: 'c', args: ['x', 'y'] }] } } });
    const created = apply(null, withArgs, 'a');
    const other = deployment({ template: { spec: { containers: [{ name: 'c', args: ['z'] }] } } });
    const error = expectApiError(() => apply(created, other, 'b'), 409);
    assert.equal(error.details?.causes?.[0]?.field, '.spec.template.spec.containers[name="c"].args');
    const forced = apply(created, other, 'b', { force: true });
    const container = (((spec(forced).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0];
    assert.deepEqual(container?.args, ['z']);
  });

  it('keyed list items from two managers are merged and owned separately', () => {
    const a = apply(null, deployment({ template: { spec: { containers: [{ name: 'app', image: 'app' }] } } }), 'a');
    const b = apply(a, deployment({ template: { spec: { containers: [{ name: 'sidecar', image: 'side' }] } } }), 'b');
    const containers = ((spec(b).template as JsonObject).spec as JsonObject).containers as JsonObject[];
    assert.deepEqual(containers.map((c) => c.name), ['app', 'sidecar']);
    assert.ok(JSON.stringify(entryOf(b, 'b')?.fieldsV1).includes('k:{\\"name\\":\\"sidecar\\"}'));
  });

  it('a list with only a patch merge key is merged as a keyed list', () => {
    const env = (name: string, value: string): JsonObject =>
      deployment({ template: { spec: { containers: [{ name: 'c', env: [{ name, value }] }] } } });
    const a = apply(null, env('A', '1'), 'a');
    const b = apply(a, env('B', '2'), 'b');
    const container = (((spec(b).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0];
    assert.deepEqual(container?.env, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  });

  it('an unchanged re-apply keeps the entry time', () => {
    const created = apply(null, web, 'kubectl');
    const again = apply(created, web, 'kubectl', { now: LATER });
    assert.equal(entryOf(again, 'kubectl')?.time, NOW);
  });

  it('server-set metadata comes from the stored object, not the configuration', () => {
    const stored = { ...apply(null, web, 'kubectl'), metadata: { ...(apply(null, web, 'kubectl').metadata as JsonObject), uid: 'u1', generation: 4 } };
    const next = apply(stored, deployment({ replicas: 2 }, { generation: 99 }), 'kubectl');
    assert.equal((next.metadata as JsonObject).uid, 'u1');
    assert.equal((next.metadata as JsonObject).generation, 4);
  });

  it('an object without managed fields attributes its fields to before-first-apply', () => {
    const stored: JsonObject = { ...web, spec: { ...spec(web), paused: true } };
    const error = expectApiError(() => apply(stored, deployment({ paused: false }), 'new'), 409);
    assert.match(error.message, /"before-first-apply" using apps\/v1: \.spec\.paused/);
  });

  it('malformed configurations are refused with 400', () => {
    const cases: [string, JsonObject][] = [
      ['no kind', { apiVersion: 'apps/v1', metadata: { name: 'web' } }],
      ['wrong version', { apiVersion: 'apps/v2', kind: 'Deployment', metadata: { name: 'web' } }],
      ['no name', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: {} }],
      ['managed fields', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', managedFields: [] } }],
      ['unknown field', deployment({ replica: 1 })],
      ['wrong scalar type', deployment({ replicas: 'two' })],
      ['missing key', deployment({ template: { spec: { containers: [{ image: 'x' }] } } })],
      ['duplicate key', deployment({ template: { spec: { containers: [{ name: 'x' }, { name: 'x' }] } } })],
    ];
    for (const [why, body] of cases) {
      const error = expectApiError(() => apply(null, body, 'kubectl'), 400);
      assert.ok(error.message.length > 0, why);
    }
    const unknown = expectApiError(() => apply(null, deployment({ replica: 1 }), 'kubectl'), 400);
    assert.equal(unknown.message, 'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.replica: field not declared in schema');
  });

  it('a configuration naming another object or resource version is refused', () => {
    const created = { ...apply(null, web, 'kubectl') };
    created.metadata = { ...(created.metadata as JsonObject), resourceVersion: '7' };
    expectApiError(() => apply(created, { ...web, metadata: { name: 'other' } }, 'kubectl'), 400);
    expectApiError(() => apply(created, deployment({}, { resourceVersion: '6' }), 'kubectl'), 409);
    assert.ok(apply(created, deployment({}, { resourceVersion: '7' }), 'kubectl'));
  });

  it('status in a main-resource apply is not owned', () => {
    const created = apply(null, { ...web, status: { replicas: 3 } as Json }, 'kubectl');
    assert.ok(!JSON.stringify(entryOf(created, 'kubectl')?.fieldsV1).includes('f:status'));
  });
});
