/** Label selectors (equality- and set-based) and field selectors from query strings. */
import { badRequest } from './status.ts';
import type { Json, KubeObject } from './objects.ts';

type Requirement =
  | { op: 'exists' | 'notexists'; key: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: '=' | '!='; key: string; value: string };

/** Splits on commas that are not inside parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw badRequest(`unable to parse requirement: unbalanced parentheses in ${JSON.stringify(selector)}`);
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (depth !== 0) throw badRequest(`unable to parse requirement: unbalanced parentheses in ${JSON.stringify(selector)}`);
  terms.push(current.trim());
  if (terms.length === 1 && terms[0] === '') return [];
  if (terms.some((t) => t === '')) throw badRequest(`unable to parse requirement: empty term in ${JSON.stringify(selector)}`);
  return terms;
}

const labelKey = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string): string {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash < 0 ? ['', key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (!labelKey.test(key) || name.length > 63 || prefix.length > 253) throw badRequest(`unable to parse requirement: invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (value.length > 63 || !labelValue.test(value)) throw badRequest(`unable to parse requirement: invalid label value: "${value}"`);
  return value;
}

function parseRequirement(term: string): Requirement {
  let match = /^!\s*(\S+)$/.exec(term);
  if (match?.[1]) return { op: 'notexists', key: checkKey(match[1]) };
  match = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (match?.[1] && match[2] && match[3] !== undefined) {
    const values = match[3].split(',').map((v) => checkValue(v.trim()));
    return { op: match[2] === 'in' ? 'in' : 'notin', key: checkKey(match[1]), values };
  }
  match = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (match?.[1] && match[2]) return { op: match[2] === '!=' ? '!=' : '=', key: checkKey(match[1]), value: checkValue(match[3] ?? '') };
  if (/^\S+$/.test(term)) return { op: 'exists', key: checkKey(term) };
  throw badRequest(`unable to parse requirement: ${JSON.stringify(term)} is not a label selector term`);
}

/** A predicate over labels; an empty selector matches everything. 400 on bad syntax. */
export function labelSelectorMatcher(selector: string): (labels: Record<string, string>) => boolean {
  const requirements = splitTerms(selector).map(parseRequirement);
  return (labels) =>
    requirements.every((r) => {
      const has = Object.hasOwn(labels, r.key);
      const value = labels[r.key];
      switch (r.op) {
        case 'exists':
          return has;
        case 'notexists':
          return !has;
        case 'in':
          return has && value !== undefined && r.values.includes(value);
        case 'notin':
          return !has || value === undefined || !r.values.includes(value);
        case '=':
          return has && value === r.value;
        case '!=':
          return !has || value !== r.value;
      }
    });
}

/** Reads a dotted field path (metadata.name, spec.nodeName, involvedObject.uid) as a string. */
export function fieldValue(object: KubeObject, path: string): string {
  let current: Json | undefined = object as unknown as Json;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return '';
    current = current[part];
  }
  if (current === undefined || current === null) return '';
  return typeof current === 'object' ? JSON.stringify(current) : String(current);
}

const involvedObject = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'];
const regarding = involvedObject;

/** Fields each kind can be selected by, besides metadata.name and metadata.namespace (as upstream). */
const selectableFields: Record<string, readonly string[]> = {
  '/Pod': ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  '/Event': [...involvedObject.map((f) => `involvedObject.${f}`), 'reason', 'reportingComponent', 'source', 'type'],
  'events.k8s.io/Event': [...regarding.map((f) => `regarding.${f}`), 'reason', 'reportingController', 'type', 'deprecatedSource'],
  '/Secret': ['type'],
  '/Namespace': ['status.phase'],
  '/Node': ['spec.unschedulable'],
  'apps/ReplicaSet': ['status.replicas'],
  'batch/Job': ['status.successful'],
};

/**
 * A predicate over objects for `a=b,c!=d` field selectors on `type`. 400 on bad syntax
 * and on fields the kind cannot be selected by.
 */
export function fieldSelectorMatcher(selector: string, type: { group: string; kind: string }): (object: KubeObject) => boolean {
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(selectableFields[`${type.group}/${type.kind}`] ?? [])]);
  const terms = splitTerms(selector).map((term) => {
    const match = /^([A-Za-z0-9_.\-]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match?.[1] || !match[2]) throw badRequest(`invalid field selector: ${JSON.stringify(term)}: expected field=value or field!=value`);
    const value = match[3] ?? '';
    if (/[=!]/.test(value)) throw badRequest(`invalid field selector: ${JSON.stringify(term)}: the value may not contain "=" or "!"`);
    if (!allowed.has(match[1])) throw badRequest(`field label not supported: ${match[1]}`);
    return { field: match[1], negate: match[2] === '!=', value };
  });
  return (object) => terms.every((t) => (fieldValue(object, t.field) === t.value) !== t.negate);
}
