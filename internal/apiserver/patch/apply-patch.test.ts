import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Json, JsonObject } from '../objects.ts';
import { ApiError } from '../status.ts';
import { applyPatch, jsonPatchType, mergePatchType, strategicMergePatchType } from './apply-patch.ts';
import { fixtureDef, fixtureLookup } from './fixture-types.ts';
import { maxPatchDepth } from './json-value.ts';
import { mulberry32 } from '../../util/seeded-random.ts';

const deploymentDef = fixtureDef('test.Deployment');

function deployment(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a', 'b'] },
    spec: {
      replicas: 2,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'a', image: 'one', env: [{ name: 'X', value: '1' }], ports: [{ containerPort: 80 }] },
            { name: 'b', image: 'two', args: ['--x'] },
          ],
          volumes: [{ name: 'v', emptyDir: {} }],
        },
      },
    },
  };
}

function failsWith(code: number, reason: string) {
  return (error: unknown) => error instanceof ApiError && error.code === code && error.reason === reason;
}

describe('applyPatch', () => {
  test('each patch Content-Type goes to its own format', () => {
    const body = JSON.stringify({ metadata: { finalizers: ['c'] } });
    const merged = applyPatch(mergePatchType, deployment(), body, deploymentDef, fixtureLookup);
    assert.deepEqual((merged.metadata as JsonObject).finalizers, ['c']);
    const strategic = applyPatch(strategicMergePatchType, deployment(), body, deploymentDef, fixtureLookup);
    // A value new to a merged list lands before the existing ones when no $setElementOrder says otherwise.
    assert.deepEqual((strategic.metadata as JsonObject).finalizers, ['c', 'a', 'b']);
    const json = applyPatch(jsonPatchType, deployment(), '[{"op":"replace","path":"/spec/replicas","value":5}]', deploymentDef);
    assert.equal((json.spec as JsonObject).replicas, 5);
  });

  test('media type parameters and letter case are ignored', () => {
    const result = applyPatch('Application/Merge-Patch+JSON; charset=utf-8', deployment(), '{"spec":{"replicas":3}}', undefined);
    assert.equal((result.spec as JsonObject).replicas, 3);
  });

  test('an unparsable body is 400 BadRequest carrying the parser message', () => {
    for (const type of [jsonPatchType, mergePatchType, strategicMergePatchType]) {
      assert.throws(() => applyPatch(type, deployment(), '{"spec": ', undefined), (error: unknown) =>
        error instanceof ApiError && error.code === 400 && error.reason === 'BadRequest' && /JSON/.test(error.message));
    }
  });

  test('a strategic merge patch that is not an object is 400 and a null one changes nothing', () => {
    assert.throws(() => applyPatch(strategicMergePatchType, deployment(), '[1]', deploymentDef), failsWith(400, 'BadRequest'));
    assert.deepEqual(applyPatch(strategicMergePatchType, deployment(), 'null', deploymentDef, fixtureLookup), deployment());
  });

  test('other Content-Types are 415 UnsupportedMediaType listing the accepted ones', () => {
    for (const type of ['application/json', 'application/apply-patch+yaml', 'text/plain', '']) {
      assert.throws(() => applyPatch(type, deployment(), '{}', undefined), (error: unknown) =>
        error instanceof ApiError && error.code === 415 && error.reason === 'UnsupportedMediaType' &&
        error.message.includes('application/strategic-merge-patch+json'));
    }
  });

  test(`patches nested up to ${maxPatchDepth} levels apply, deeper ones are 400`, () => {
    const nested = (levels: number): Json => {
      let value: Json = 'leaf';
      for (let i = 1; i < levels; i++) value = { n: value };
      return value;
    };
    for (const type of [mergePatchType, strategicMergePatchType]) {
      const ok = applyPatch(type, deployment(), JSON.stringify({ status: nested(maxPatchDepth - 1) }), deploymentDef, fixtureLookup);
      assert.ok(ok.status);
      assert.throws(() => applyPatch(type, deployment(), JSON.stringify({ status: nested(maxPatchDepth + 1) }), deploymentDef, fixtureLookup), failsWith(400, 'BadRequest'));
    }
    const op = (levels: number) => JSON.stringify([{ op: 'add', path: '/status', value: nested(levels) }]);
    assert.ok(applyPatch(jsonPatchType, deployment(), op(maxPatchDepth - 2), undefined).status);
    assert.throws(() => applyPatch(jsonPatchType, deployment(), op(maxPatchDepth + 1), undefined), failsWith(400, 'BadRequest'));
  });
});

// Hostile input: every document either applies or is refused with a 4xx ApiError.

const random = mulberry32;

const keys = [
  'spec', 'template', 'metadata', 'labels', 'finalizers', 'containers', 'env', 'ports', 'volumes', 'strategy',
  'rollingUpdate', 'type', 'name', 'containerPort', 'image', 'args', 'emptyDir', 'value', 'status', '__proto__',
  'constructor', '$patch', '$retainKeys', '$setElementOrder/containers', '$setElementOrder/finalizers',
  '$setElementOrder/env', '$deleteFromPrimitiveList/finalizers', '$deleteFromPrimitiveList/containers',
  '$setElementOrder', '$deleteFromPrimitiveList', '$setElementOrder/', 'prototype',
];
const strings = ['delete', 'replace', 'merge', 'a', 'b', 'X', '', '/spec', 'toString'];

