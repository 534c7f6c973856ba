/**
 * Removal of the fields an applier stopped setting: gone from the object
 * unless another manager (or the applier's new configuration) still owns
 * them; fields the applier never owned are left alone.
 */
import type { Json } from '../objects.ts';
import { FieldSet } from './field-set.ts';
import type { ManagerEntry } from './managed-fields.ts';
import { removeItems } from './merge.ts';
import type { Shape } from './shape.ts';
import { toFieldSet, withNamedFieldsAsMembers } from './to-field-set.ts';
import type { WalkContext } from './walk.ts';

/** `merged` without what `lastApplied` set and no entry of `entries` owns any more. */
export function prune(merged: Json, entries: readonly ManagerEntry[], lastApplied: FieldSet, shape: Shape, ctx: WalkContext): Json {
  const named = (set: FieldSet): FieldSet => withNamedFieldsAsMembers(set, shape, ctx);
  const fieldsOf = (value: Json): FieldSet => named(toFieldSet(value, shape, ctx));
  const last = named(lastApplied);
  let owned = new FieldSet();
  for (const entry of entries) owned = owned.union(entry.set);
  owned = named(owned);

  const all = fieldsOf(merged);
  // Drop everything last applied, then put back what someone still owns...
  const withoutLast = removeItems(merged, last, shape, ctx) ?? {};
  const keep = fieldsOf(withoutLast).union(owned);
  const restored = removeItems(merged, all.difference(keep), shape, ctx) ?? {};
  // ...and only ever remove fields the applier had applied.
  const gone = all.difference(fieldsOf(restored)).intersection(last);
  return removeItems(merged, gone, shape, ctx) ?? {};
}
