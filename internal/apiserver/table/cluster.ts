/** Tables for networking, discovery, coordination, storage, scheduling, policy, autoscaling and RBAC kinds. */
import type { Json, KubeObject } from '../objects.ts';
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
