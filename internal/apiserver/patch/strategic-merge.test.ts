import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JsonObject } from '../objects.ts';
import { ApiError } from '../status.ts';
import { fixtureDef, fixtureLookup } from './fixture-types.ts';
import { applyStrategicMergePatch } from './strategic-merge.ts';

const deployment = fixtureDef('test.Deployment');

function smp(original: JsonObject, patch: JsonObject): JsonObject {
  return applyStrategicMergePatch(original, patch, deployment, fixtureLookup);
}

function podSpec(spec: JsonObject): JsonObject {
  return { spec: { template: { spec } } };
}

function containersOf(object: JsonObject): unknown {
  return (((object.spec as JsonObject).template as JsonObject).spec as JsonObject).containers;
}

function failsWith(code: number) {
  return (error: unknown) => error instanceof ApiError && error.code === code;
}

describe('strategic merge patch', () => {
  test('$setElementOrder keeps both containers in order while one is changed', () => {
    const original = podSpec({ containers: [{ name: 'a', image: 'one' }, { name: 'b', image: 'two' }] });
    const result = smp(original, podSpec({
      '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
      containers: [{ name: 'b', image: 'x' }],
    }));
    assert.deepEqual(containersOf(result), [{ name: 'a', image: 'one' }, { name: 'b', image: 'x' }]);
  });

  test('$setElementOrder reorders a list and places a new item where it says', () => {
    const original = podSpec({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    const result = smp(original, podSpec({
      '$setElementOrder/containers': [{ name: 'c' }, { name: 'new' }, { name: 'a' }, { name: 'b' }],
      containers: [{ name: 'new', image: 'n' }],
    }));
    assert.deepEqual(containersOf(result), [{ name: 'c' }, { name: 'new', image: 'n' }, { name: 'a' }, { name: 'b' }]);
  });

  test('$setElementOrder orders a primitive list too', () => {
    const result = smp({ metadata: { finalizers: ['a', 'b', 'c'] } }, { metadata: { '$setElementOrder/finalizers': ['c', 'a', 'b'] } });
    assert.deepEqual(result, { metadata: { finalizers: ['c', 'a', 'b'] } });
  });

  test('a patch list out of the order of its $setElementOrder list is a 400', () => {
    const original = podSpec({ containers: [{ name: 'a' }, { name: 'b' }] });
    assert.throws(() => smp(original, podSpec({
      '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
      containers: [{ name: 'b', image: 'x' }, { name: 'a', image: 'y' }],
    })), failsWith(400));
  });

  test('$patch: delete in an element removes the container with that name', () => {
    const original = podSpec({ containers: [{ name: 'a', image: 'one' }, { name: 'b', image: 'two' }] });
    const result = smp(original, podSpec({ containers: [{ name: 'a', $patch: 'delete' }] }));
    assert.deepEqual(containersOf(result), [{ name: 'b', image: 'two' }]);
  });

  test('$patch: replace in an element replaces the whole list', () => {
    const original = podSpec({ containers: [{ name: 'a', image: 'one' }, { name: 'b', image: 'two' }] });
    const result = smp(original, podSpec({ containers: [{ name: 'c', image: 'three' }, { $patch: 'replace' }] }));
    assert.deepEqual(containersOf(result), [{ name: 'c', image: 'three' }]);
  });

  test('env is merged by name: changed, added and kept variables', () => {
    const original = podSpec({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] }] });
    const result = smp(original, podSpec({ containers: [{ name: 'a', env: [{ name: 'Y', value: '20' }, { name: 'Z', value: '3' }] }] }));
    // Without $setElementOrder, patched items follow the patch order and server-only items
    // keep their place before the first patched item they preceded, as upstream orders them.
    assert.deepEqual(containersOf(result), [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '20' }, { name: 'Z', value: '3' }] }]);
  });

  test('a new element without $setElementOrder goes before the existing ones, as upstream places it', () => {
    const original = podSpec({ containers: [{ name: 'a' }, { name: 'b' }] });
    const result = smp(original, podSpec({ containers: [{ name: 'c' }] }));
    assert.deepEqual(containersOf(result), [{ name: 'c' }, { name: 'a' }, { name: 'b' }]);
  });

  test('ports are merged by containerPort', () => {
    const original = podSpec({ containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] });
    const result = smp(original, podSpec({
      containers: [{ name: 'a', '$setElementOrder/ports': [{ containerPort: 80 }, { containerPort: 443 }, { containerPort: 8080 }], ports: [{ containerPort: 443, name: 'https' }, { containerPort: 8080 }] }],
    }));
    assert.deepEqual(containersOf(result), [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }, { containerPort: 8080 }] }]);
  });

  test('a list without merge strategy is replaced', () => {
    const original = podSpec({ containers: [{ name: 'a', args: ['x', 'y'] }], tolerations: [{ key: 'k' }] });
    const result = smp(original, podSpec({ containers: [{ name: 'a', args: ['z'] }], tolerations: [{ key: 'j', effect: null }] }));
    assert.deepEqual(result, podSpec({ containers: [{ name: 'a', args: ['z'] }], tolerations: [{ key: 'j' }] }));
  });

  test('$retainKeys on the strategy drops rollingUpdate when switching to Recreate', () => {
    const original = { spec: { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } } };
    const result = smp(original, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
    assert.deepEqual(result, { spec: { replicas: 2, strategy: { type: 'Recreate' } } });
  });

  test('$retainKeys that leaves out a key the patch sets is a 400', () => {
    const original = { spec: { strategy: { type: 'RollingUpdate' } } };
    assert.throws(() => smp(original, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 1 } } } }), failsWith(400));
    assert.throws(() => smp(original, { spec: { strategy: { $retainKeys: 'type' } } }), failsWith(400));
  });

  test('volumes merge by name and $retainKeys switches a volume source', () => {
    const original = podSpec({ volumes: [{ name: 'data', emptyDir: { medium: 'Memory' } }, { name: 'conf', configMap: { name: 'c' } }] });
    const result = smp(original, podSpec({
      '$setElementOrder/volumes': [{ name: 'data' }, { name: 'conf' }],
      volumes: [{ name: 'data', $retainKeys: ['configMap', 'name'], configMap: { name: 'other' } }],
    }));
    assert.deepEqual(result, podSpec({ volumes: [{ name: 'data', configMap: { name: 'other' } }, { name: 'conf', configMap: { name: 'c' } }] }));
  });

  test('$deleteFromPrimitiveList/finalizers removes the listed values', () => {
    const original = { metadata: { finalizers: ['a', 'b', 'c'] } };
    const result = smp(original, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'zz'] } });
    assert.deepEqual(result, { metadata: { finalizers: ['a', 'c'] } });
  });

  test('a primitive merge list is merged as a set', () => {
    const result = smp({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['b', 'c', 'c'] } });
    assert.deepEqual(result, { metadata: { finalizers: ['a', 'b', 'c'] } });
  });

  test('a null label removes it and other labels stay', () => {
    const result = smp({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { a: null, c: '3' } } });
    assert.deepEqual(result, { metadata: { labels: { b: '2', c: '3' } } });
  });

  test('$patch: replace on a map replaces it and $patch: delete empties it', () => {
    const original = { metadata: { labels: { a: '1', b: '2' }, annotations: { x: 'y' } } };
    const result = smp(original, { metadata: { labels: { $patch: 'replace', c: '3' }, annotations: { $patch: 'delete' } } });
    assert.deepEqual(result, { metadata: { labels: { c: '3' }, annotations: {} } });
  });

  test('fields the model does not describe merge like a merge patch', () => {
    const original = { spec: { extra: { a: 1, list: [1, 2] } }, status: { x: 1 } };
    const result = smp(original, { spec: { extra: { b: 2, list: [3] } }, status: { x: null, y: 2 } });
    assert.deepEqual(result, { spec: { extra: { a: 1, b: 2, list: [3] } }, status: { y: 2 } });
    const untyped = applyStrategicMergePatch({ a: { b: 1 }, l: [1] }, { a: { c: 2 }, l: [2] }, undefined);
    assert.deepEqual(untyped, { a: { b: 1, c: 2 }, l: [2] });
  });

  test('directives in a part of the patch with nothing to merge into are carried out, not stored', () => {
    const result = smp({}, podSpec({
      '$setElementOrder/containers': [{ name: 'a' }],
      containers: [{ name: 'a', env: [{ name: 'gone', $patch: 'delete' }, { name: 'X', value: null }] }],
    }));
    assert.deepEqual(result, podSpec({ containers: [{ name: 'a', env: [{ name: 'X' }] }] }));
  });

  test('the original object and the patch are not modified, even deep down', () => {
    const original = podSpec({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }], volumes: [{ name: 'v', emptyDir: {} }] });
    const patch = podSpec({ containers: [{ name: 'a', env: [{ name: 'X', value: '2' }] }, { name: 'b' }], volumes: [{ name: 'v', $patch: 'delete' }] });
    const before = structuredClone(original);
    const patchBefore = structuredClone(patch);
    const result = smp(original, patch);
    assert.deepEqual(original, before);
    assert.deepEqual(patch, patchBefore);
    ((containersOf(result) as JsonObject[])[1] as JsonObject).image = 'changed';
    assert.deepEqual(patch, patchBefore);
  });

  test('malformed directives are 400 and lists of lists 422', () => {
    const original = podSpec({ containers: [{ name: 'a' }] });
    const cases: Array<[JsonObject, number]> = [
      [{ metadata: { $patch: 'explode' } }, 400],
      [podSpec({ containers: [{ name: 'a', $patch: 'merge' }] }), 400],
      [podSpec({ containers: [{ image: 'no-name' }] }), 400],
      [podSpec({ containers: [{ $patch: 'delete' }] }), 400],
      [podSpec({ containers: ['a-string'] }), 400],
      [podSpec({ containers: [[{ name: 'x' }]] }), 422],
      [{ metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }, 400],
      [{ metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } }, 400],
      [{ metadata: { '$setElementOrder/finalizers': 'a' } }, 400],
      [{ metadata: { $setElementOrderX: ['a'] } }, 400],
      [{ metadata: { finalizers: ['a', 1] } }, 400],
    ];
    for (const [patch, code] of cases) {
      assert.throws(() => smp(original, patch), failsWith(code), JSON.stringify(patch));
    }
  });

  test('a patch nested deeper than the limit is a 400, not a stack overflow', () => {
    let patch: JsonObject = { leaf: 1 };
    for (let i = 0; i < 10_000; i++) patch = { spec: patch };
    assert.throws(() => smp({}, patch), failsWith(400));
  });
});
