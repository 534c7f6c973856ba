/** The HorizontalPodAutoscaler table, for autoscaling/v2 and autoscaling/v1 objects alike. */
import type { Json, KubeObject } from '../objects.ts';
import { at, int, list, obj, optInt, quantity, str } from './json-path.ts';
import { ageColumn, ageOf, column, nameColumn, nameOf, type Printer } from './printer.ts';

/** Per metric "current/target", at most two, as the autoscaling/v2 printer shows them. */
function hpaTargets(hpa: KubeObject): string {
  const specs = list(hpa, 'spec', 'metrics');
  const statuses = list(hpa, 'status', 'currentMetrics');
  if (specs.length === 0) return '<none>';
  const shown = specs.map((spec, i) => metricText(spec, statuses[i]));
  const max = 2;
  const text = shown.slice(0, max).join(', ');
  return shown.length > max ? `${text} + ${shown.length - max} more...` : text;
}

function metricText(spec: unknown, status: unknown): string {
  const unknown = '<unknown>';
  switch (str(spec, 'type')) {
    case 'External':
    case 'Object': {
      const key = str(spec, 'type') === 'External' ? 'external' : 'object';
      const target = obj(spec, key, 'target');
      const current = obj(status, key, 'current');
      const averageTarget = quantity(target, 'averageValue');
      if (averageTarget !== undefined) {
        return `${quantity(current, 'averageValue') ?? unknown}/${averageTarget} (avg)`;
      }
      const now = current === undefined ? unknown : (quantity(current, 'value') ?? '0');
      return `${now}/${quantity(target, 'value') ?? '0'}`;
    }
    case 'Pods': {
      const current = obj(status, 'pods', 'current');
      const now = current === undefined ? unknown : (quantity(current, 'averageValue') ?? '0');
      return `${now}/${quantity(spec, 'pods', 'target', 'averageValue') ?? '0'}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const key = str(spec, 'type') === 'Resource' ? 'resource' : 'containerResource';
      const name = str(spec, key, 'name');
      const target = obj(spec, key, 'target');
      const current = obj(status, key, 'current');
      const averageTarget = quantity(target, 'averageValue');
      if (averageTarget !== undefined) {
        const now = current === undefined ? unknown : (quantity(current, 'averageValue') ?? '0');
        return `${name}: ${now}/${averageTarget}`;
      }
      const utilization = optInt(current, 'averageUtilization');
      const wanted = optInt(target, 'averageUtilization');
      return `${name}: ${utilization === undefined ? unknown : `${utilization}%`}/${wanted === undefined ? '<auto>' : `${wanted}%`}`;
    }
    default:
      return '<unknown type>';
  }
}

/** The TARGETS cell of an autoscaling/v1 object: its single CPU utilization target. */
function hpaV1Targets(hpa: KubeObject): string {
  const wanted = optInt(hpa, 'spec', 'targetCPUUtilizationPercentage');
  if (wanted === undefined) return '<none>';
  const current = optInt(hpa, 'status', 'currentCPUUtilizationPercentage');
  return `cpu: ${current === undefined ? '<unknown>' : `${current}%`}/${wanted}%`;
}

export const horizontalPodAutoscalerPrinter: Printer = {
  columns: [
    nameColumn,
    column('Reference', 'string', 'The scaled resource.'),
    column('Targets', 'string', 'Current and target values of each metric.'),
    column('MinPods', 'string', 'The lower replica limit.'),
    column('MaxPods', 'integer', 'The upper replica limit.'),
    column('Replicas', 'integer', 'The current number of replicas.'),
    ageColumn,
  ],
  cells(hpa, now): Json[] {
    const ref = obj(hpa, 'spec', 'scaleTargetRef');
    const min = optInt(hpa, 'spec', 'minReplicas');
    const v1 = hpa.apiVersion === 'autoscaling/v1' || at(hpa, 'spec', 'targetCPUUtilizationPercentage') !== undefined;
    return [
      nameOf(hpa),
      `${str(ref, 'kind')}/${str(ref, 'name')}`,
      v1 ? hpaV1Targets(hpa) : hpaTargets(hpa),
      min === undefined ? '<unset>' : String(min),
      int(hpa, 'spec', 'maxReplicas'),
      int(hpa, 'status', 'currentReplicas'),
      ageOf(hpa, now),
    ];
  },
};
