/** Defaults of core/v1 kinds other than pods. */
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import { arrayOf, ensureObject, objectAt, setDefault } from './util.ts';

function root(object: KubeObject): JsonObject {
  return object as unknown as JsonObject;
}

/** Service defaults; cluster IP allocation happens elsewhere and is not done here. */
export function defaultService(object: KubeObject): void {
  const spec = ensureObject(root(object), 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    setDefault(ensureObject(ensureObject(spec, 'sessionAffinityConfig'), 'clientIP'), 'timeoutSeconds', 10800);
  }
  for (const port of arrayOf(spec.ports)) {
    setDefault(port, 'protocol', 'TCP');
    if (port.targetPort == null || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port ?? null;
  }
  const type = spec.type;
  if (type === 'NodePort' || type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  if (type === 'ExternalName') return;
  setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  // Headless services without a selector may carry addresses of any family.
  const headlessNoSelector = spec.clusterIP === 'None' && Object.keys(objectAt(spec, 'selector') ?? {}).length === 0;
  setDefault(spec, 'ipFamilyPolicy', headlessNoSelector ? 'RequireDualStack' : 'SingleStack');
  setDefault(spec, 'ipFamilies', ['IPv4']);
}

export function defaultNamespace(object: KubeObject): void {
  const o = root(object);
  setDefault(ensureObject(o, 'spec'), 'finalizers', ['kubernetes']);
  setDefault(ensureObject(o, 'status'), 'phase', 'Active');
  const name = object.metadata.name;
  if (name) object.metadata.labels = { ...object.metadata.labels, 'kubernetes.io/metadata.name': name };
}

/** Secrets: type Opaque, and write-only stringData folded into data as upstream's conversion does. */
export function defaultSecret(object: KubeObject): void {
  const o = root(object);
  setDefault(o, 'type', 'Opaque');
  const stringData = objectAt(o, 'stringData');
  if (stringData === undefined) return;
  const data = ensureObject(o, 'data');
  for (const [key, value] of Object.entries(stringData)) {
    if (typeof value === 'string') data[key] = Buffer.from(value, 'utf8').toString('base64');
  }
  delete o.stringData;
}

export function defaultPersistentVolumeClaim(object: KubeObject): void {
  setDefault(ensureObject(root(object), 'spec'), 'volumeMode', 'Filesystem');
  setDefault(ensureObject(root(object), 'status'), 'phase', 'Pending');
}

export function defaultPersistentVolume(object: KubeObject): void {
  const spec = ensureObject(root(object), 'spec');
  setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(spec, 'volumeMode', 'Filesystem');
  setDefault(ensureObject(root(object), 'status'), 'phase', 'Pending');
}

export function defaultEndpoints(object: KubeObject): void {
  for (const subset of arrayOf(root(object).subsets)) for (const port of arrayOf(subset.ports)) setDefault(port, 'protocol', 'TCP');
}

/** Node status: allocatable defaults to capacity. */
export function defaultNode(object: KubeObject): void {
  const status = objectAt(root(object), 'status');
  const capacity = objectAt(status, 'capacity');
  if (status !== undefined && capacity !== undefined && status.allocatable == null) status.allocatable = { ...capacity };
}

/** Container limit ranges: default limit from max, default request from default limit or min. */
export function defaultLimitRange(object: KubeObject): void {
  for (const item of arrayOf(objectAt(root(object), 'spec')?.limits)) {
    if (item.type !== 'Container') continue;
    const max = objectAt(item, 'max') ?? {};
    const min = objectAt(item, 'min') ?? {};
    const limit = objectAt(item, 'default') ?? {};
    const request = objectAt(item, 'defaultRequest') ?? {};
    for (const [k, v] of Object.entries(max)) setDefault(limit, k, v);
    for (const [k, v] of Object.entries(limit)) setDefault(request, k, v);
    for (const [k, v] of Object.entries(min)) setDefault(request, k, v);
    if (Object.keys(limit).length > 0) item.default = limit;
    if (Object.keys(request).length > 0) item.defaultRequest = request;
  }
}
