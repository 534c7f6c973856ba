/**
 * Versions that share stored objects: events.k8s.io/v1 Events are stored as core/v1
 * Events, and autoscaling/v1 HorizontalPodAutoscalers as autoscaling/v2. Objects are
 * converted to the stored shape on write and back to the requested one on read.
 */
import type { ResourceType } from '../api/resources.ts';
import { isPlainObject, type Json, type JsonObject, type KubeObject } from './objects.ts';

/** Pairs of (requested field, stored field) that only differ in name. */
const eventRenames: ReadonlyArray<readonly [string, string]> = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

function rename(object: KubeObject, pairs: ReadonlyArray<readonly [string, string]>, toStored: boolean): KubeObject {
  const out: KubeObject = { ...object };
  for (const [requested, stored] of pairs) {
    const [from, to] = toStored ? [requested, stored] : [stored, requested];
    if (from in out) {
      const value = out[from];
      delete out[from];
      if (value !== undefined) out[to] = value;
    }
  }
  return out;
}

/** The stored shape of an object written through `type`. */
export function toStorage(type: Pick<ResourceType, 'group' | 'version' | 'kind'>, object: KubeObject): KubeObject {
  if (type.group === 'events.k8s.io') return rename(object, eventRenames, true);
  if (type.group === 'autoscaling' && type.version === 'v1') return hpaV1ToV2(object);
  return object;
}

/** The shape `type` serves of a stored object. */
export function fromStorage(type: Pick<ResourceType, 'group' | 'version' | 'kind'>, object: KubeObject): KubeObject {
  if (type.group === 'events.k8s.io') return rename(object, eventRenames, false);
  if (type.group === 'autoscaling' && type.version === 'v1') return hpaV2ToV1(object);
  return object;
}

const cpuTarget = (utilization: Json): JsonObject => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: utilization } },
});

function hpaV1ToV2(object: KubeObject): KubeObject {
  const out: KubeObject = { ...object };
  if (isPlainObject(object.spec)) {
    const { targetCPUUtilizationPercentage, ...spec } = object.spec;
    out.spec = targetCPUUtilizationPercentage === undefined ? spec : { ...spec, metrics: [cpuTarget(targetCPUUtilizationPercentage)] };
  }
  if (isPlainObject(object.status)) {
    const { currentCPUUtilizationPercentage, ...status } = object.status;
    out.status =
      currentCPUUtilizationPercentage === undefined
        ? status
        : { ...status, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: currentCPUUtilizationPercentage } } }] };
  }
  return out;
}

function hpaV2ToV1(object: KubeObject): KubeObject {
  const out: KubeObject = { ...object };
  if (isPlainObject(object.spec)) {
    const { metrics, behavior: _behavior, ...spec } = object.spec;
    const cpu = cpuUtilization(metrics, 'target');
    out.spec = cpu === undefined ? spec : { ...spec, targetCPUUtilizationPercentage: cpu };
  }
  if (isPlainObject(object.status)) {
    const { currentMetrics, conditions: _conditions, ...status } = object.status;
    const cpu = cpuUtilization(currentMetrics, 'current');
    out.status = cpu === undefined ? status : { ...status, currentCPUUtilizationPercentage: cpu };
  }
  return out;
}

function cpuUtilization(metrics: Json | undefined, field: 'target' | 'current'): Json | undefined {
  if (!Array.isArray(metrics)) return undefined;
  for (const metric of metrics) {
    if (!isPlainObject(metric) || metric.type !== 'Resource' || !isPlainObject(metric.resource)) continue;
    const resource = metric.resource;
    const value = resource[field];
    if (resource.name === 'cpu' && isPlainObject(value) && value.averageUtilization !== undefined) return value.averageUtilization;
  }
  return undefined;
}
