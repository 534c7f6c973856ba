/** Service and EndpointSlice objects, and rule helpers, for the proxy's tests. */
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import { buildIptablesRules } from './iptables-rules.ts';
import { servicePortsOf } from './model.ts';
import { fullRestoreText } from './restore-text.ts';
import type { NodeContext } from './types.ts';

export interface EndpointFixture {
  ip: string;
  node?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

/** A Service in namespace `default` with a selector; `spec` is merged over a one-port ClusterIP spec. */
export function serviceFixture(name: string, spec: JsonObject = {}, status: JsonObject = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '1' },
    spec: { type: 'ClusterIP', selector: { app: name }, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }], sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ...spec },
    status,
  };
}

/** An EndpointSlice of Service `service` with one port named `portName`. */
export function sliceFixture(service: string, endpoints: readonly EndpointFixture[], port = 8080, portName = 'http', suffix = 'a'): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-${suffix}`, namespace: 'default', labels: { 'kubernetes.io/service-name': service }, resourceVersion: '1' },
    addressType: 'IPv4',
    ports: [{ name: portName, protocol: 'TCP', port }],
    endpoints: endpoints.map((e) => {
      const ready = e.ready ?? true;
      return {
        addresses: [e.ip],
        conditions: { ready, serving: e.serving ?? ready, terminating: e.terminating ?? false },
        ...(e.node === undefined ? {} : { nodeName: e.node }),
      };
    }),
  };
}

/** A node for rule tests: n1 at 192.0.2.1 (and 127.0.0.1), pods in 10.42.0.0/24, serving load balancers. */
export const testNode: NodeContext = { nodeName: 'n1', addresses: ['127.0.0.1', '192.0.2.1'], localPodCidr: '10.42.0.0/24', servesLoadBalancers: true };

/** The restore lines `service` adds to an empty rule set on `node` (chain prefix SKIFF-t), in order. */
export function serviceRuleLines(service: KubeObject, slices: KubeObject[], node: NodeContext = testNode): string[] {
  const none = { filter: new Set<string>(), nat: new Set<string>() };
  const base = new Set(fullRestoreText(buildIptablesRules([], node, 'SKIFF-t'), none).split('\n'));
  const text = fullRestoreText(buildIptablesRules(servicePortsOf(service, slices), node, 'SKIFF-t'), none);
  return text.split('\n').filter((line) => !base.has(line));
}
