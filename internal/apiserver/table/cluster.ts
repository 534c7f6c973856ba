/** Tables for networking, discovery, coordination, storage, scheduling, policy, autoscaling and RBAC kinds. */
import type { Json, KubeObject } from '../objects.ts';
import { createdAt } from './duration.ts';
import { formatLabelSelector, loadBalancerIngress } from './format.ts';
import { at, int, list, obj, optBool, optInt, optStr, quantity, str } from './json-path.ts';
import { ageColumn, ageOf, column, nameColumn, nameOf, type Printer } from './printer.ts';

/** Up to `max` items, then "+ N more..."; "<unset>" when empty (the discovery lists' convention). */
function listWithMore(items: string[], max: number): string {
  const text = items.slice(0, max).join(',');
  if (items.length > max) return `${text} + ${items.length - max} more...`;
  return text === '' ? '<unset>' : text;
}

function ingressHosts(ingress: KubeObject): string {
  const rules = list(ingress, 'spec', 'rules');
  const max = 3;
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === max) more = true;
    const host = str(rule, 'host');
    if (!more && host !== '') hosts.push(host);
  }
  if (hosts.length === 0) return '*';
  return more ? `${hosts.join(',')} + ${rules.length - max} more...` : hosts.join(',');
}

export const ingressPrinter: Printer = {
  columns: [
    nameColumn,
    column('Class', 'string', 'The ingress class that handles this ingress.'),
    column('Hosts', 'string', 'Hosts the rules match.'),
    column('Address', 'string', 'Load balancer addresses of the ingress.'),
    column('Ports', 'string', 'Ports the ingress serves.'),
    ageColumn,
  ],
  cells(ing, now): Json[] {
    return [
      nameOf(ing),
      optStr(ing, 'spec', 'ingressClassName') ?? '<none>',
      ingressHosts(ing),
      loadBalancerIngress(obj(ing, 'status', 'loadBalancer')),
      list(ing, 'spec', 'tls').length > 0 ? '80, 443' : '80',
      ageOf(ing, now),
    ];
  },
};

export const ingressClassPrinter: Printer = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'The controller that implements the class.'),
    column('Parameters', 'string', 'The resource holding extra configuration.'),
    ageColumn,
  ],
  cells(ic, now): Json[] {
    const params = obj(ic, 'spec', 'parameters');
    let text = '<none>';
    if (params !== undefined) {
      const group = optStr(params, 'apiGroup');
      text = `${str(params, 'kind')}${group === undefined ? '' : `.${group}`}/${str(params, 'name')}`;
    }
    return [nameOf(ic), str(ic, 'spec', 'controller'), text, ageOf(ic, now)];
  },
};

export const networkPolicyPrinter: Printer = {
  columns: [nameColumn, column('Pod-Selector', 'string', 'The pods the policy applies to.'), ageColumn],
  cells(np, now): Json[] {
    return [nameOf(np), formatLabelSelector(obj(np, 'spec', 'podSelector') ?? {}), ageOf(np, now)];
  },
};

export const endpointSlicePrinter: Printer = {
  columns: [
    nameColumn,
    column('AddressType', 'string', 'The kind of addresses in the slice.'),
    column('Ports', 'string', 'Ports of the endpoints.'),
    column('Endpoints', 'string', 'Addresses of the endpoints.'),
    ageColumn,
  ],
  cells(slice, now): Json[] {
    const ports = list(slice, 'ports').map((p) => {
      const port = optInt(p, 'port');
      if (port !== undefined) return String(port);
      return optStr(p, 'name') ?? '*';
    });
    const addresses = list(slice, 'endpoints').flatMap((e) => {
      const found = at(e, 'addresses');
      return Array.isArray(found) ? found.filter((a): a is string => typeof a === 'string') : [];
    });
    return [nameOf(slice), str(slice, 'addressType'), listWithMore(ports, 3), listWithMore(addresses, 3), ageOf(slice, now)];
  },
};

