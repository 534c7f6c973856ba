import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Json, JsonObject } from '../objects.ts';
import { ApiError } from '../status.ts';
import { applyMergePatch, mergePatchValue } from './merge-patch.ts';

// RFC 7386 appendix A: [original, patch, result].
const rfcExamples: Array<[Json, Json, Json]> = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [['a', 'b'], ['c', 'd'], ['c', 'd']],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

describe('merge patch', () => {
  for (const [index, [original, patch, result]] of rfcExamples.entries()) {
    test(`RFC 7386 example ${index + 1} gives ${JSON.stringify(result)}`, () => {
      assert.deepEqual(mergePatchValue(original, patch), result);
    });
  }

  test('an object patch merges recursively into a copy and leaves the inputs alone', () => {
    const original: JsonObject = { metadata: { labels: { a: '1', b: '2' } }, spec: { list: [1, 2] } };
    const patch: JsonObject = { metadata: { labels: { a: null, c: '3' } }, spec: { list: [3] } };
    const before = structuredClone(original);
    const patchBefore = structuredClone(patch);
    const result = applyMergePatch(original, patch);
    assert.deepEqual(result, { metadata: { labels: { b: '2', c: '3' } }, spec: { list: [3] } });
    assert.deepEqual(original, before);
    assert.deepEqual(patch, patchBefore);
    (result.spec as JsonObject).list = [];
    assert.deepEqual(patch, patchBefore);
  });

  test('a null, string or number patch is a 400 BadRequest', () => {
    for (const patch of [null, 'x', 3, true]) {
      assert.throws(() => applyMergePatch({}, patch), (error: unknown) => error instanceof ApiError && error.code === 400 && error.reason === 'BadRequest');
    }
  });

  test('an array patch replaces the whole object and so is refused with 422 Invalid', () => {
    assert.throws(() => applyMergePatch({ a: 1 }, [1]), (error: unknown) => error instanceof ApiError && error.code === 422 && error.reason === 'Invalid');
  });

  test('a __proto__ key is stored as data and pollutes no prototype', () => {
    const result = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":true},"a":{"__proto__":{"x":1}}}'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(result), ['__proto__', 'a']);
    assert.equal(Object.getPrototypeOf(result), Object.prototype);
  });
});
