/** RBAC, coordination, autoscaling, policy and ControllerRevision rules. */
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import {
  asArray, asNumber, asObject, asString, invalidEach, invalidValue, jsonEqual, nonNegative, notSupported, objectsOf, oneOf,
  positive, required, type Causes,
} from './field.ts';
import { validateLabelSelector } from './selectors.ts';
import { dns1123Subdomain, pathSegmentName } from './syntax.ts';
import { validateIntOrPercent } from './workloads.ts';

const rbacGroup = 'rbac.authorization.k8s.io';

function root(object: KubeObject): JsonObject {
  return object as unknown as JsonObject;
}

/** Role and ClusterRole rules; only cluster roles may grant non-resource URLs. */
export function validateRole(role: KubeObject, clusterScoped: boolean): Causes {
  const causes: Causes = [];
  for (const [i, rule] of objectsOf(root(role).rules)) {
    const at = `rules[${i}]`;
    const verbs = asArray(rule.verbs) ?? [];
    const urls = asArray(rule.nonResourceURLs) ?? [];
    const groups = asArray(rule.apiGroups) ?? [];
    const resources = asArray(rule.resources) ?? [];
    if (verbs.length === 0) causes.push(required(`${at}.verbs`, 'verbs must contain at least one value'));
    if (urls.length > 0) {
      if (!clusterScoped) causes.push(invalidValue(`${at}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
      if (groups.length > 0 || resources.length > 0) {
        causes.push(invalidValue(`${at}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      continue;
    }
    if (groups.length === 0) causes.push(required(`${at}.apiGroups`, 'resource rules must supply at least one api group'));
    if (resources.length === 0) causes.push(required(`${at}.resources`, 'resource rules must supply at least one resource'));
  }
  const aggregation = asObject(root(role).aggregationRule);
  if (aggregation !== undefined) {
    for (const [i, selector] of objectsOf(aggregation.clusterRoleSelectors)) {
      causes.push(...validateLabelSelector(selector, `aggregationRule.clusterRoleSelectors[${i}]`));
    }
  }
  return causes;
}

/** RoleBinding and ClusterRoleBinding: a role reference and well-formed subjects. */
export function validateRoleBinding(binding: KubeObject, clusterScoped: boolean): Causes {
  const o = root(binding);
  const causes: Causes = [];
  const roleRef = asObject(o.roleRef) ?? {};
  causes.push(...oneOf('roleRef.apiGroup', roleRef.apiGroup ?? '', [rbacGroup]));
  const kinds = clusterScoped ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (!roleRef.kind || !kinds.includes(String(roleRef.kind))) causes.push(notSupported('roleRef.kind', roleRef.kind ?? '', kinds));
  const name = asString(roleRef.name) ?? '';
  if (name === '') causes.push(required('roleRef.name'));
  else causes.push(...invalidEach('roleRef.name', name, pathSegmentName(name)));
  for (const [i, subject] of objectsOf(o.subjects)) {
    const at = `subjects[${i}]`;
    const subjectName = asString(subject.name) ?? '';
    if (subjectName === '') causes.push(required(`${at}.name`));
    switch (subject.kind) {
      case 'ServiceAccount':
        if (subjectName !== '') causes.push(...invalidEach(`${at}.name`, subjectName, dns1123Subdomain(subjectName)));
        if (subject.apiGroup) causes.push(notSupported(`${at}.apiGroup`, subject.apiGroup, ['']));
        if (clusterScoped && !asString(subject.namespace)) causes.push(required(`${at}.namespace`));
        break;
      case 'User':
      case 'Group':
        if (subject.apiGroup !== rbacGroup) causes.push(notSupported(`${at}.apiGroup`, subject.apiGroup ?? '', [rbacGroup]));
        break;
      default:
        causes.push(notSupported(`${at}.kind`, subject.kind ?? '', ['ServiceAccount', 'User', 'Group']));
    }
  }
  return causes;
}

export function validateRoleBindingUpdate(binding: KubeObject, old: KubeObject, clusterScoped: boolean): Causes {
  const causes = validateRoleBinding(binding, clusterScoped);
  if (!jsonEqual(root(binding).roleRef, root(old).roleRef)) causes.push(invalidValue('roleRef', root(binding).roleRef ?? null, 'cannot change roleRef'));
  return causes;
}

export function validateLease(lease: KubeObject): Causes {
  const spec = asObject(lease.spec) ?? {};
  const causes = [...positive('spec.leaseDurationSeconds', spec.leaseDurationSeconds), ...nonNegative('spec.leaseTransitions', spec.leaseTransitions)];
  causes.push(...oneOf('spec.strategy', spec.strategy, ['OldestEmulationVersion']));
  return causes;
}

/** HPA (autoscaling v1 and v2): a target, 1 ≤ minReplicas ≤ maxReplicas, and well-formed metrics. */
export function validateHorizontalPodAutoscaler(hpa: KubeObject, version: string): Causes {
  const spec = asObject(hpa.spec);
  if (spec === undefined) return [required('spec')];
  const causes: Causes = [];
  const ref = asObject(spec.scaleTargetRef) ?? {};
  if (!asString(ref.kind)) causes.push(required('spec.scaleTargetRef.kind'));
  else causes.push(...invalidEach('spec.scaleTargetRef.kind', ref.kind, pathSegmentName(String(ref.kind))));
  if (!asString(ref.name)) causes.push(required('spec.scaleTargetRef.name'));
  else causes.push(...invalidEach('spec.scaleTargetRef.name', ref.name, pathSegmentName(String(ref.name))));
  const min = asNumber(spec.minReplicas) ?? 1;
  const max = asNumber(spec.maxReplicas);
  if (min < 1) causes.push(invalidValue('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (max === undefined || max < 1) causes.push(invalidValue('spec.maxReplicas', spec.maxReplicas ?? 0, 'must be greater than 0'));
  else if (max < min) causes.push(invalidValue('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  if (version === 'v1') {
    const target = spec.targetCPUUtilizationPercentage;
    if (target !== undefined && target !== null && (asNumber(target) ?? 0) < 1) causes.push(invalidValue('spec.targetCPUUtilizationPercentage', target, 'must be greater than 0'));
    return causes;
  }
  for (const [i, metric] of objectsOf(spec.metrics)) {
    const type = asString(metric.type) ?? '';
    const key = type.charAt(0).toLowerCase() + type.slice(1);
    if (type === '') causes.push(required(`spec.metrics[${i}].type`));
    else if (!['ContainerResource', 'External', 'Object', 'Pods', 'Resource'].includes(type)) {
      causes.push(notSupported(`spec.metrics[${i}].type`, type, ['ContainerResource', 'External', 'Object', 'Pods', 'Resource']));
    } else if (asObject(metric[key]) === undefined) causes.push(required(`spec.metrics[${i}].${key}`, `must populate information for the given metric source`));
  }
  return causes;
}

export function validatePodDisruptionBudget(pdb: KubeObject): Causes {
  const spec = asObject(pdb.spec) ?? {};
  const causes: Causes = [];
  const hasMin = spec.minAvailable !== undefined && spec.minAvailable !== null;
  const hasMax = spec.maxUnavailable !== undefined && spec.maxUnavailable !== null;
  if (hasMin && hasMax) causes.push(invalidValue('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  if (hasMin) causes.push(...validateIntOrPercent(spec.minAvailable, 'spec.minAvailable', true).causes);
  if (hasMax) causes.push(...validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable', true).causes);
  causes.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  causes.push(...oneOf('spec.unhealthyPodEvictionPolicy', spec.unhealthyPodEvictionPolicy, ['AlwaysAllow', 'IfHealthyBudget']));
  return causes;
}

export function validateControllerRevision(revision: KubeObject): Causes {
  return nonNegative('revision', root(revision).revision);
}

export function validateControllerRevisionUpdate(revision: KubeObject, old: KubeObject): Causes {
  const causes = validateControllerRevision(revision);
  if (!jsonEqual(root(revision).data, root(old).data)) causes.push(invalidValue('data', '', 'field is immutable'));
  return causes;
}

/** A ServiceAccount's secrets and image pull secrets name objects. */
export function validateServiceAccount(sa: KubeObject): Causes {
  const causes: Causes = [];
  for (const list of ['secrets', 'imagePullSecrets']) {
    for (const [i, ref] of objectsOf(root(sa)[list])) {
      const name = asString(ref.name) ?? '';
      if (name !== '') causes.push(...invalidEach(`${list}[${i}].name`, name, dns1123Subdomain(name)));
    }
  }
  return causes;
}