export const leasePrinter: Printer = {
  columns: [nameColumn, column('Holder', 'string', 'The identity holding the lease.'), ageColumn],
  cells(lease, now): Json[] {
    return [nameOf(lease), str(lease, 'spec', 'holderIdentity'), ageOf(lease, now)];
  },
};

function isDefaultClass(sc: KubeObject): boolean {
  const annotations = sc.metadata.annotations ?? {};
  return annotations['storageclass.kubernetes.io/is-default-class'] === 'true' || annotations['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

export const storageClassPrinter: Printer = {
  columns: [
    nameColumn,
    column('Provisioner', 'string', 'The volume plugin that provisions volumes of this class.'),
    column('ReclaimPolicy', 'string', 'The reclaim policy of provisioned volumes.'),
    column('VolumeBindingMode', 'string', 'When volumes are bound and provisioned.'),
    column('AllowVolumeExpansion', 'string', 'Whether claims of this class can grow.'),
    ageColumn,
  ],
  cells(sc, now): Json[] {
    return [
      isDefaultClass(sc) ? `${nameOf(sc)} (default)` : nameOf(sc),
      str(sc, 'provisioner'),
      optStr(sc, 'reclaimPolicy') ?? 'Delete',
      optStr(sc, 'volumeBindingMode') ?? 'Immediate',
      optBool(sc, 'allowVolumeExpansion') ?? false,
      ageOf(sc, now),
    ];
  },
};

export const priorityClassPrinter: Printer = {
  columns: [
    nameColumn,
    column('Value', 'integer', 'The priority of pods using this class.'),
    column('Global-Default', 'boolean', 'Whether pods without a class get this one.'),
    ageColumn,
    column('PreemptionPolicy', 'string', 'Whether pods of this class preempt lower-priority pods.'),
  ],
  cells(pc, now): Json[] {
    return [nameOf(pc), int(pc, 'value'), optBool(pc, 'globalDefault') ?? false, ageOf(pc, now), optStr(pc, 'preemptionPolicy') ?? ''];
  },
};

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    nameColumn,
    column('Min Available', 'string', 'Pods that must stay available.'),
    column('Max Unavailable', 'string', 'Pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Pods that may be disrupted now.'),
    ageColumn,
  ],
  cells(pdb, now): Json[] {
    return [
      nameOf(pdb),
      quantity(pdb, 'spec', 'minAvailable') ?? 'N/A',
      quantity(pdb, 'spec', 'maxUnavailable') ?? 'N/A',
      int(pdb, 'status', 'disruptionsAllowed'),
      ageOf(pdb, now),
    ];
  },
};

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

const createdAtColumn = column('Created At', 'date', 'When the object was created.');

export const rolePrinter: Printer = {
  columns: [nameColumn, createdAtColumn],
  cells(role): Json[] {
    return [nameOf(role), createdAt(role.metadata.creationTimestamp)];
  },
};

/** Users, groups and "namespace:name" service accounts of a binding, each ", "-joined. */
function bindingSubjects(binding: KubeObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const accounts: string[] = [];
  for (const subject of list(binding, 'subjects')) {
    const name = str(subject, 'name');
    switch (str(subject, 'kind')) {
      case 'User':
        users.push(name);
        break;
      case 'Group':
        groups.push(name);
        break;
      case 'ServiceAccount':
        accounts.push(`${str(subject, 'namespace')}:${name}`);
        break;
    }
  }
  return [users.join(', '), groups.join(', '), accounts.join(', ')];
}

export const bindingPrinter: Printer = {
  columns: [
    nameColumn,
    column('Role', 'string', 'The role the binding grants.'),
    ageColumn,
    column('Users', 'string', 'Users bound to the role.', 1),
    column('Groups', 'string', 'Groups bound to the role.', 1),
    column('ServiceAccounts', 'string', 'Service accounts bound to the role.', 1),
  ],
  cells(binding, now): Json[] {
    return [
      nameOf(binding),
      `${str(binding, 'roleRef', 'kind')}/${str(binding, 'roleRef', 'name')}`,
      ageOf(binding, now),
      ...bindingSubjects(binding),
    ];
  },
};
