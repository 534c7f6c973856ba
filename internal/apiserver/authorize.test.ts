import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorize } from './authorize.ts';

const node = { user: 'system:node:pi-01', groups: ['system:nodes', 'system:authenticated'] };
const admin = { user: 'admin', groups: ['system:masters'] };
const other = { user: 'jane', groups: ['developers'] };
const allowed = (identity: typeof node, method: string, path: string, watch = false) =>
  authorize(identity, { method, segments: path.split('/').filter((s) => s !== ''), watch }) === null;

describe('authorization before RBAC', () => {
  it('system:masters may do anything; other users nothing', () => {
    assert.equal(allowed(admin, 'DELETE', '/api/v1/namespaces/default/secrets/x'), true);
    assert.equal(allowed(other, 'GET', '/api/v1/pods'), false);
    assert.match(authorize(other, { method: 'GET', segments: ['api', 'v1', 'pods'], watch: false }) ?? '', /system:masters/);
  });

  it('a node reads what a kubelet needs and writes only its own node, lease and pod status', () => {
    assert.equal(allowed(node, 'GET', '/api/v1/pods', true), true);
    assert.equal(allowed(node, 'GET', '/api/v1/namespaces/default/secrets/s'), true);
    assert.equal(allowed(node, 'GET', '/apis'), true);
    assert.equal(allowed(node, 'GET', '/skiff/v1/datastore'), false);
    assert.equal(allowed(admin, 'GET', '/skiff/v1/datastore'), true);
    assert.equal(allowed(node, 'POST', '/api/v1/nodes'), true);
    assert.equal(allowed(node, 'PATCH', '/api/v1/nodes/pi-01/status'), true);
    assert.equal(allowed(node, 'PATCH', '/api/v1/nodes/pi-02/status'), false);
    assert.equal(allowed(node, 'PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/pi-01'), true);
    assert.equal(allowed(node, 'PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/pi-02'), false);
    assert.equal(allowed(node, 'PUT', '/api/v1/namespaces/default/pods/web/status'), true);
    assert.equal(allowed(node, 'PUT', '/api/v1/namespaces/default/pods/web'), false);
    assert.equal(allowed(node, 'POST', '/api/v1/namespaces/default/configmaps'), false);
    assert.equal(allowed(node, 'POST', '/api/v1/namespaces/default/events'), true);
    assert.equal(allowed(node, 'DELETE', '/api/v1/namespaces/default/pods'), false);
    assert.equal(allowed(node, 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles'), false);
  });
});
