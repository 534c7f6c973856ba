import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JsonObject } from '../objects.ts';
import { ApiError } from '../status.ts';
import { applyJsonPatch, maxJsonPatchOperations } from './json-patch.ts';

function failsWith(code: number, reason: string) {
  return (error: unknown) => error instanceof ApiError && error.code === code && error.reason === reason;
}

const pod = (): JsonObject => ({
  metadata: { name: 'p', labels: { app: 'web' } },
  spec: { containers: [{ name: 'a', image: 'one' }], args: ['x', 'y'] },
});

describe('JSON patch', () => {
  test('add, remove, replace, move, copy and test apply in sequence', () => {
    const result = applyJsonPatch(pod(), [
      { op: 'test', path: '/metadata/name', value: 'p' },
      { op: 'add', path: '/metadata/labels/tier', value: 'front' },
      { op: 'replace', path: '/spec/containers/0/image', value: 'two' },
      { op: 'add', path: '/spec/args/-', value: 'z' },
      { op: 'remove', path: '/spec/args/0' },
      { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copy' },
      { op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/moved' },
    ]);
    assert.deepEqual(result, {
      metadata: { name: 'p', labels: { app: 'web', copy: 'web', moved: 'front' } },
      spec: { containers: [{ name: 'a', image: 'two' }], args: ['y', 'z'] },
    });
  });

  test('keys with / and ~ are addressed with ~1 and ~0', () => {
    const result = applyJsonPatch({ metadata: { annotations: {} } }, [
      { op: 'add', path: '/metadata/annotations/example.com~1a~0b', value: 'v' },
    ]);
    assert.deepEqual(result, { metadata: { annotations: { 'example.com/a~b': 'v' } } });
  });

  test('the original object and the patch are not modified', () => {
    const original = pod();
    const before = structuredClone(original);
    const patch = [
      { op: 'add', path: '/spec/extra', value: { nested: { n: 1 } } },
      { op: 'add', path: '/spec/extra/nested/m', value: 2 },
    ];
    const patchBefore = structuredClone(patch);
    const result = applyJsonPatch(original, patch);
    assert.deepEqual(original, before);
    assert.deepEqual(patch, patchBefore);
    assert.deepEqual((result.spec as JsonObject).extra, { nested: { n: 1, m: 2 } });
  });

  test('a null patch changes nothing and an empty one neither', () => {
    assert.deepEqual(applyJsonPatch(pod(), null), pod());
    assert.deepEqual(applyJsonPatch(pod(), []), pod());
  });

  test('a patch that is not a list of objects is a 400 BadRequest', () => {
    for (const patch of [{ op: 'add', path: '/a', value: 1 }, 'x', 1, [1], [['op']], [null]]) {
      assert.throws(() => applyJsonPatch(pod(), patch), failsWith(400, 'BadRequest'), JSON.stringify(patch));
    }
  });

  test('a failed test operation is 422 Invalid with the Kubernetes wording', () => {
    assert.throws(
      () => applyJsonPatch(pod(), [{ op: 'test', path: '/metadata/name', value: 'q' }]),
      (error: unknown) =>
        error instanceof ApiError &&
        error.code === 422 &&
        error.reason === 'Invalid' &&
        error.message === 'the server rejected our request due to an error in our request',
    );
  });

  test('operations on paths that do not exist, unknown ops and missing fields are 422 Invalid', () => {
    const bad = [
      [{ op: 'remove', path: '/spec/missing' }],
      [{ op: 'replace', path: '/nothing/here', value: 1 }],
      [{ op: 'add', path: '/a/b/c', value: 1 }],
      [{ op: 'add', path: '/spec/args/7', value: 'q' }],
      [{ op: 'move', from: '/nope', path: '/x' }],
      [{ op: 'frobnicate', path: '/x' }],
      [{ op: '_get', path: '/metadata' }],
      [{ path: '/x', value: 1 }],
      [{ op: 'add', value: 1 }],
      [{ op: 'add', path: 'no-slash', value: 1 }],
      [{ op: 'add', path: '/x' }],
    ];
    for (const patch of bad) {
      assert.throws(() => applyJsonPatch(pod(), patch), failsWith(422, 'Invalid'), JSON.stringify(patch));
    }
  });

  test('a later failing operation leaves no partial change behind', () => {
    const original = pod();
    assert.throws(() => applyJsonPatch(original, [
      { op: 'add', path: '/metadata/labels/x', value: 'y' },
      { op: 'test', path: '/metadata/name', value: 'other' },
    ]));
    assert.deepEqual(original, pod());
  });

  test('prototype paths are refused with 422 and pollute nothing', () => {
    for (const path of ['/__proto__/polluted', '/constructor/prototype/polluted']) {
      assert.throws(() => applyJsonPatch({}, [{ op: 'add', path, value: true }]), failsWith(422, 'Invalid'));
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('replacing the root with something other than an object is 422 Invalid', () => {
    assert.throws(() => applyJsonPatch(pod(), [{ op: 'replace', path: '', value: [1] }]), failsWith(422, 'Invalid'));
  });

  test(`more than ${maxJsonPatchOperations} operations is 413 RequestEntityTooLarge`, () => {
    const patch = Array.from({ length: maxJsonPatchOperations + 1 }, () => ({ op: 'test', path: '/metadata/name', value: 'p' }));
    assert.throws(() => applyJsonPatch(pod(), patch), failsWith(413, 'RequestEntityTooLarge'));
  });

  test('copies that keep doubling the document are stopped with 422 instead of exhausting memory', () => {
    const patch = [{ op: 'add', path: '/blob', value: 'x'.repeat(1000) }];
    for (let i = 0; i < 60; i++) patch.push({ op: 'copy', from: '', path: `/c${i}` } as never);
    assert.throws(() => applyJsonPatch({}, patch), failsWith(422, 'Invalid'));
  });
});
