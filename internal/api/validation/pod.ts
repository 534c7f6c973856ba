/** Pod and pod template rules: the spec shared by every workload, and what a pod update may change. */
import type { Json, JsonObject, KubeObject } from '../../apiserver/objects.ts';
import { validateContainer } from './container.ts';
import {
  asArray, asNumber, asObject, asString, forbidden, invalidEach, invalidValue, jsonEqual, nonNegative, objectsOf, oneOf,
  required, type Causes,
} from './field.ts';
import { validateLabels } from './object-meta.ts';
import { validateResources } from './resources.ts';
import { dns1123Label, dns1123Subdomain, labelValue, qualifiedName } from './syntax.ts';
import { validateVolumes } from './volumes.ts';

const restartPolicies = ['Always', 'OnFailure', 'Never'];
const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Tolerations: operator and effect enums, and the key/value combinations Kubernetes allows. */
export function validateTolerations(tolerations: Json | undefined, field: string): Causes {
  const causes: Causes = [];
  for (const [i, t] of objectsOf(tolerations)) {
    const at = `${field}[${i}]`;
    const key = asString(t.key) ?? '';
    const operator = asString(t.operator) ?? 'Equal';
    if (key !== '') causes.push(...invalidEach(`${at}.key`, key, qualifiedName(key)));
    else if (operator !== 'Exists') causes.push(invalidValue(`${at}.operator`, operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      causes.push(invalidValue(`${at}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    const value = asString(t.value) ?? '';
    if (operator === 'Equal') causes.push(...invalidEach(`${at}.operator`, value, labelValue(value)));
    else if (operator === 'Exists') {
      if (value !== '') causes.push(invalidValue(`${at}.operator`, t, 'value must be empty when `operator` is \'Exists\''));
    } else causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(operator)}: supported values: "Equal", "Exists"`, field: `${at}.operator` });
    if (t.effect) causes.push(...oneOf(`${at}.effect`, t.effect, taintEffects));
  }
  return causes;
}

/** Everything a PodSpec must satisfy, wherever it appears (pods, templates). */
/** `claimVolumes`: volume names a StatefulSet's volumeClaimTemplates provide. */
export function validatePodSpec(spec: JsonObject | undefined, field: string, claimVolumes: ReadonlySet<string> = new Set()): Causes {
  if (spec === undefined) return [required(field)];
  const causes: Causes = [];
  const declared = validateVolumes(spec.volumes, `${field}.volumes`);
  causes.push(...declared.causes);
  const volumes = { names: new Set([...declared.names, ...claimVolumes]) };
  const names = new Set<string>();
  const containers = objectsOf(spec.containers);
  if (containers.length === 0) causes.push(required(`${field}.containers`));
  for (const [i, c] of objectsOf(spec.initContainers)) causes.push(...validateContainer(c, `${field}.initContainers[${i}]`, names, volumes.names, true));
  for (const [i, c] of containers) causes.push(...validateContainer(c, `${field}.containers[${i}]`, names, volumes.names, false));
  causes.push(...validateHostPorts(spec, field));
  if (!spec.restartPolicy) causes.push(required(`${field}.restartPolicy`));
  else causes.push(...oneOf(`${field}.restartPolicy`, spec.restartPolicy, restartPolicies));
  if (!spec.dnsPolicy) causes.push(required(`${field}.dnsPolicy`));
  else causes.push(...oneOf(`${field}.dnsPolicy`, spec.dnsPolicy, dnsPolicies));
  if (spec.dnsPolicy === 'None' && (asArray(asObject(spec.dnsConfig)?.nameservers) ?? []).length === 0) {
    causes.push(required(`${field}.dnsConfig.nameservers`, 'must provide at least one DNS nameserver when DNSPolicy is None'));
  }
  causes.push(...validateLabels(spec.nodeSelector, `${field}.nodeSelector`));
  causes.push(...validateTolerations(spec.tolerations, `${field}.tolerations`));
  causes.push(...nonNegative(`${field}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds));
  const deadline = spec.activeDeadlineSeconds;
  if (deadline !== undefined && deadline !== null && !((asNumber(deadline) ?? 0) >= 1 && (asNumber(deadline) ?? 0) <= 2147483647)) {
    causes.push(invalidValue(`${field}.activeDeadlineSeconds`, deadline, 'must be between 1 and 2147483647, inclusive'));
  }
  for (const key of ['serviceAccountName', 'priorityClassName', 'nodeName']) {
    const v = asString(spec[key]);
    if (v) causes.push(...invalidEach(`${field}.${key}`, v, dns1123Subdomain(v)));
  }
  for (const key of ['hostname', 'subdomain']) {
    const v = asString(spec[key]);
    if (v) causes.push(...invalidEach(`${field}.${key}`, v, dns1123Label(v)));
  }
  causes.push(...oneOf(`${field}.preemptionPolicy`, spec.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  causes.push(...validateResources(spec.overhead === undefined ? undefined : { limits: spec.overhead }, `${field}.overhead`));
  return causes;
}

function validateHostPorts(spec: JsonObject, field: string): Causes {
  const causes: Causes = [];
  const seen = new Set<string>();
  for (const list of ['initContainers', 'containers']) {
    for (const [i, c] of objectsOf(spec[list])) {
      for (const [j, p] of objectsOf(c.ports)) {
        const hostPort = asNumber(p.hostPort) ?? 0;
        if (hostPort === 0) continue;
        const key = `${asString(p.hostIP) ?? ''}/${hostPort}/${asString(p.protocol) ?? 'TCP'}`;
        if (seen.has(key)) causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: "${hostPort}/${asString(p.protocol) ?? 'TCP'}"`, field: `${field}.${list}[${i}].ports[${j}].hostPort` });
        seen.add(key);
      }
    }
  }
  return causes;
}

