/** Label selectors of workloads: syntax, non-emptiness, and matching the pod template. */
import type { Json } from '../../apiserver/objects.ts';
import {
  asArray, asObject, asString, forbidden, invalidEach, invalidValue, jsonEqual, objectsOf, oneOf, required, stringMap,
  type Causes,
} from './field.ts';
import { validateLabels } from './object-meta.ts';
import { labelValue, qualifiedName } from './syntax.ts';

/** metav1.LabelSelector syntax. */
export function validateLabelSelector(selector: Json | undefined, field: string): Causes {
  const s = asObject(selector);
  if (s === undefined) return [];
  const causes = validateLabels(s.matchLabels, `${field}.matchLabels`);
  for (const [i, e] of objectsOf(s.matchExpressions)) {
    const at = `${field}.matchExpressions[${i}]`;
    const key = asString(e.key) ?? '';
    causes.push(...invalidEach(`${at}.key`, key, qualifiedName(key)));
    const values = asArray(e.values) ?? [];
    if (!e.operator) causes.push(required(`${at}.operator`));
    else causes.push(...oneOf(`${at}.operator`, e.operator, ['In', 'NotIn', 'Exists', 'DoesNotExist']));
    if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0) {
      causes.push(required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    }
    if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0) {
      causes.push(forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    }
    values.forEach((v, j) => causes.push(...invalidEach(`${at}.values[${j}]`, v, labelValue(String(v)))));
  }
  return causes;
}

/** True when `labels` satisfy the selector. */
export function selectorMatches(selector: Json | undefined, labels: Record<string, string>): boolean {
  const s = asObject(selector) ?? {};
  for (const [k, v] of Object.entries(stringMap(s.matchLabels))) if (labels[k] !== v) return false;
  for (const [, e] of objectsOf(s.matchExpressions)) {
    const key = asString(e.key) ?? '';
    const values = (asArray(e.values) ?? []).map(String);
    const has = Object.hasOwn(labels, key);
    const value = labels[key] ?? '';
    if (e.operator === 'In' && !(has && values.includes(value))) return false;
    if (e.operator === 'NotIn' && has && values.includes(value)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function isEmptySelector(selector: Json | undefined): boolean {
  const s = asObject(selector) ?? {};
  return Object.keys(asObject(s.matchLabels) ?? {}).length === 0 && (asArray(s.matchExpressions) ?? []).length === 0;
}

/**
 * A workload selector: required, non-empty, valid, and matching the template labels.
 * `kind` is the lower-case word used in the empty-selector message.
 */
export function validateWorkloadSelector(spec: Record<string, Json | undefined>, kind: string): Causes {
  const selector = spec.selector;
  if (selector === undefined || selector === null) return [required('spec.selector')];
  const causes = validateLabelSelector(selector, 'spec.selector');
  if (isEmptySelector(selector)) {
    causes.push(invalidValue('spec.selector', selector, `empty selector is invalid for ${kind}`));
    return causes;
  }
  const labels = stringMap(asObject(asObject(spec.template)?.metadata)?.labels);
  if (!selectorMatches(selector, labels)) {
    causes.push(invalidValue('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  }
  return causes;
}

/** The selector may not change after creation. */
export function selectorImmutable(spec: Record<string, Json | undefined>, oldSpec: Record<string, Json | undefined>): Causes {
  return jsonEqual(spec.selector, oldSpec.selector) ? [] : [invalidValue('spec.selector', spec.selector ?? null, 'field is immutable')];
}
