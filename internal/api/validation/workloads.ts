/** apps/v1 workloads: Deployment, ReplicaSet, StatefulSet, DaemonSet. */
import type { Json, JsonObject, KubeObject } from '../../apiserver/objects.ts';
import {
  asNumber, asObject, forbidden, objectsOf, invalidValue, jsonEqual, nonNegative, notSupported, oneOf, required, type Causes,
} from './field.ts';
import { validatePodTemplateSpec } from './pod.ts';
import { selectorImmutable, validateWorkloadSelector } from './selectors.ts';

function specOf(object: KubeObject): JsonObject | undefined {
  return asObject(object.spec);
}

/** An int-or-percent such as maxUnavailable; returns the causes and whether the value is zero. */
export function validateIntOrPercent(value: Json | undefined, field: string, capAt100: boolean): { causes: Causes; zero: boolean } {
  if (value === undefined || value === null) return { causes: [], zero: true };
  if (typeof value === 'number') {
    return { causes: value < 0 ? [invalidValue(field, value, 'must be greater than or equal to 0')] : [], zero: value === 0 };
  }
  if (typeof value !== 'string' || !/^[0-9]+%$/.test(value)) {
    const detail = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
    return { causes: [invalidValue(field, value, detail)], zero: false };
  }
  const percent = Number(value.slice(0, -1));
  const causes = capAt100 && percent > 100 ? [invalidValue(field, value, 'must not be greater than 100%')] : [];
  return { causes, zero: percent === 0 };
}

/** The pod template of a long-running workload: valid, restartPolicy Always, no active deadline. */
function validateLongRunningTemplate(spec: JsonObject, kind: string): Causes {
  // A StatefulSet's claim templates are volumes its pods may mount.
  const claimVolumes = new Set(objectsOf(spec.volumeClaimTemplates).map(([, t]) => String(asObject(t.metadata)?.name ?? '')));
  const causes = validatePodTemplateSpec(spec.template, 'spec.template', claimVolumes);
  const podSpec = asObject(asObject(spec.template)?.spec);
  if (podSpec === undefined) return causes;
  if (podSpec.restartPolicy !== undefined && podSpec.restartPolicy !== 'Always') {
    causes.push(notSupported('spec.template.spec.restartPolicy', podSpec.restartPolicy, ['Always']));
  }
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    causes.push(forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return causes;
}

function validateCommon(spec: JsonObject, kind: string, selectorWord: string): Causes {
  return [
    ...nonNegative('spec.replicas', spec.replicas),
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit),
    ...validateWorkloadSelector(spec, selectorWord),
    ...validateLongRunningTemplate(spec, kind),
  ];
}

