/** Container rules: names, images, ports, env, mounts, resources and probes. */
import type { Json, JsonObject } from '../../apiserver/objects.ts';
import {
  asArray, asNumber, asObject, asString, duplicate, forbidden, invalidEach, invalidValue, nonNegative, notSupported,
  objectsOf, oneOf, required, type Causes,
} from './field.ts';
import { validateResources } from './resources.ts';
import { configKey, dns1123Label, dns1123Subdomain, envVarName, ianaServiceName, portNumber } from './syntax.ts';

const protocols = ['SCTP', 'TCP', 'UDP'];
const pullPolicies = ['Always', 'IfNotPresent', 'Never'];
const fieldPaths = [
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName',
  'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];

/** A port given as a number or an IANA service name (probes, services). */
export function validatePortNumOrName(value: Json | undefined, field: string): Causes {
  if (typeof value === 'number') return invalidEach(field, value, portNumber(value));
  if (typeof value === 'string') {
    if (value === '') return [required(field)];
    return /^\d+$/.test(value) ? invalidEach(field, value, portNumber(Number(value))) : invalidEach(field, value, ianaServiceName(value));
  }
  return [required(field)];
}

function validatePorts(ports: Json | undefined, field: string): Causes {
  const causes: Causes = [];
  const names = new Set<string>();
  for (const [i, port] of objectsOf(ports)) {
    const at = `${field}[${i}]`;
    const name = asString(port.name) ?? '';
    if (name !== '') {
      causes.push(...invalidEach(`${at}.name`, name, ianaServiceName(name)));
      if (names.has(name)) causes.push(duplicate(`${at}.name`, name));
      names.add(name);
    }
    const containerPort = port.containerPort;
    if (containerPort === undefined || containerPort === 0) causes.push(required(`${at}.containerPort`));
    else causes.push(...invalidEach(`${at}.containerPort`, containerPort, portNumber(asNumber(containerPort) ?? -1)));
    const hostPort = port.hostPort;
    if (hostPort !== undefined && hostPort !== 0) causes.push(...invalidEach(`${at}.hostPort`, hostPort, portNumber(asNumber(hostPort) ?? -1)));
    if (!port.protocol) causes.push(required(`${at}.protocol`));
    else causes.push(...oneOf(`${at}.protocol`, port.protocol, protocols));
  }
  return causes;
}

function validateKeyRef(ref: JsonObject, field: string): Causes {
  const causes: Causes = [];
  const key = asString(ref.key) ?? '';
  if (key === '') causes.push(required(`${field}.key`));
  else causes.push(...invalidEach(`${field}.key`, key, configKey(key)));
  const name = asString(ref.name) ?? '';
  if (name === '') causes.push(required(`${field}.name`));
  else causes.push(...invalidEach(`${field}.name`, name, dns1123Subdomain(name)));
  return causes;
}

function validateEnv(env: Json | undefined, field: string): Causes {
  const causes: Causes = [];
  for (const [i, entry] of objectsOf(env)) {
    const at = `${field}[${i}]`;
    const name = asString(entry.name) ?? '';
    if (name === '') causes.push(required(`${at}.name`));
    else causes.push(...invalidEach(`${at}.name`, name, envVarName(name)));
    const from = asObject(entry.valueFrom);
    if (from === undefined) continue;
    if (asString(entry.value)) causes.push(invalidValue(`${at}.valueFrom`, '', 'may not be specified when `value` is not empty'));
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) => asObject(from[k]) !== undefined);
    if (sources.length !== 1) {
      causes.push(invalidValue(`${at}.valueFrom`, '', sources.length === 0
        ? 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'
        : 'may not have more than one field specified at a time'));
      continue;
    }
    const fieldRef = asObject(from.fieldRef);
    if (fieldRef !== undefined) {
      const path = asString(fieldRef.fieldPath) ?? '';
      const base = path.replace(/\[.*\]$/, '');
      if (path === '') causes.push(required(`${at}.valueFrom.fieldRef.fieldPath`));
      else if (!fieldPaths.includes(base)) causes.push(notSupported(`${at}.valueFrom.fieldRef.fieldPath`, path, fieldPaths));
    }
    const resourceRef = asObject(from.resourceFieldRef);
    if (resourceRef !== undefined && !asString(resourceRef.resource)) causes.push(required(`${at}.valueFrom.resourceFieldRef.resource`));
    for (const k of ['configMapKeyRef', 'secretKeyRef']) {
      const ref = asObject(from[k]);
      if (ref !== undefined) causes.push(...validateKeyRef(ref, `${at}.valueFrom.${k}`));
    }
  }
  return causes;
}

