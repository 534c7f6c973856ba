/** Defaults of the non-core groups without pod templates: networking, discovery, storage, RBAC, scheduling, autoscaling. */
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import { arrayOf, ensureObject, objectAt, setDefault } from './util.ts';

function root(object: KubeObject): JsonObject {
  return object as unknown as JsonObject;
}

const rbacGroup = 'rbac.authorization.k8s.io';

/** Role bindings: subjects' apiGroup by kind, roleRef in the RBAC group. */
export function defaultRoleBinding(object: KubeObject): void {
  const o = root(object);
  const roleRef = objectAt(o, 'roleRef');
  if (roleRef !== undefined && !roleRef.apiGroup) roleRef.apiGroup = rbacGroup;
  for (const subject of arrayOf(o.subjects)) {
    if (subject.kind === 'ServiceAccount') setDefault(subject, 'apiGroup', '');
    else if (subject.kind === 'User' || subject.kind === 'Group') {
      if (!subject.apiGroup) subject.apiGroup = rbacGroup;
    }
  }
}

export function defaultPriorityClass(object: KubeObject): void {
  setDefault(root(object), 'preemptionPolicy', 'PreemptLowerPriority');
}

export function defaultStorageClass(object: KubeObject): void {
  setDefault(root(object), 'reclaimPolicy', 'Delete');
  setDefault(root(object), 'volumeBindingMode', 'Immediate');
}

/** NetworkPolicy: ports are TCP and policy types follow from the rules given. */
export function defaultNetworkPolicy(object: KubeObject): void {
  const spec = ensureObject(root(object), 'spec');
  for (const dir of ['ingress', 'egress']) {
    for (const rule of arrayOf(spec[dir])) for (const port of arrayOf(rule.ports)) setDefault(port, 'protocol', 'TCP');
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

export function defaultEndpointSlice(object: KubeObject): void {
  for (const port of arrayOf(root(object).ports)) {
    setDefault(port, 'name', '');
    setDefault(port, 'protocol', 'TCP');
  }
}

/** HPA: one minimum replica; autoscaling/v2 without metrics targets 80% CPU utilization. */
export function defaultHorizontalPodAutoscaler(object: KubeObject, version: string): void {
  const spec = ensureObject(root(object), 'spec');
  setDefault(spec, 'minReplicas', 1);
  if (version === 'v2' && (!Array.isArray(spec.metrics) || spec.metrics.length === 0)) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
}
