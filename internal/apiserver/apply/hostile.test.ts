import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Json, JsonObject } from '../objects.ts';
import { ApiError } from '../status.ts';
import { serverSideApply } from './apply.ts';
import { deployment, deploymentDef, resolveFixture } from './fixtures.ts';
import { trackUpdate } from './update.ts';
import { mulberry32 } from '../../util/seeded-random.ts';

// Deterministic so a failure can be replayed.
const prng = mulberry32;

const base = deployment(
  {
    replicas: 2,
    paused: false,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        nodeSelector: { disk: 'ssd' },
        tolerations: [{ key: 'a' }],
        containers: [
          { name: 'web', image: 'nginx', args: ['-g'], ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }], env: [{ name: 'A', value: '1' }] },
        ],
      },
    },
  },
  { labels: { app: 'web' }, finalizers: ['x/y'], annotations: { a: 'b' } },
);

const KEYS = ['name', 'image', 'replicas', 'containers', 'ports', 'protocol', 'containerPort', '__proto__', 'constructor', '', 'spec', 'metadata', 'labels', 'finalizers', 'k:{}', '.'];

function randomValue(rand: () => number, depth: number): Json {
  const r = rand();
  if (depth > 4 || r < 0.3) return [null, 0, -1, 1.5, 'x', '', true, false, 2 ** 53, 'TCP'][Math.floor(rand() * 10)] ?? null;
  if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
  const out: JsonObject = {};
  for (let i = Math.floor(rand() * 4); i > 0; i--) {
    Object.defineProperty(out, KEYS[Math.floor(rand() * KEYS.length)] ?? 'k', { value: randomValue(rand, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function mutate(value: Json, rand: () => number, depth = 0): Json {
  if (rand() < 0.04) return randomValue(rand, depth);
  if (Array.isArray(value)) {
    const out = value.map((v) => mutate(v, rand, depth + 1));
    if (rand() < 0.05) out.push(rand() < 0.5 ? (out[0] ?? null) : randomValue(rand, depth + 1));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) if (rand() > 0.04) out[k] = mutate(v, rand, depth + 1);
    if (rand() < 0.04) out[KEYS[Math.floor(rand() * KEYS.length)] ?? 'k'] = randomValue(rand, depth + 1);
    return out;
  }
  return value;
}

function deep(levels: number, wrap: (inner: Json) => Json): Json {
  let v: Json = 'leaf';
  for (let i = 0; i < levels; i++) v = wrap(v);
  return v;
}

describe('hostile apply input', () => {
  it('hundreds of mutated configurations either apply or fail with a 4xx ApiError', () => {
    const rand = prng(20250102);
    let current: JsonObject | null = null;
    let applied = 0;
    for (let i = 0; i < 600; i++) {
      const body = mutate(base, rand);
      const manager = ['a', 'b', 'c'][i % 3] ?? 'a';
      try {
        const out = serverSideApply({
          current: i % 7 === 0 ? null : current,
          applied: body as JsonObject,
          manager,
          force: rand() < 0.3,
          def: rand() < 0.9 ? deploymentDef : undefined,
          now: '2025-01-01T00:00:00Z',
          apiVersion: 'apps/v1',
          resolve: resolveFixture,
        });
        assert.equal(Object.getPrototypeOf(out), Object.prototype);
        JSON.stringify(out);
        current = out;
        applied++;
        const updated = trackUpdate({ previous: out, next: mutate(out, rand) as JsonObject, manager: 'u', operation: 'Update', def: deploymentDef, now: '2025-01-01T00:00:01Z', apiVersion: 'apps/v1', resolve: resolveFixture });
        if (rand() < 0.5) current = updated;
      } catch (error) {
        assert.ok(error instanceof ApiError, `input ${i} threw ${error instanceof Error ? error.stack : String(error)}`);
        assert.ok(error.code >= 400 && error.code < 500, `input ${i}: ${error.code} ${error.message}`);
      }
    }
    assert.ok(applied > 20, `only ${applied} inputs applied`);
  });

  it('deeply nested configurations fail with 400 instead of exhausting the stack', () => {
    const shapes: [string, (inner: Json) => Json][] = [
      ['objects', (inner) => ({ a: inner })],
      ['lists', (inner) => [inner]],
    ];
    for (const [what, wrap] of shapes) {
      for (const def of [deploymentDef, undefined]) {
        const body = { ...deployment({}), metadata: { name: 'web', annotations: {}, labels: {} }, extra: deep(20000, wrap) } as JsonObject;
        if (def) (body.spec as JsonObject).template = deep(20000, wrap);
        assert.throws(
          () => serverSideApply({ current: null, applied: body, manager: 'm', force: false, def, now: 'n', apiVersion: 'apps/v1', resolve: resolveFixture }),
          (error: unknown) => error instanceof ApiError && error.code === 400,
          what,
        );
      }
    }
  });

  it('corrupt stored managed fields do not break an apply', () => {
    const stored = { ...base, metadata: { ...(base.metadata as JsonObject), managedFields: [{ manager: 'x', operation: 'Nope' }] } };
    const out = serverSideApply({ current: stored, applied: base, manager: 'a', force: false, def: deploymentDef, now: 'n', apiVersion: 'apps/v1', resolve: resolveFixture });
    assert.ok(Array.isArray((out.metadata as JsonObject).managedFields));
  });
});
