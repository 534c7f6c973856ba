import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../objects.ts';
import { ApiError } from '../status.ts';
import { deployment, deploymentDef, resolveFixture } from './fixtures.ts';
import { trackUpdate, type TrackUpdateOptions } from './update.ts';

const NOW = '2025-01-02T03:04:05Z';

function track(previous: JsonObject | null, next: JsonObject, manager: string, extra: Partial<TrackUpdateOptions> = {}): JsonObject {
  return trackUpdate({ previous, next, manager, operation: 'Update', def: deploymentDef, now: NOW, apiVersion: 'apps/v1', resolve: resolveFixture, ...extra });
}

function entries(object: JsonObject): JsonObject[] {
  return ((object.metadata as JsonObject).managedFields ?? []) as JsonObject[];
}

const created = deployment(
  {
    replicas: 1,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] } },
  },
  { labels: { app: 'web' } },
);

describe('managed fields of non-apply requests', () => {
  it('a create records every set field, marking added maps, lists and items but not nested structs', () => {
    const out = track(null, created, 'kubectl-create');
    assert.equal(entries(out).length, 1);
    assert.deepEqual(entries(out)[0]?.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:app': {}, '.': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:strategy': { 'f:rollingUpdate': { 'f:maxSurge': {} }, 'f:type': {} },
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {}, '.': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { 'f:containerPort': {}, '.': {} }, '.': {} },
                '.': {},
              },
              '.': {},
            },
          },
        },
      },
    });
  });

  it('an update moves changed fields to its manager and keeps the rest with the creator', () => {
    const first = track(null, created, 'creator');
    const next = { ...first, metadata: { ...(first.metadata as JsonObject), labels: { app: 'web', tier: 'front' } } };
    const out = track(first, next, 'editor');
    const editor = entries(out).find((e) => e.manager === 'editor');
    assert.deepEqual(editor?.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:tier': {} } } });
    assert.ok(JSON.stringify(entries(out).find((e) => e.manager === 'creator')?.fieldsV1).includes('f:app'));
  });

  it('removed fields leave every entry, and an emptied entry is dropped', () => {
    const first = track(null, deployment({ replicas: 1 }), 'creator');
    const out = track(first, { ...first, spec: {} }, 'editor');
    assert.equal((out.metadata as JsonObject).managedFields, undefined);
  });

  it('a status update records the status subresource and only status fields', () => {
    const first = track(null, created, 'creator');
    const next = { ...first, status: { replicas: 1 } };
    const out = track(first, next, 'controller', { subresource: 'status' });
    const entry = entries(out).find((e) => e.manager === 'controller');
    assert.deepEqual(entry, {
      manager: 'controller',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: NOW,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { 'f:replicas': {}, '.': {} } },
      subresource: 'status',
    });
  });

  it('a main-resource update does not record status fields', () => {
    const out = track(null, { ...created, status: { replicas: 1 } }, 'creator');
    assert.ok(!JSON.stringify(entries(out)[0]?.fieldsV1).includes('f:status'));
  });

  it('an update that sends an empty managedFields list resets them', () => {
    const first = track(null, created, 'creator');
    const next = { ...first, metadata: { ...(first.metadata as JsonObject), managedFields: [] } };
    const out = track(first, next, 'editor');
    assert.equal((out.metadata as JsonObject).managedFields, undefined);
  });

  it('an update with unchanged managedFields keeps them and an unchanged object changes nothing', () => {
    const first = track(null, created, 'creator');
    const out = track(first, first, 'editor', { now: '2026-01-01T00:00:00Z' });
    assert.deepEqual(entries(out), entries(first));
  });

  it('entries are ordered Apply first, then by time and manager', () => {
    const managedFields: JsonObject[] = [
      { manager: 'z', operation: 'Update', apiVersion: 'apps/v1', time: '2025-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:paused': {} } } },
      { manager: 'b', operation: 'Update', apiVersion: 'apps/v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
      { manager: 'a', operation: 'Apply', apiVersion: 'apps/v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:x': {} } } } },
    ];
    const stored = deployment({ replicas: 1, paused: true }, { labels: { x: 'y' }, managedFields });
    const out = track(stored, stored, 'noop');
    assert.deepEqual(entries(out).map((e) => e.manager), ['a', 'b', 'z']);
  });

  it('values nested absurdly deep are refused with 400', () => {
    let deep: JsonObject = {};
    for (let i = 0; i < 5000; i++) deep = { x: deep };
    assert.throws(
      () =>
        trackUpdate({
          previous: null,
          next: { ...deployment({}), extra: deep },
          manager: 'm',
          operation: 'Update',
          def: undefined,
          now: NOW,
          apiVersion: 'apps/v1',
        }),
      (error: unknown) => error instanceof ApiError && error.code === 400,
    );
  });
});
