import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject, KubeObject } from '../objects.ts';
import {
  configMapPrinter,
  endpointsPrinter,
  namespacePrinter,
  nodePrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
  servicePrinter,
} from './core.ts';
import { persistentVolumeClaimPrinter, persistentVolumePrinter } from './volumes.ts';

const now = Date.parse('2024-06-01T12:00:00Z');
const created = '2024-05-30T09:00:00Z';

function object(body: JsonObject, metadata: JsonObject = {}): KubeObject {
  return { metadata: { name: 'x', creationTimestamp: created, ...metadata }, ...body };
}

describe('service table', () => {
  it('a ClusterIP service shows <none> external IP and port/protocol', () => {
    const svc = object({ spec: { type: 'ClusterIP', clusterIP: '10.43.0.10', clusterIPs: ['10.43.0.10'], ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }], selector: { app: 'web', tier: 'front' } } });
    assert.deepEqual(servicePrinter.cells(svc, now), ['x', 'ClusterIP', '10.43.0.10', '<none>', '80/TCP,443/TCP', '2d3h', 'app=web,tier=front']);
  });
  it('a NodePort service shows port:nodePort, and a headless one None without selector', () => {
    const np = object({ spec: { type: 'NodePort', clusterIPs: ['10.43.0.11'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] } });
    assert.deepEqual(servicePrinter.cells(np, now).slice(1, 5), ['NodePort', '10.43.0.11', '<none>', '80:30080/TCP,53/UDP']);
    const headless = object({ spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [] } });
    assert.deepEqual(servicePrinter.cells(headless, now).slice(2, 5), ['None', '<none>', '<none>']);
    assert.equal(servicePrinter.cells(headless, now)[6], '<none>');
  });
  it('a LoadBalancer service is <pending> until it gets ingress, then lists ingress and external IPs', () => {
    const pending = object({ spec: { type: 'LoadBalancer', clusterIPs: ['10.43.0.12'], ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] } });
    assert.equal(servicePrinter.cells(pending, now)[3], '<pending>');
    const ready = object({
      spec: { type: 'LoadBalancer', clusterIPs: ['10.43.0.12'], externalIPs: ['203.0.113.9'], ports: [] },
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }, { hostname: 'lb.example.com' }] } },
    });
    assert.equal(servicePrinter.cells(ready, now)[3], '192.0.2.1,lb.example.com,203.0.113.9');
  });
  it('an ExternalName service shows its external name and no cluster IP', () => {
    const svc = object({ spec: { type: 'ExternalName', externalName: 'db.example.com', ports: [] } });
    assert.deepEqual(servicePrinter.cells(svc, now).slice(1, 5), ['ExternalName', '<none>', 'db.example.com', '<none>']);
  });
  it('declares SELECTOR as the only wide column', () => {
    assert.deepEqual(servicePrinter.columns.filter((c) => c.priority === 1).map((c) => c.name), ['Selector']);
    assert.deepEqual(servicePrinter.columns.map((c) => c.name), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
  });
});

describe('node table', () => {
  const info = { kubeletVersion: 'v1.32.0+skiff', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'docker://27.0.1' };
  it('a ready control-plane node shows Ready, its roles, version and wide addresses', () => {
    const node = object(
      { status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }], addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '192.168.1.10' }], nodeInfo: info } },
      { labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/master': 'true', 'kubernetes.io/hostname': 'n1' } },
    );
    assert.deepEqual(nodePrinter.cells(node, now), ['x', 'Ready', 'control-plane,master', '2d3h', 'v1.32.0+skiff', '192.168.1.10', '<none>', 'Debian GNU/Linux 12', '6.1.0', 'docker://27.0.1']);
  });
  it('status is NotReady or Unknown, with SchedulingDisabled when cordoned, and roles <none>', () => {
    const notReady = object({ spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } });
    assert.deepEqual(nodePrinter.cells(notReady, now).slice(1, 3), ['NotReady,SchedulingDisabled', '<none>']);
    const fresh = object({ status: {} }, { labels: { 'kubernetes.io/role': 'worker' } });
    assert.deepEqual(nodePrinter.cells(fresh, now).slice(1, 3), ['Unknown', 'worker']);
    assert.deepEqual(nodePrinter.cells(fresh, now).slice(7), ['<unknown>', '<unknown>', '<unknown>']);
  });
});

describe('other core tables', () => {
  it('namespaces show their phase', () => {
    assert.deepEqual(namespacePrinter.cells(object({ status: { phase: 'Active' } }), now), ['x', 'Active', '2d3h']);
  });
  it('config maps count data and binary data keys; secrets count data and show the type', () => {
    assert.deepEqual(configMapPrinter.cells(object({ data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }), now), ['x', 3, '2d3h']);
    assert.deepEqual(secretPrinter.cells(object({ type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }), now), ['x', 'kubernetes.io/tls', 2, '2d3h']);
  });
  it('service accounts count their secrets', () => {
    assert.deepEqual(serviceAccountPrinter.cells(object({}), now), ['x', 0, '2d3h']);
  });
  it('endpoints list up to three host:port pairs then a count of the rest', () => {
    const ep = object({ subsets: [{ addresses: [{ ip: '10.42.0.1' }, { ip: '10.42.0.2' }], ports: [{ port: 80 }, { port: 443 }] }] });
    assert.equal(endpointsPrinter.cells(ep, now)[1], '10.42.0.1:80,10.42.0.2:80,10.42.0.1:443 + 1 more...');
    assert.equal(endpointsPrinter.cells(object({}), now)[1], '<none>');
    assert.equal(endpointsPrinter.cells(object({ subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 53 }] }] }), now)[1], '[fd00::1]:53');
  });
  it('persistent volumes and claims show capacity, access modes, claim and class', () => {
    const pv = object({
      spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'local-path', volumeMode: 'Filesystem' },
      status: { phase: 'Bound' },
    });
    assert.deepEqual(persistentVolumePrinter.cells(pv, now), ['x', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'local-path', '<unset>', '', '2d3h', 'Filesystem']);
    const pending = object({ spec: { resources: { requests: { storage: '1Gi' } }, storageClassName: 'local-path' }, status: { phase: 'Pending' } });
    assert.deepEqual(persistentVolumeClaimPrinter.cells(pending, now), ['x', 'Pending', '', '', '', 'local-path', '<unset>', '2d3h', '<unset>']);
    const bound = object({ spec: { volumeName: 'pv-1', volumeMode: 'Filesystem' }, status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } }, { deletionTimestamp: created });
    assert.deepEqual(persistentVolumeClaimPrinter.cells(bound, now).slice(1, 5), ['Terminating', 'pv-1', '1Gi', 'RWO']);
  });
  it('resource quotas split used/hard into request and limit columns, sorted by name', () => {
    const quota = object({ status: { hard: { pods: '10', 'limits.cpu': '4', 'requests.cpu': '2' }, used: { pods: '3', 'requests.cpu': '500m' } } });
    assert.deepEqual(resourceQuotaPrinter.cells(quota, now), ['x', '2d3h', 'pods: 3/10, requests.cpu: 500m/2', 'limits.cpu: 0/4']);
  });
});
