// Strategic merge patch against the real type model; each test runs once the definitions it
// needs are registered.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { definitionNamed, kindDefinition } from '../../api/schema/registry.ts';
import type { JsonObject } from '../objects.ts';
import { applyPatch, strategicMergePatchType } from './apply-patch.ts';

const deploymentDef = kindDefinition('apps', 'v1', 'Deployment');
const podDef = kindDefinition('', 'v1', 'Pod');
const serviceDef = kindDefinition('', 'v1', 'Service');
const podSpecKnown = definitionNamed('io.k8s.api.core.v1.PodSpec') !== undefined;

function smp(original: JsonObject, patch: JsonObject, def: typeof deploymentDef): JsonObject {
  return applyPatch(strategicMergePatchType, original, JSON.stringify(patch), def);
}

describe('strategic merge patch with the built-in definitions', () => {
  test('kubectl apply style patch on a Deployment changes one container and keeps the order', () => {
    assert.ok(deploymentDef && podSpecKnown, 'Deployment and PodSpec are defined');
    const original: JsonObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: { spec: { containers: [
          { name: 'a', image: 'one', env: [{ name: 'X', value: '1' }] },
          { name: 'b', image: 'two', ports: [{ containerPort: 80, protocol: 'TCP' }] },
        ] } },
      },
    };
    const result = smp(original, {
      spec: {
        strategy: { $retainKeys: ['type'], type: 'Recreate' },
        template: { spec: {
          '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
          containers: [
            { name: 'a', '$setElementOrder/env': [{ name: 'X' }, { name: 'Y' }], env: [{ name: 'Y', value: '2' }] },
            { name: 'b', image: 'x', ports: [{ containerPort: 8080, protocol: 'TCP' }] },
          ],
        } },
      },
    }, deploymentDef);
    assert.deepEqual(result.spec, {
      strategy: { type: 'Recreate' },
      template: { spec: { containers: [
        { name: 'a', image: 'one', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] },
        { name: 'b', image: 'x', ports: [{ containerPort: 8080, protocol: 'TCP' }, { containerPort: 80, protocol: 'TCP' }] },
      ] } },
    });
  });

  test('a Pod patch deletes a volume by name and a finalizer from the primitive list', () => {
    assert.ok(podDef && podSpecKnown, 'Pod and PodSpec are defined');
    const original: JsonObject = {
      metadata: { name: 'p', finalizers: ['x/a', 'x/b'], labels: { app: 'web', tier: 'front' } },
      spec: { volumes: [{ name: 'data', emptyDir: {} }, { name: 'conf', configMap: { name: 'c' } }], containers: [{ name: 'c' }] },
    };
    const result = smp(original, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['x/a'], labels: { tier: null } },
      spec: { volumes: [{ name: 'data', $patch: 'delete' }] },
    }, podDef);
    assert.deepEqual(result, {
      metadata: { name: 'p', finalizers: ['x/b'], labels: { app: 'web' } },
      spec: { volumes: [{ name: 'conf', configMap: { name: 'c' } }], containers: [{ name: 'c' }] },
    });
  });

  test('Service ports merge by port', () => {
    assert.ok(serviceDef, 'Service is defined');
    const original = { spec: { ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] } };
    const result = smp(original, { spec: { ports: [{ port: 80, targetPort: 9090 }] } }, serviceDef);
    assert.deepEqual(result, { spec: { ports: [{ port: 80, targetPort: 9090, protocol: 'TCP' }] } });
  });
});