function validateRollingUpdate(rolling: JsonObject, field: string): Causes {
  const unavailable = validateIntOrPercent(rolling.maxUnavailable, `${field}.maxUnavailable`, true);
  const surge = validateIntOrPercent(rolling.maxSurge, `${field}.maxSurge`, false);
  const causes = [...unavailable.causes, ...surge.causes];
  if (unavailable.zero && surge.zero && causes.length === 0) {
    causes.push(invalidValue(`${field}.maxUnavailable`, rolling.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
  }
  return causes;
}

export function validateDeployment(object: KubeObject): Causes {
  const spec = specOf(object);
  if (spec === undefined) return [required('spec')];
  const causes = validateCommon(spec, 'ReplicaSet', 'deployment');
  const strategy = asObject(spec.strategy) ?? {};
  causes.push(...oneOf('spec.strategy.type', strategy.type, ['Recreate', 'RollingUpdate']));
  const rolling = asObject(strategy.rollingUpdate);
  if (strategy.type === 'Recreate' && rolling !== undefined) {
    causes.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  } else if (rolling !== undefined) causes.push(...validateRollingUpdate(rolling, 'spec.strategy.rollingUpdate'));
  const deadline = asNumber(spec.progressDeadlineSeconds);
  causes.push(...nonNegative('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds));
  if (deadline !== undefined && deadline <= (asNumber(spec.minReadySeconds) ?? 0)) {
    causes.push(invalidValue('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
  }
  return causes;
}

export function validateReplicaSet(object: KubeObject): Causes {
  const spec = specOf(object);
  return spec === undefined ? [required('spec')] : validateCommon(spec, 'ReplicaSet', 'replicaset');
}

export function validateStatefulSet(object: KubeObject): Causes {
  const spec = specOf(object);
  if (spec === undefined) return [required('spec')];
  const causes = validateCommon(spec, 'StatefulSet', 'statefulset');
  causes.push(...oneOf('spec.podManagementPolicy', spec.podManagementPolicy, ['OrderedReady', 'Parallel']));
  const strategy = asObject(spec.updateStrategy) ?? {};
  causes.push(...oneOf('spec.updateStrategy.type', strategy.type, ['OnDelete', 'RollingUpdate']));
  const rolling = asObject(strategy.rollingUpdate);
  if (strategy.type === 'OnDelete' && rolling !== undefined) {
    causes.push(forbidden('spec.updateStrategy.rollingUpdate', "only allowed for updateStrategy 'RollingUpdate'"));
  } else if (rolling !== undefined) {
    causes.push(...nonNegative('spec.updateStrategy.rollingUpdate.partition', rolling.partition));
    if (rolling.maxUnavailable !== undefined) {
      const unavailable = validateIntOrPercent(rolling.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable', true);
      causes.push(...unavailable.causes);
      if (unavailable.zero && unavailable.causes.length === 0) causes.push(invalidValue('spec.updateStrategy.rollingUpdate.maxUnavailable', rolling.maxUnavailable ?? 0, 'must be greater than 0'));
    }
  }
  const retention = asObject(spec.persistentVolumeClaimRetentionPolicy) ?? {};
  causes.push(...oneOf('spec.persistentVolumeClaimRetentionPolicy.whenDeleted', retention.whenDeleted, ['Retain', 'Delete']));
  causes.push(...oneOf('spec.persistentVolumeClaimRetentionPolicy.whenScaled', retention.whenScaled, ['Retain', 'Delete']));
  const start = asNumber(asObject(spec.ordinals)?.start);
  if (start !== undefined && start < 0) causes.push(invalidValue('spec.ordinals.start', start, 'must be greater than or equal to 0'));
  return causes;
}

export function validateDaemonSet(object: KubeObject): Causes {
  const spec = specOf(object);
  if (spec === undefined) return [required('spec')];
  const causes = [
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit),
    ...validateWorkloadSelector(spec, 'daemonset'),
    ...validateLongRunningTemplate(spec, 'DaemonSet'),
  ];
  const strategy = asObject(spec.updateStrategy) ?? {};
  causes.push(...oneOf('spec.updateStrategy.type', strategy.type, ['OnDelete', 'RollingUpdate']));
  const rolling = asObject(strategy.rollingUpdate);
  if (strategy.type === 'RollingUpdate' && rolling !== undefined) causes.push(...validateRollingUpdate(rolling, 'spec.updateStrategy.rollingUpdate'));
  return causes;
}

const statefulSetMutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/** Updates of apps workloads: the create rules, a fixed selector, and for StatefulSets a mostly fixed spec. */
export function validateWorkloadUpdate(kind: string, object: KubeObject, old: KubeObject, validate: (o: KubeObject) => Causes): Causes {
  const causes = validate(object);
  const spec = specOf(object) ?? {};
  const oldSpec = specOf(old) ?? {};
  causes.push(...selectorImmutable(spec, oldSpec));
  if (kind === 'StatefulSet') {
    const strip = (s: JsonObject): JsonObject => Object.fromEntries(Object.entries(s).filter(([k]) => !statefulSetMutable.includes(k) && k !== 'selector'));
    if (!jsonEqual(strip(spec), strip(oldSpec))) {
      causes.push(forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
    }
  }
  return causes;
}
