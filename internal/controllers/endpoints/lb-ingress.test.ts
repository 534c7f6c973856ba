/** ServiceLB: which addresses a LoadBalancer Service is published at. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../apiserver/objects.ts';
import { service } from './fixtures.ts';
import { desiredIngress, ingressNeedsUpdate } from './lb-ingress.ts';

function node(name: string, internal: string, options: { external?: string; ready?: boolean; enablelb?: string } = {}): KubeObject {
  return {
    metadata: { name, labels: options.enablelb === undefined ? {} : { 'svccontroller.k3s.cattle.io/enablelb': options.enablelb } },
    status: {
      addresses: [{ type: 'InternalIP', address: internal }, ...(options.external ? [{ type: 'ExternalIP', address: options.external }] : []), { type: 'Hostname', address: name }],
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  };
}

const lb = service({ type: 'LoadBalancer' });

test('a LoadBalancer service is published at every ready node, ExternalIP preferred over InternalIP', () => {
  const nodes = [node('b', '192.0.2.12'), node('a', '192.0.2.11', { external: '198.51.100.1' }), node('c', '192.0.2.13', { ready: false })];
  assert.deepEqual(desiredIngress(lb, nodes), [{ ip: '192.0.2.12', ipMode: 'VIP' }, { ip: '198.51.100.1', ipMode: 'VIP' }]);
});

test('once any node carries the enablelb label, only nodes labelled true serve load balancers', () => {
  const nodes = [node('a', '192.0.2.11', { enablelb: 'true' }), node('b', '192.0.2.12', { enablelb: 'false' }), node('c', '192.0.2.13')];
  assert.deepEqual(desiredIngress(lb, nodes), [{ ip: '192.0.2.11', ipMode: 'VIP' }]);
});

test('a service of another load-balancer class is left alone, and a service that is no LoadBalancer has no ingress', () => {
  assert.equal(desiredIngress(service({ type: 'LoadBalancer', loadBalancerClass: 'example.com/lb' }), [node('a', '192.0.2.11')]), null);
  assert.deepEqual(desiredIngress(service(), [node('a', '192.0.2.11')]), []);
});

test('the status is written only when the ingress differs', () => {
  const published = { ...lb, status: { loadBalancer: { ingress: [{ ip: '192.0.2.11', ipMode: 'VIP' }] } } };
  assert.equal(ingressNeedsUpdate(published, [{ ip: '192.0.2.11', ipMode: 'VIP' }]), false);
  assert.equal(ingressNeedsUpdate(published, []), true);
  assert.equal(ingressNeedsUpdate(service(), []), false);
});