function validateEnvFrom(envFrom: Json | undefined, field: string): Causes {
  const causes: Causes = [];
  for (const [i, entry] of objectsOf(envFrom)) {
    const at = `${field}[${i}]`;
    const prefix = asString(entry.prefix);
    if (prefix) causes.push(...invalidEach(`${at}.prefix`, prefix, envVarName(prefix)));
    const refs = ['configMapRef', 'secretRef'].filter((k) => asObject(entry[k]) !== undefined);
    if (refs.length === 0) causes.push(invalidValue(at, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (refs.length > 1) causes.push(invalidValue(at, '', 'may not have more than one field specified at a time'));
    for (const k of refs) {
      const name = asString(asObject(entry[k])?.name) ?? '';
      if (name === '') causes.push(required(`${at}.${k}.name`));
      else causes.push(...invalidEach(`${at}.${k}.name`, name, dns1123Subdomain(name)));
    }
  }
  return causes;
}

function validateMounts(mounts: Json | undefined, field: string, volumes: ReadonlySet<string>): Causes {
  const causes: Causes = [];
  const paths = new Set<string>();
  for (const [i, mount] of objectsOf(mounts)) {
    const at = `${field}[${i}]`;
    const name = asString(mount.name) ?? '';
    if (name === '') causes.push(required(`${at}.name`));
    else if (!volumes.has(name)) causes.push({ reason: 'FieldValueNotFound', message: `Not found: ${JSON.stringify(name)}`, field: `${at}.name` });
    const path = asString(mount.mountPath) ?? '';
    if (path === '') causes.push(required(`${at}.mountPath`));
    else if (paths.has(path)) causes.push(invalidValue(`${at}.mountPath`, path, 'must be unique'));
    paths.add(path);
    const subPath = asString(mount.subPath) ?? '';
    if (subPath.startsWith('/')) causes.push(invalidValue(`${at}.subPath`, subPath, 'must be a relative path'));
    if (subPath.split('/').includes('..')) causes.push(invalidValue(`${at}.subPath`, subPath, "must not contain '..'"));
  }
  return causes;
}

const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

/** Probe and lifecycle handler rules; `liveness` also covers startup probes, whose successThreshold must be 1. */
export function validateProbe(probe: JsonObject, field: string, mustSucceedOnce: boolean): Causes {
  const causes: Causes = [];
  const present = handlers.filter((h) => asObject(probe[h]) !== undefined);
  if (present.length === 0) causes.push(required(field, 'must specify a handler type'));
  for (const extra of present.slice(1)) causes.push(forbidden(`${field}.${extra}`, 'may not specify more than 1 handler type'));
  const exec = asObject(probe.exec);
  if (exec !== undefined && (asArray(exec.command) ?? []).length === 0) causes.push(required(`${field}.exec.command`));
  const http = asObject(probe.httpGet);
  if (http !== undefined) {
    causes.push(...validatePortNumOrName(http.port, `${field}.httpGet.port`));
    causes.push(...oneOf(`${field}.httpGet.scheme`, http.scheme, ['HTTP', 'HTTPS']));
  }
  const tcp = asObject(probe.tcpSocket);
  if (tcp !== undefined) causes.push(...validatePortNumOrName(tcp.port, `${field}.tcpSocket.port`));
  const grpc = asObject(probe.grpc);
  if (grpc !== undefined) causes.push(...invalidEach(`${field}.grpc.port`, grpc.port, portNumber(asNumber(grpc.port) ?? -1)));
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds']) {
    causes.push(...nonNegative(`${field}.${k}`, probe[k]));
  }
  if (mustSucceedOnce && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    causes.push(invalidValue(`${field}.successThreshold`, probe.successThreshold, 'must be 1'));
  }
  return causes;
}

/** One container of any list; `names` collects names across all container lists to find duplicates. */
export function validateContainer(c: JsonObject, field: string, names: Set<string>, volumes: ReadonlySet<string>, init: boolean): Causes {
  const causes: Causes = [];
  const name = asString(c.name) ?? '';
  if (name === '') causes.push(required(`${field}.name`));
  else {
    causes.push(...invalidEach(`${field}.name`, name, dns1123Label(name)));
    if (names.has(name)) causes.push(duplicate(`${field}.name`, name));
    names.add(name);
  }
  const image = asString(c.image) ?? '';
  if (image === '') causes.push(required(`${field}.image`));
  else if (image.trim() !== image) causes.push(invalidValue(`${field}.image`, image, 'must not have leading or trailing whitespace'));
  if (!c.imagePullPolicy) causes.push(required(`${field}.imagePullPolicy`));
  else causes.push(...oneOf(`${field}.imagePullPolicy`, c.imagePullPolicy, pullPolicies));
  causes.push(...oneOf(`${field}.terminationMessagePolicy`, c.terminationMessagePolicy, ['File', 'FallbackToLogsOnError']));
  causes.push(...validatePorts(c.ports, `${field}.ports`));
  causes.push(...validateEnv(c.env, `${field}.env`));
  causes.push(...validateEnvFrom(c.envFrom, `${field}.envFrom`));
  causes.push(...validateMounts(c.volumeMounts, `${field}.volumeMounts`, volumes));
  causes.push(...validateResources(c.resources, `${field}.resources`));
  const probes: Array<[string, boolean]> = [['livenessProbe', true], ['readinessProbe', false], ['startupProbe', true]];
  for (const [key, once] of probes) {
    const probe = asObject(c[key]);
    if (probe === undefined) continue;
    // Only sidecar init containers (restartPolicy Always) may have probes.
    if (init && c.restartPolicy !== 'Always') causes.push(forbidden(`${field}.${key}`, `may not be set for init containers without restartPolicy=Always`));
    else causes.push(...validateProbe(probe, `${field}.${key}`, once));
  }
  if (init) causes.push(...oneOf(`${field}.restartPolicy`, c.restartPolicy, ['Always']));
  else if (c.restartPolicy !== undefined) causes.push(forbidden(`${field}.restartPolicy`, 'may not be set for non-init containers'));
  const lifecycle = asObject(c.lifecycle);
  for (const hook of ['postStart', 'preStop']) {
    const handler = asObject(lifecycle?.[hook]);
    if (handler === undefined) continue;
    const present = ['exec', 'httpGet', 'tcpSocket', 'sleep'].filter((h) => asObject(handler[h]) !== undefined);
    if (present.length === 0) causes.push(required(`${field}.lifecycle.${hook}`, 'must specify a handler type'));
    else if (present.length > 1) causes.push(forbidden(`${field}.lifecycle.${hook}.${present[1] ?? ''}`, 'may not specify more than 1 handler type'));
  }
  return causes;
}