function randomValue(next: () => number, depth: number): Json {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const roll = next();
  if (depth > 5 || roll < 0.3) return pick<Json>([null, true, false, 0, 80, -1, 1.5, ...strings]);
  if (roll < 0.55) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const object: JsonObject = {};
  for (let i = Math.floor(next() * 5); i > 0; i--) {
    Object.defineProperty(object, pick(keys), { value: randomValue(next, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return object;
}

/** Replaces one random node of `value` with a random value. */
function mutate(value: Json, next: () => number): Json {
  if (next() < 0.2 || value === null || typeof value !== 'object') return randomValue(next, 3);
  const copy = structuredClone(value);
  const entries = Array.isArray(copy) ? copy.map((v, i) => [i, v] as const) : Object.entries(copy);
  if (entries.length === 0) return randomValue(next, 3);
  const [key, child] = entries[Math.floor(next() * entries.length)] as readonly [string | number, Json];
  (copy as Record<string | number, Json>)[key] = mutate(child, next);
  return copy;
}

const validStrategic: Json[] = [
  { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b', image: 'x' }] } } } },
  { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
  { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'], labels: { app: null } } },
  { spec: { template: { spec: { volumes: [{ name: 'v', $retainKeys: ['name', 'configMap'], configMap: { name: 'c' } }] } } } },
];
const validJson: Json[] = [
  [{ op: 'add', path: '/metadata/labels/x', value: 'y' }, { op: 'remove', path: '/spec/replicas' }],
  [{ op: 'copy', from: '/spec/template', path: '/spec/copy' }, { op: 'test', path: '/kind', value: 'Deployment' }],
];
const paths = ['', '/', '/spec', '/spec/template/spec/containers/0', '/spec/template/spec/containers/-', '/metadata/labels/~1x', '/__proto__/x', '/a/b', '/spec/replicas/0'];
const ops = ['add', 'remove', 'replace', 'move', 'copy', 'test', 'get', '_get', 'x'];

function randomJsonPatch(next: () => number): Json {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  return Array.from({ length: 1 + Math.floor(next() * 4) }, () => {
    const op: JsonObject = { op: pick<Json>([...ops, 1, null]), path: pick<Json>([...paths, 3]) };
    if (next() < 0.7) op.value = randomValue(next, 2);
    if (next() < 0.4) op.from = pick(paths);
    return op;
  });
}

function deeplyNested(levels: number, array: boolean): string {
  return (array ? '['.repeat(levels) : '{"a":'.repeat(levels)) + '1' + (array ? ']' : '}').repeat(levels);
}

const outcomes = { applied: 0, refused: 0 };

function expectAppliedOrRefused(type: string, body: string, def: boolean): void {
  try {
    const result = applyPatch(type, deployment(), body, def ? deploymentDef : undefined, fixtureLookup);
    assert.ok(result !== null && typeof result === 'object' && !Array.isArray(result), `not an object for ${type} ${body}`);
    JSON.stringify(result);
    outcomes.applied++;
  } catch (error) {
    outcomes.refused++;
    if (!(error instanceof ApiError) || error.code < 400 || error.code >= 500) {
      assert.fail(`${type} ${body.slice(0, 300)} threw ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
}

describe('hostile patch documents', () => {
  test('random and mutated patches apply or are refused with a 4xx, never another error', () => {
    const next = random(20240611);
    for (let i = 0; i < 300; i++) {
      const strategic = i % 2 === 0 ? randomValue(next, 0) : mutate(validStrategic[i % validStrategic.length] as Json, next);
      for (const type of [strategicMergePatchType, mergePatchType]) {
        expectAppliedOrRefused(type, JSON.stringify(strategic), true);
        expectAppliedOrRefused(type, JSON.stringify(strategic), false);
      }
      const json = i % 2 === 0 ? randomJsonPatch(next) : mutate(validJson[i % validJson.length] as Json, next);
      expectAppliedOrRefused(jsonPatchType, JSON.stringify(json), false);
    }
    // Both outcomes must occur, or the generator is not exercising the code.
    assert.ok(outcomes.applied > 100 && outcomes.refused > 100, JSON.stringify(outcomes));
    assert.equal(({} as Record<string, unknown>).x, undefined);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
  });

  test('10,000 levels of nesting are refused with a 4xx for every patch type', () => {
    for (const type of [strategicMergePatchType, mergePatchType, jsonPatchType]) {
      for (const array of [false, true]) {
        const inner = deeplyNested(10_000, array);
        expectAppliedOrRefused(type, inner, true);
        expectAppliedOrRefused(type, `{"spec":${inner}}`, true);
        expectAppliedOrRefused(type, `[{"op":"add","path":"/x","value":${inner}}]`, true);
        assert.throws(() => applyPatch(type, deployment(), `{"spec":${inner}}`, deploymentDef, fixtureLookup), (error: unknown) => error instanceof ApiError && error.code === 400);
      }
    }
  });

  test('truncated bodies are refused with 400', () => {
    const body = JSON.stringify(validStrategic[0]);
    for (let cut = 0; cut < body.length; cut += 7) {
      for (const type of [strategicMergePatchType, mergePatchType, jsonPatchType]) {
        assert.throws(() => applyPatch(type, deployment(), body.slice(0, cut), deploymentDef, fixtureLookup), failsWith(400, 'BadRequest'));
      }
    }
  });
});
