/** Service and EndpointSlice objects for the proxy's tests. */
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';

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
