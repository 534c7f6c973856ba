/** Cell formatting shared by several kinds: label selectors, label maps, container lists. */
import { at, list, obj, str, stringMap, strings } from './json-path.ts';

/** Go's sort order for strings: by UTF-16 code unit, which matches byte order for ASCII keys. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "k1=v1,k2=v2" sorted by key, or "<none>" for an empty map. */
export function formatLabels(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort(byCodeUnit);
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels[k] ?? ''}`).join(',');
}

interface Requirement {
  key: string;
  text: string;
}

/**
 * A metav1.LabelSelector in label-selector syntax ("app=web,tier in (a,b),!legacy"),
 * requirements sorted by key; "" when the selector is absent or selects everything;
 * undefined when an expression has an unknown operator.
 */
export function selectorString(selector: unknown): string | undefined {
  if (selector === undefined || selector === null) return '';
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(stringMap(selector, 'matchLabels'))) {
    requirements.push({ key, text: `${key}=${value}` });
  }
  for (const expr of list(selector, 'matchExpressions')) {
    const key = str(expr, 'key');
    const values = [...new Set(strings(expr, 'values'))].sort(byCodeUnit).join(',');
    switch (str(expr, 'operator')) {
      case 'In':
        requirements.push({ key, text: `${key} in (${values})` });
        break;
      case 'NotIn':
        requirements.push({ key, text: `${key} notin (${values})` });
        break;
      case 'Exists':
        requirements.push({ key, text: key });
        break;
      case 'DoesNotExist':
        requirements.push({ key, text: `!${key}` });
        break;
      default:
        return undefined;
    }
  }
  // A stable sort by key keeps matchLabels ahead of expressions on the same key.
  requirements.sort((a, b) => byCodeUnit(a.key, b.key));
  return requirements.map((r) => r.text).join(',');
}

/** A selector cell for wide columns: "<invalid>" stands in for a selector that cannot be parsed. */
export function selectorCell(selector: unknown): string {
  return selectorString(selector) ?? '<invalid>';
}

/** A selector as NetworkPolicy prints it: "<none>" when it selects everything. */
export function formatLabelSelector(selector: unknown): string {
  const text = selectorString(selector);
  if (text === undefined) return '<error>';
  return text === '' ? '<none>' : text;
}

/** The CONTAINERS and IMAGES cells of a pod template spec (comma-joined names and images). */
export function containerCells(podSpec: unknown): [string, string] {
  const containers = list(podSpec, 'containers');
  return [containers.map((c) => str(c, 'name')).join(','), containers.map((c) => str(c, 'image')).join(',')];
}

/** Load balancer ingress points (IP, else hostname), comma-joined. */
export function loadBalancerIngress(status: unknown): string {
  const points: string[] = [];
  for (const ingress of list(status, 'ingress')) {
    const ip = str(ingress, 'ip');
    const hostname = str(ingress, 'hostname');
    if (ip !== '') points.push(ip);
    else if (hostname !== '') points.push(hostname);
  }
  return points.join(',');
}

/** Whether an object has a deletion timestamp (it is being deleted). */
export function isDeleting(object: unknown): boolean {
  return str(object, 'metadata', 'deletionTimestamp') !== '';
}

/** The owner reference marked as controller, if any. */
export function controllerOf(object: unknown): Record<string, unknown> | undefined {
  const refs = at(object, 'metadata', 'ownerReferences');
  if (!Array.isArray(refs)) return undefined;
  return refs.map((r) => obj(r)).find((r) => r !== undefined && r.controller === true);
}

const accessModeShort: Array<[string, string]> = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** Access modes in their fixed short order ("RWO,ROX"), duplicates dropped. */
export function accessModes(modes: string[]): string {
  return accessModeShort.filter(([mode]) => modes.includes(mode)).map(([, short]) => short).join(',');
}
