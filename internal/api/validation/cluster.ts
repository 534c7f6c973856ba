/** Core kinds of the cluster fabric: Node, PV, PVC, StorageClass, PriorityClass, quotas, limits, Events, Endpoints. */
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import {
  asArray, asNumber, asObject, asString, duplicate, forbidden, invalidEach, invalidValue, jsonEqual, nonNegative, objectsOf,
  oneOf, required, type Causes,
} from './field.ts';
import { parseQuantity } from './quantity.ts';
import { validateResourceList } from './resources.ts';
import { cidr, dns1123Label, ipAddress, labelValue, portNumber, qualifiedName } from './syntax.ts';

function root(object: KubeObject): JsonObject {
  return object as unknown as JsonObject;
}

const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/** Node: pod CIDRs and taints. */
export function validateNode(node: KubeObject): Causes {
  const spec = asObject(node.spec) ?? {};
  const causes: Causes = [];
  const cidrs = asArray(spec.podCIDRs) ?? [];
  cidrs.forEach((c, i) => causes.push(...invalidEach(`spec.podCIDRs[${i}]`, c, cidr(String(c)))));
  if (cidrs.length > 2) causes.push(invalidValue('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
  const podCIDR = asString(spec.podCIDR) ?? '';
  if (podCIDR !== '') {
    causes.push(...invalidEach('spec.podCIDR', podCIDR, cidr(podCIDR)));
    if (cidrs.length > 0 && cidrs[0] !== podCIDR) causes.push(invalidValue('spec.podCIDRs', cidrs, 'first value must match `podCIDR`'));
  }
  const seen = new Set<string>();
  for (const [i, taint] of objectsOf(spec.taints)) {
    const at = `spec.taints[${i}]`;
    const key = asString(taint.key) ?? '';
    causes.push(...invalidEach(`${at}.key`, key, qualifiedName(key)));
    const value = asString(taint.value) ?? '';
    causes.push(...invalidEach(`${at}.value`, value, labelValue(value)));
    if (!taint.effect) causes.push(required(`${at}.effect`));
    else causes.push(...oneOf(`${at}.effect`, taint.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    const id = `${key}:${asString(taint.effect) ?? ''}`;
    if (seen.has(id)) causes.push(duplicate(at, taint));
    seen.add(id);
  }
  return causes;
}

export function validateNodeUpdate(node: KubeObject, old: KubeObject): Causes {
  const causes = validateNode(node);
  const spec = asObject(node.spec) ?? {};
  const oldSpec = asObject(old.spec) ?? {};
  if ((asArray(oldSpec.podCIDRs) ?? []).length > 0 && !jsonEqual(spec.podCIDRs, oldSpec.podCIDRs)) {
    causes.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (asString(oldSpec.providerID) && spec.providerID !== oldSpec.providerID) {
    causes.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  return causes;
}

function validateAccessModes(spec: JsonObject): Causes {
  const modes = asArray(spec.accessModes) ?? [];
  if (modes.length === 0) return [required('spec.accessModes')];
  const causes = modes.flatMap((m) => oneOf('spec.accessModes', m, accessModes));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) {
    causes.push(forbidden('spec.accessModes', 'may not use ReadWriteOncePod with other access modes'));
  }
  return causes;
}

const pvSources = [
  'hostPath', 'local', 'nfs', 'csi', 'iscsi', 'fc', 'rbd', 'cephfs', 'cinder', 'flexVolume', 'azureFile', 'azureDisk',
  'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'vsphereVolume', 'quobyte', 'photonPersistentDisk',
  'portworxVolume', 'scaleIO', 'storageos', 'flocker',
];

export function validatePersistentVolume(pv: KubeObject): Causes {
  const spec = asObject(pv.spec);
  if (spec === undefined) return [required('spec')];
  const causes = validateAccessModes(spec);
  const capacity = asObject(spec.capacity);
  if (capacity === undefined || capacity.storage === undefined) causes.push(required('spec.capacity'));
  causes.push(...validateResourceList(spec.capacity, 'spec.capacity'));
  causes.push(...oneOf('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, ['Delete', 'Recycle', 'Retain']));
  causes.push(...oneOf('spec.volumeMode', spec.volumeMode, ['Block', 'Filesystem']));
  const present = pvSources.filter((s) => asObject(spec[s]) !== undefined);
  if (present.length === 0) causes.push(required('spec', 'must specify a volume type'));
  for (const extra of present.slice(1)) causes.push(forbidden(`spec.${extra}`, 'may not specify more than 1 volume type'));
  const hostPath = asObject(spec.hostPath);
  if (hostPath !== undefined && !asString(hostPath.path)) causes.push(required('spec.hostPath.path'));
  const local = asObject(spec.local);
  if (local !== undefined && !asString(local.path)) causes.push(required('spec.local.path'));
  return causes;
}

export function validatePersistentVolumeClaim(pvc: KubeObject): Causes {
  const spec = asObject(pvc.spec);
  if (spec === undefined) return [required('spec')];
  const causes = validateAccessModes(spec);
  const requests = asObject(asObject(spec.resources)?.requests);
  if (requests?.storage === undefined) causes.push(required('spec.resources[storage]'));
  else if ((parseQuantity(requests.storage) ?? 0) <= 0) causes.push(invalidValue('spec.resources[storage]', requests.storage, 'must be greater than zero'));
  causes.push(...validateResourceList(requests, 'spec.resources.requests'));
  causes.push(...oneOf('spec.volumeMode', spec.volumeMode, ['Block', 'Filesystem']));
  return causes;
}

/** A claim's spec is fixed except storage requests (expansion) and the volume attributes class. */
export function validatePersistentVolumeClaimUpdate(pvc: KubeObject, old: KubeObject): Causes {
  const causes = validatePersistentVolumeClaim(pvc);
  const strip = (o: KubeObject): JsonObject => {
    const spec = structuredClone(asObject(o.spec) ?? {});
    delete spec.resources;
    delete spec.volumeAttributesClassName;
    // volumeName may be set once, when the claim binds.
    if (!asString(asObject(old.spec)?.volumeName)) delete spec.volumeName;
    return spec;
  };
  if (!jsonEqual(strip(pvc), strip(old))) {
    causes.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  return causes;
}

export function validateStorageClass(sc: KubeObject): Causes {
  const o = root(sc);
  const provisioner = asString(o.provisioner) ?? '';
  const causes: Causes = provisioner === '' ? [required('provisioner')] : invalidEach('provisioner', provisioner, qualifiedName(provisioner.toLowerCase()));
  causes.push(...oneOf('reclaimPolicy', o.reclaimPolicy, ['Delete', 'Retain']));
  causes.push(...oneOf('volumeBindingMode', o.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer']));
  return causes;
}

export function validateStorageClassUpdate(sc: KubeObject, old: KubeObject): Causes {
  const causes = validateStorageClass(sc);
  for (const key of ['parameters', 'provisioner', 'reclaimPolicy', 'volumeBindingMode']) {
    if (!jsonEqual(root(sc)[key], root(old)[key])) causes.push(forbidden(key, `updates to ${key} are forbidden.`));
  }
  return causes;
}

const highestUserPriority = 1_000_000_000;

export function validatePriorityClass(pc: KubeObject): Causes {
  const o = root(pc);
  const causes: Causes = [];
  const name = pc.metadata.name ?? '';
  const builtIn = name === 'system-cluster-critical' || name === 'system-node-critical';
  if (name.startsWith('system-') && !builtIn) causes.push(forbidden('metadata.name', "priority class names with 'system-' prefix are reserved"));
  const value = asNumber(o.value);
  if (value === undefined) causes.push(required('value'));
  else if (!builtIn && value > highestUserPriority) {
    causes.push(forbidden('value', `maximum allowed value of a user defined priority is ${highestUserPriority}`));
  }
  causes.push(...oneOf('preemptionPolicy', o.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  return causes;
}

export function validatePriorityClassUpdate(pc: KubeObject, old: KubeObject): Causes {
  const causes = validatePriorityClass(pc);
  if (root(pc).value !== root(old).value) causes.push(forbidden('value', 'may not be changed in an update.'));
  if (root(pc).preemptionPolicy !== root(old).preemptionPolicy) causes.push(invalidValue('preemptionPolicy', root(pc).preemptionPolicy ?? null, 'field is immutable'));
  return causes;
}

export function validateResourceQuota(quota: KubeObject): Causes {
  const spec = asObject(quota.spec) ?? {};
  const causes = validateResourceList(spec.hard, 'spec.hard');
  const scopes = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating'];
  (asArray(spec.scopes) ?? []).forEach((s, i) => causes.push(...oneOf(`spec.scopes[${i}]`, s, scopes)));
  return causes;
}

/** LimitRange: known item types, valid quantities, and min ≤ default request ≤ default ≤ max. */
export function validateLimitRange(lr: KubeObject): Causes {
  const causes: Causes = [];
  for (const [i, item] of objectsOf(asObject(lr.spec)?.limits)) {
    const at = `spec.limits[${i}]`;
    if (!item.type) causes.push(required(`${at}.type`));
    else causes.push(...oneOf(`${at}.type`, item.type, ['Container', 'PersistentVolumeClaim', 'Pod']));
    const lists: Record<string, JsonObject> = {};
    for (const key of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) {
      causes.push(...validateResourceList(item[key], `${at}.${key}`));
      lists[key] = asObject(item[key]) ?? {};
    }
    const q = (list: string, name: string): number | undefined => parseQuantity(lists[list]?.[name]);
    for (const name of new Set(Object.keys(lists).flatMap((k) => Object.keys(lists[k] ?? {})))) {
      const [min, max, def, req] = [q('min', name), q('max', name), q('default', name), q('defaultRequest', name)];
      if (min !== undefined && max !== undefined && min > max) causes.push(invalidValue(`${at}.min[${name}]`, String(lists.min?.[name]), `min value ${String(lists.min?.[name])} is greater than max value ${String(lists.max?.[name])}`));
      if (min !== undefined && req !== undefined && min > req) causes.push(invalidValue(`${at}.defaultRequest[${name}]`, String(lists.defaultRequest?.[name]), `min value ${String(lists.min?.[name])} is greater than default request value ${String(lists.defaultRequest?.[name])}`));
      if (min !== undefined && def !== undefined && min > def) causes.push(invalidValue(`${at}.default[${name}]`, String(lists.default?.[name]), `min value ${String(lists.min?.[name])} is greater than default value ${String(lists.default?.[name])}`));
      if (req !== undefined && def !== undefined && req > def) causes.push(invalidValue(`${at}.defaultRequest[${name}]`, String(lists.defaultRequest?.[name]), `default request value ${String(lists.defaultRequest?.[name])} is greater than default limit value ${String(lists.default?.[name])}`));
      if (def !== undefined && max !== undefined && def > max) causes.push(invalidValue(`${at}.default[${name}]`, String(lists.default?.[name]), `default value ${String(lists.default?.[name])} is greater than max value ${String(lists.max?.[name])}`));
    }
  }
  return causes;
}

/** Core Events name an involved object in their own namespace; events.k8s.io Events also say who reported what. */
export function validateEvent(event: KubeObject, group: string): Causes {
  const o = root(event);
  const causes: Causes = [];
  if (group === 'events.k8s.io') {
    if (!o.eventTime) causes.push(required('eventTime'));
    for (const key of ['reportingController', 'reportingInstance', 'action', 'reason']) if (!asString(o[key])) causes.push(required(key));
    causes.push(...oneOf('type', o.type, ['Normal', 'Warning']));
    return causes;
  }
  const involved = asObject(o.involvedObject);
  if (involved === undefined) return [required('involvedObject')];
  const ns = asString(involved.namespace) ?? '';
  if (ns !== '' && event.metadata.namespace && ns !== event.metadata.namespace) {
    causes.push(invalidValue('involvedObject.namespace', ns, 'does not match event.namespace'));
  }
  if (o.type !== undefined && o.type !== '') causes.push(...oneOf('type', o.type, ['Normal', 'Warning']));
  causes.push(...nonNegative('count', o.count));
  return causes;
}

export function validateEndpoints(ep: KubeObject): Causes {
  const causes: Causes = [];
  for (const [i, subset] of objectsOf(root(ep).subsets)) {
    const at = `subsets[${i}]`;
    for (const list of ['addresses', 'notReadyAddresses']) {
      for (const [j, address] of objectsOf(subset[list])) causes.push(...invalidEach(`${at}.${list}[${j}].ip`, address.ip ?? '', ipAddress(asString(address.ip) ?? '')));
    }
    const ports = objectsOf(subset.ports);
    for (const [j, port] of ports) {
      const name = asString(port.name) ?? '';
      if (name === '' && ports.length > 1) causes.push(required(`${at}.ports[${j}].name`));
      else if (name !== '') causes.push(...invalidEach(`${at}.ports[${j}].name`, name, dns1123Label(name)));
      causes.push(...invalidEach(`${at}.ports[${j}].port`, port.port ?? null, portNumber(asNumber(port.port) ?? 0)));
      causes.push(...oneOf(`${at}.ports[${j}].protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
    }
  }
  return causes;
}
