import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject, KubeObject } from '../objects.ts';
import { horizontalPodAutoscalerPrinter } from './autoscaling.ts';
import {
  endpointSlicePrinter,
  ingressClassPrinter,
  ingressPrinter,
  leasePrinter,
  networkPolicyPrinter,
  podDisruptionBudgetPrinter,
  priorityClassPrinter,
  storageClassPrinter,
} from './cluster.ts';
import { bindingPrinter, rolePrinter } from './rbac.ts';
import { eventPrinter } from './events.ts';

const now = Date.parse('2024-06-01T12:00:00Z');
const created = '2024-06-01T11:30:00Z';

function object(body: JsonObject, metadata: JsonObject = {}): KubeObject {
  return { metadata: { name: 'x', creationTimestamp: created, ...metadata }, ...body };
}

describe('RBAC tables', () => {
  it('roles and cluster roles show only their creation time', () => {
    assert.deepEqual(rolePrinter.cells(object({ rules: [] }), now), ['x', '2024-06-01T11:30:00Z']);
    assert.deepEqual(rolePrinter.columns.map((c) => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
  });
  it('bindings show Kind/name of the role and, wide, users, groups and namespace:name service accounts', () => {
    const binding = object({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'User', name: 'bob' },
        { kind: 'Group', name: 'devs' },
        { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
      ],
    });
    assert.deepEqual(bindingPrinter.cells(binding, now), ['x', 'ClusterRole/view', '30m', 'alice, bob', 'devs', 'ci:builder']);
    assert.deepEqual(bindingPrinter.columns.filter((c) => c.priority === 1).map((c) => c.name), ['Users', 'Groups', 'ServiceAccounts']);
  });
});

describe('event table', () => {
  it('a core event shows last seen, type, reason, kind/name and message, and wide fields after', () => {
    const event = object({
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{app}' },
      reason: 'Pulled',
      message: 'Container image "nginx" already present on machine\n',
      type: 'Normal',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: '2024-06-01T11:50:00Z',
      lastTimestamp: '2024-06-01T11:59:00Z',
      count: 3,
    }, { name: 'web-1.17d' });
    assert.deepEqual(eventPrinter.cells(event, now), [
      '60s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-1',
      'Container image "nginx" already present on machine', '10m', 3, 'web-1.17d',
    ]);
    assert.deepEqual(eventPrinter.columns.filter((c) => c.priority === 0).map((c) => c.name), ['Last Seen', 'Type', 'Reason', 'Object', 'Message']);
  });
  it('an events.k8s.io event reads regarding, note, event time and series', () => {
    const event = object({
      regarding: { kind: 'Node', name: 'node-1' },
      note: 'Node became ready',
      reason: 'NodeReady',
      type: 'Normal',
      eventTime: '2024-06-01T11:40:00.000000Z',
      reportingController: 'skiff-node-controller',
      reportingInstance: 'server-1',
      series: { count: 4, lastObservedTime: '2024-06-01T11:58:00.000000Z' },
    });
    assert.deepEqual(eventPrinter.cells(event, now), ['2m', 'Normal', 'NodeReady', 'node/node-1', '', 'skiff-node-controller, server-1', 'Node became ready', '20m', 4, 'x']);
  });
  it('a singleton event without a count counts once, and an object without a name shows only its kind', () => {
    const event = object({ involvedObject: { kind: 'Cluster' }, eventTime: '2024-06-01T11:59:30.000000Z', reason: 'Started', type: 'Normal' });
    const cells = eventPrinter.cells(event, now);
    assert.deepEqual([cells[0], cells[3], cells[7], cells[8]], ['30s', 'cluster', '30s', 1]);
  });
});

describe('networking, discovery and other tables', () => {
  it('an ingress shows class, up to three hosts, address and ports', () => {
    const ing = object({
      spec: { ingressClassName: 'traefik', rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }, {}, { host: 'c.example.com' }, { host: 'd.example.com' }], tls: [{ hosts: ['a.example.com'] }] },
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.5' }] } },
    });
    assert.deepEqual(ingressPrinter.cells(ing, now), ['x', 'traefik', 'a.example.com,b.example.com,c.example.com + 2 more...', '192.0.2.5', '80, 443', '30m']);
    assert.deepEqual(ingressPrinter.cells(object({ spec: { rules: [{}] } }), now).slice(1, 5), ['<none>', '*', '', '80']);
  });
  it('an ingress class shows its controller and parameters reference', () => {
    const ic = object({ spec: { controller: 'traefik.io/ingress-controller', parameters: { apiGroup: 'example.com', kind: 'Config', name: 'cfg' } } });
    assert.deepEqual(ingressClassPrinter.cells(ic, now), ['x', 'traefik.io/ingress-controller', 'Config.example.com/cfg', '30m']);
  });
  it('a network policy shows its pod selector, <none> when it selects every pod', () => {
    assert.deepEqual(networkPolicyPrinter.cells(object({ spec: { podSelector: {} } }), now), ['x', '<none>', '30m']);
    assert.equal(networkPolicyPrinter.cells(object({ spec: { podSelector: { matchLabels: { role: 'db' } } } }), now)[1], 'role=db');
  });
  it('an endpoint slice shows address type, ports and up to three addresses', () => {
    const slice = object({
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      endpoints: [{ addresses: ['10.42.0.1'] }, { addresses: ['10.42.0.2'] }, { addresses: ['10.42.0.3'] }, { addresses: ['10.42.0.4'] }],
    });
    assert.deepEqual(endpointSlicePrinter.cells(slice, now), ['x', 'IPv4', '80', '10.42.0.1,10.42.0.2,10.42.0.3 + 1 more...', '30m']);
    assert.deepEqual(endpointSlicePrinter.cells(object({ addressType: 'IPv4' }), now).slice(2, 4), ['<unset>', '<unset>']);
  });
  it('a lease shows its holder', () => {
    assert.deepEqual(leasePrinter.cells(object({ spec: { holderIdentity: 'server-1_abc' } }), now), ['x', 'server-1_abc', '30m']);
  });
  it('a default storage class is marked and unset fields take their defaults', () => {
    const sc = object({ provisioner: 'rancher.io/local-path' }, { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } });
    assert.deepEqual(storageClassPrinter.cells(sc, now), ['x (default)', 'rancher.io/local-path', 'Delete', 'Immediate', false, '30m']);
  });
  it('a priority class shows value, global default and preemption policy', () => {
    const pc = object({ value: 2000000000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority' });
    assert.deepEqual(priorityClassPrinter.cells(pc, now), ['x', 2000000000, false, '30m', 'PreemptLowerPriority']);
  });
  it('a disruption budget shows N/A for the unset bound', () => {
    const pdb = object({ spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } });
    assert.deepEqual(podDisruptionBudgetPrinter.cells(pdb, now), ['x', '50%', 'N/A', 1, '30m']);
  });
  it('an autoscaler shows reference, metric targets, bounds and replicas', () => {
    const hpa = object({
      apiVersion: 'autoscaling/v2',
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
          { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
        ],
      },
      status: { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 35 } } }] },
    });
    assert.deepEqual(horizontalPodAutoscalerPrinter.cells(hpa, now), ['x', 'Deployment/web', 'cpu: 35%/80%, memory: <unknown>/100Mi + 1 more...', '1', 5, 2, '30m']);
    const v1 = object({ apiVersion: 'autoscaling/v1', spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, targetCPUUtilizationPercentage: 50 } });
    assert.deepEqual(horizontalPodAutoscalerPrinter.cells(v1, now).slice(2, 4), ['cpu: <unknown>/50%', '<unset>']);
  });
});
