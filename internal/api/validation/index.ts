/**
 * Validation of built-in kinds on create and update, run on the defaulted object.
 * Both return the causes for a 422 Invalid (empty when valid); the caller builds the
 * error with `invalid(kind, group, name, causes)`. Immutability of name, namespace and
 * uid is enforced by the storage layer, not here.
 */
import type { KubeObject } from '../../apiserver/objects.ts';
import type { StatusCause } from '../../apiserver/status.ts';
import type { ResourceType } from '../resources.ts';
import type { Causes } from './field.ts';
import { kindValidators } from './kinds.ts';
import { nameCheckFor, validateObjectMeta } from './object-meta.ts';

export { isQuantity, parseQuantity } from './quantity.ts';

/** Causes that make `object` invalid as a new object of `type`. */
export function validateCreate(type: ResourceType, object: KubeObject): StatusCause[] {
  const causes: Causes = validateObjectMeta(object.metadata, type.namespaced, nameCheckFor(type.kind));
  const validator = kindValidators[type.kind];
  if (validator !== undefined) causes.push(...validator.create(object, type));
  return causes;
}

/** Causes that make `object` an invalid replacement for `old`. */
export function validateUpdate(type: ResourceType, object: KubeObject, old: KubeObject): StatusCause[] {
  const causes: Causes = validateObjectMeta(object.metadata, type.namespaced, nameCheckFor(type.kind));
  const validator = kindValidators[type.kind];
  if (validator !== undefined) causes.push(...(validator.update ?? validator.create)(object, type, old));
  return causes;
}
