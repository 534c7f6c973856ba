import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FieldSet } from './field-set.ts';
import { parseElement, pathString, serializeElement } from './path-element.ts';

describe('field sets', () => {
  it('fieldsV1 as clients show it round-trips, with "." after the children', () => {
    const text =
      '{"f:metadata":{"f:annotations":{"f:deployment.kubernetes.io/revision":{},".":{}}},"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{"f:image":{},"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{"f:containerPort":{},".":{}},".":{}},".":{}}}}}}}';
    const set = FieldSet.fromFieldsV1(JSON.parse(text));
    assert.equal(JSON.stringify(set.toFieldsV1()), text);
  });

  it('elements sort fields before keys before values before indexes', () => {
    const set = new FieldSet();
    set.insert([{ index: 0 }]);
    set.insert([{ value: 'a' }]);
    set.insert([{ key: [['name', 'x']] }]);
    set.insert([{ field: 'b' }]);
    set.insert([{ field: 'a' }]);
    assert.deepEqual(Object.keys(set.toFieldsV1()), ['f:a', 'f:b', 'k:{"name":"x"}', 'v:"a"', 'i:0']);
  });

  it('key elements list their fields by name whatever order they were read in', () => {
    const pe = parseElement('k:{"protocol":"TCP","containerPort":80}');
    assert.ok(pe);
    assert.equal(serializeElement(pe), 'k:{"containerPort":80,"protocol":"TCP"}');
    assert.equal(pathString([{ field: 'spec' }, pe]), '.spec[containerPort=80,protocol="TCP"]');
  });

  it('set values are written as Go writes JSON', () => {
    assert.equal(serializeElement({ value: 'a<b' }), 'v:"a\\u003cb"');
  });

  it('difference is path by path: removing a member keeps its children', () => {
    const a = new FieldSet();
    a.insert([{ field: 'x' }]);
    a.insert([{ field: 'x' }, { field: 'y' }]);
    const b = new FieldSet();
    b.insert([{ field: 'x' }]);
    assert.deepEqual(a.difference(b).toFieldsV1(), { 'f:x': { 'f:y': {} } });
    assert.deepEqual(a.intersection(b).toFieldsV1(), { 'f:x': {} });
    assert.deepEqual(b.union(a).toFieldsV1(), { 'f:x': { 'f:y': {}, '.': {} } });
  });

  it('malformed fieldsV1 is rejected and unknown element kinds are skipped', () => {
    assert.throws(() => FieldSet.fromFieldsV1({ 'x': {} }));
    assert.throws(() => FieldSet.fromFieldsV1({ 'f:a': 1 }));
    assert.deepEqual(FieldSet.fromFieldsV1({ 'z:a': {}, 'f:b': {} }).toFieldsV1(), { 'f:b': {} });
  });
});
