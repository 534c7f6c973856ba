/** Resource lists (requests, limits, quota hard limits): names and quantities. */
import type { Json } from '../../apiserver/objects.ts';
import { asObject, invalidEach, invalidValue, type Causes } from './field.ts';
import { parseQuantity, quantitySyntax } from './quantity.ts';
import { qualifiedName } from './syntax.ts';

/** Each entry a qualified resource name with a non-negative quantity; field paths as `<field>[<name>]`. */
export function validateResourceList(list: Json | undefined, field: string): Causes {
  const causes: Causes = [];
  for (const [name, value] of Object.entries(asObject(list) ?? {})) {
    const at = `${field}[${name}]`;
    causes.push(...invalidEach(at, name, qualifiedName(name)));
    const amount = parseQuantity(value);
    if (amount === undefined) causes.push(invalidValue(at, value, quantitySyntax));
    else if (amount < 0) causes.push(invalidValue(at, value, 'must be greater than or equal to 0'));
  }
  return causes;
}

/** Container resource requirements: valid lists, and every request no more than its limit. */
export function validateResources(resources: Json | undefined, field: string): Causes {
  const r = asObject(resources);
  if (r === undefined) return [];
  const causes = [...validateResourceList(r.limits, `${field}.limits`), ...validateResourceList(r.requests, `${field}.requests`)];
  const limits = asObject(r.limits) ?? {};
  for (const [name, value] of Object.entries(asObject(r.requests) ?? {})) {
    const limit = limits[name];
    if (limit === undefined) continue;
    const requested = parseQuantity(value);
    const allowed = parseQuantity(limit);
    if (requested !== undefined && allowed !== undefined && requested > allowed) {
      causes.push(invalidValue(`${field}.requests[${name}]`, String(value), `must be less than or equal to ${name} limit of ${String(limit)}`));
    }
  }
  return causes;
}
