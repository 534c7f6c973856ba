import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Conflict } from './apply/index.ts';
import { conflictsMatchLastApplied, lastAppliedAnnotation } from './last-applied.ts';
import type { KubeObject } from './objects.ts';

const entry = (manager: string): Conflict['entry'] =>
  ({ manager, operation: 'Update', apiVersion: 'apps/v1', subresource: '', time: '', fields: undefined }) as unknown as Conflict['entry'];

const envPath: Conflict['path'] = [
  { field: 'spec' },
  { field: 'containers' },
  { key: [['name', 'app']] },
  { field: 'ports' },
  { key: [['containerPort', 80], ['protocol', 'TCP']] },
  { field: 'hostPort' },
];

function live(lastApplied: object): KubeObject {
  return { metadata: { name: 'x', annotations: { [lastAppliedAnnotation]: JSON.stringify(lastApplied) } } };
}

const config = (hostPort: number) => ({ spec: { containers: [{ name: 'app', ports: [{ containerPort: 80, hostPort }] }] } });

describe('client-side to server-side apply', () => {
  it('takes over a field the client-side manager owns when last-applied had the same value', () => {
    assert.equal(conflictsMatchLastApplied(live(config(8080)), config(8080), [{ entry: entry('kubectl-client-side-apply'), path: envPath }]), true);
  });

  it('keeps the conflict when the value changed, the manager is another, or there is no last-applied', () => {
    assert.equal(conflictsMatchLastApplied(live(config(8080)), config(9090), [{ entry: entry('kubectl-client-side-apply'), path: envPath }]), false);
    assert.equal(conflictsMatchLastApplied(live(config(8080)), config(8080), [{ entry: entry('kubectl-edit'), path: envPath }]), false);
    assert.equal(conflictsMatchLastApplied({ metadata: { name: 'x' } }, config(8080), [{ entry: entry('kubectl-client-side-apply'), path: envPath }]), false);
  });
});
