import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findResource, resourceTypes, type ResourceType } from '../../api/resources.ts';
import type { KubeObject } from '../objects.ts';
import { defaultPrinter, printerFor } from './printers.ts';
import { tableRowForWatch, toTable } from './table.ts';

const now = Date.parse('2024-06-01T12:00:00Z');

function type(group: string, version: string, plural: string): ResourceType {
  const found = findResource(group, version, plural);
  assert.ok(found, `${plural} is served`);
  return found;
}

const pods = type('', 'v1', 'pods');
const cm: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'default', uid: 'u1', resourceVersion: '42', creationTimestamp: '2024-06-01T11:59:00Z', labels: { app: 'web' } },
  data: { a: '1' },
};

describe('toTable', () => {
  it('builds a v1 Table with list metadata, column definitions and PartialObjectMetadata rows', () => {
    const table = toTable(type('', 'v1', 'configmaps'), [cm], { now, includeObject: 'Metadata', listMeta: { resourceVersion: '50', continue: 'token', remainingItemCount: 3 } });
    assert.deepEqual(table, {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: '50', continue: 'token', remainingItemCount: 3 },
      columnDefinitions: printerFor({ group: '', kind: 'ConfigMap' }).columns,
      rows: [{ cells: ['settings', 1, '60s'], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata } }],
    });
  });

  it('embeds the full object for includeObject=Object and null for None', () => {
    const full = toTable(type('', 'v1', 'configmaps'), [cm], { now, includeObject: 'Object', listMeta: { resourceVersion: '50' } });
    assert.deepEqual((full.rows as Array<{ object: unknown }>)[0]?.object, cm);
    const none = toTable(type('', 'v1', 'configmaps'), [cm], { now, includeObject: 'None', listMeta: { resourceVersion: '50' } });
    assert.equal((none.rows as Array<{ object: unknown }>)[0]?.object, null);
  });

  it('fills in apiVersion and kind of an embedded object that lacks them', () => {
    const { apiVersion: _a, kind: _k, ...bare } = cm;
    const table = toTable(type('', 'v1', 'configmaps'), [bare], { now, includeObject: 'Object' });
    const object = (table.rows as Array<{ object: { apiVersion: string; kind: string } }>)[0]?.object;
    assert.deepEqual([object?.apiVersion, object?.kind], ['v1', 'ConfigMap']);
  });

  it('a single-object Table takes the object resourceVersion and omits empty list fields', () => {
    const table = toTable(type('', 'v1', 'configmaps'), [cm], { now, includeObject: 'Metadata' });
    assert.deepEqual(table.metadata, { resourceVersion: '42' });
    const empty = toTable(type('', 'v1', 'configmaps'), [], { now, includeObject: 'Metadata', listMeta: { resourceVersion: '7', continue: '' } });
    assert.deepEqual([empty.metadata, empty.rows], [{ resourceVersion: '7' }, []]);
  });

  it('answers in meta.k8s.io/v1beta1 when that version was asked for', () => {
    const table = toTable(type('', 'v1', 'configmaps'), [cm], { now, includeObject: 'Metadata', version: 'v1beta1' });
    assert.equal(table.apiVersion, 'meta.k8s.io/v1beta1');
    assert.equal((table.rows as Array<{ object: { apiVersion: string } }>)[0]?.object.apiVersion, 'meta.k8s.io/v1beta1');
  });

  it('marks finished pods with a Completed row condition', () => {
    const pod: KubeObject = { metadata: { name: 'done', creationTimestamp: '2024-06-01T11:00:00Z' }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Succeeded' } };
    const row = (toTable(pods, [pod], { now, includeObject: 'None' }).rows as Array<{ conditions?: Array<{ type: string; status: string }> }>)[0];
    assert.deepEqual(row?.conditions?.map((c) => [c.type, c.status]), [['Completed', 'True']]);
  });
});

describe('tableRowForWatch', () => {
  it('carries one row, with column definitions only when asked (the first event)', () => {
    const first = tableRowForWatch(type('', 'v1', 'configmaps'), cm, { now, includeObject: 'Metadata', includeColumns: true });
    assert.equal((first.columnDefinitions as unknown[]).length, 3);
    assert.equal((first.rows as unknown[]).length, 1);
    assert.deepEqual(first.metadata, { resourceVersion: '42' });
    const later = tableRowForWatch(type('', 'v1', 'configmaps'), cm, { now, includeObject: 'Metadata', includeColumns: false });
    assert.deepEqual(later.columnDefinitions, []);
    assert.deepEqual((later.rows as Array<{ cells: unknown[] }>)[0]?.cells, ['settings', 1, '60s']);
  });
});

describe('printers for every served kind', () => {
  for (const t of resourceTypes) {
    it(`${t.group || 'core'}/${t.version} ${t.kind} has a printer whose rows fill every column, even for a bare object`, () => {
      const printer = printerFor(t);
      assert.notEqual(printer, defaultPrinter);
      const cells = printer.cells({ metadata: { name: 'bare' } }, now);
      assert.equal(cells.length, printer.columns.length);
      assert.ok(printer.columns.some((c) => c.name === 'Name' && c.format === 'name' && c.type === 'string'));
      for (const c of printer.columns) assert.ok(c.priority === 0 || c.priority === 1);
    });
  }

  it('an unknown kind gets the Name and Created At columns', () => {
    const printer = printerFor({ group: 'example.com', kind: 'Widget' });
    assert.deepEqual(printer.columns.map((c) => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
    assert.deepEqual(printer.cells({ metadata: { name: 'w', creationTimestamp: '2024-01-02T03:04:05Z' } }, now), ['w', '2024-01-02T03:04:05Z']);
  });
});
