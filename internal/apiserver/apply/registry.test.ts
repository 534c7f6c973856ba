import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kindDefinition } from '../../api/schema/registry.ts';
import type { JsonObject } from '../objects.ts';
import { serverSideApply } from './apply.ts';

const deploymentDef = kindDefinition('apps', 'v1', 'Deployment');

describe('server-side apply against the built-in definitions', () => {
  it('applying a Deployment records containers keyed by name and ports by containerPort and protocol', () => {
    assert.ok(deploymentDef, 'apps/v1 Deployment is defined');
    const applied: JsonObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] },
        },
      },
    };
    const out = serverSideApply({ current: null, applied, manager: 'kubectl', force: false, def: deploymentDef, now: '2025-01-01T00:00:00Z', apiVersion: 'apps/v1' });
    const entry = ((out.metadata as JsonObject).managedFields as JsonObject[])[0];
    const text = JSON.stringify(entry?.fieldsV1);
    assert.match(text, /"f:selector":\{\}/);
    assert.match(text, /"k:\{\\"name\\":\\"nginx\\"\}"/);
    assert.match(text, /"k:\{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"\}"/);
  });
});