/** A pod template: labels valid and the pod spec valid. */
export function validatePodTemplateSpec(template: unknown, field: string, claimVolumes: ReadonlySet<string> = new Set()): Causes {
  const t = asObject(template);
  if (t === undefined) return [required(field)];
  const meta = asObject(t.metadata) ?? {};
  return [
    ...validateLabels(meta.labels, `${field}.metadata.labels`),
    ...validatePodSpec(asObject(t.spec), `${field}.spec`, claimVolumes),
  ];
}

/** A Pod's spec (metadata is checked separately). */
export function validatePod(pod: KubeObject): Causes {
  return validatePodSpec(asObject(pod.spec), 'spec');
}

/** A PodTemplate object's template. */
export function validatePodTemplate(object: KubeObject): Causes {
  return validatePodTemplateSpec(object.template, 'template');
}

const podUpdateMessage =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** Pod specs are immutable except images, a shorter active deadline, added tolerations and removed scheduling gates. */
export function validatePodUpdate(pod: KubeObject, old: KubeObject): Causes {
  const spec = asObject(pod.spec) ?? {};
  const oldSpec = asObject(old.spec) ?? {};
  const causes = validatePodSpec(spec, 'spec');
  const oldDeadline = asNumber(oldSpec.activeDeadlineSeconds);
  const newDeadline = asNumber(spec.activeDeadlineSeconds);
  if (oldDeadline !== undefined && (newDeadline === undefined || newDeadline > oldDeadline)) {
    causes.push(invalidValue('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds ?? null, 'must be less than or equal to previous value'));
  }
  const oldTolerations = asArray(oldSpec.tolerations) ?? [];
  const newTolerations = asArray(spec.tolerations) ?? [];
  const kept = oldTolerations.every((t) => newTolerations.some((n) => jsonEqual(n, t)));
  if (!kept) causes.push(forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
  // Compare with the mutable fields copied over from the new spec.
  const comparable: JsonObject = structuredClone(oldSpec);
  for (const list of ['containers', 'initContainers']) {
    const olds = asArray(comparable[list]) ?? [];
    const news = asArray(spec[list]) ?? [];
    olds.forEach((c, i) => {
      const o = asObject(c);
      const image = asObject(news[i])?.image;
      if (o !== undefined && image !== undefined) o.image = image;
    });
  }
  for (const key of ['activeDeadlineSeconds', 'tolerations', 'schedulingGates']) {
    if (spec[key] === undefined) delete comparable[key];
    else comparable[key] = spec[key] ?? null;
  }
  const oldGrace = asNumber(oldSpec.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && spec.terminationGracePeriodSeconds === 1) comparable.terminationGracePeriodSeconds = 1;
  const gates = asArray(spec.schedulingGates) ?? [];
  if (!gates.every((g) => (asArray(oldSpec.schedulingGates) ?? []).some((o) => jsonEqual(o, g)))) {
    causes.push(forbidden('spec.schedulingGates', 'only deletion is allowed, but found new scheduling gate'));
  }
  if (!jsonEqual(comparable, spec)) causes.push(forbidden('spec', podUpdateMessage));
  return causes;
}
