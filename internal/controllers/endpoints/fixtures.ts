/** Pods and Services for the endpoint controllers' tests. */
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';

export interface PodFixture {
  name: string;
  ip?: string | null;
  ready?: boolean;
  node?: string;
  labels?: Record<string, string>;
  phase?: string;
  deleting?: boolean;
  ports?: JsonObject[];
  spec?: JsonObject;
}

/** A pod of app=web in namespace `default`, Running and Ready at `ip` on node n1 unless told otherwise. */
export function pod(f: PodFixture): KubeObject {
  const ip = f.ip === undefined ? '10.42.0.10' : f.ip;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: f.name,
      namespace: 'default',
      uid: `uid-${f.name}`,
      labels: f.labels ?? { app: 'web' },
      ...(f.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { nodeName: f.node ?? 'n1', containers: [{ name: 'app', image: 'x', ports: f.ports ?? [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }], ...f.spec },
    status: {
      phase: f.phase ?? 'Running',
      ...(ip === null ? {} : { podIP: ip, podIPs: [{ ip }] }),
      conditions: [{ type: 'Ready', status: f.ready === false ? 'False' : 'True' }],
    },
  };
}

/** A ClusterIP Service selecting app=web, port 80 → named port http; `spec` merged over it. */
export function service(spec: JsonObject = {}, name = 'web'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', uid: `uid-svc-${name}`, labels: { team: 'a' } },
    spec: { type: 'ClusterIP', clusterIP: '10.43.0.10', selector: { app: 'web' }, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }], ...spec },
  };
}
