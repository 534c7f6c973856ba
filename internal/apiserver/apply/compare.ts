/**
 * What changed between two versions of an object, as three field sets.
 * Leaves are added, removed or modified; a struct, map or list item that
 * appears or disappears as a whole is also recorded itself.
 */
import type { Json } from '../objects.ts';
import { FieldSet } from './field-set.ts';
import type { PathElement } from './path-element.ts';
import type { Shape } from './shape.ts';
import { asObject, checkDepth, childShape, deepEqual, indexItems, isEmptyish, nodeKind, type WalkContext } from './walk.ts';

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

export interface CompareOptions {
  /**
   * The old side is a newly created object: its nested structs count as
   * already there (they exist, empty, in a zero-valued object), so only maps,
   * lists and list items appear as added wholes.
   */
  readonly creating?: boolean;
}

/** Compares `lhs` (before) with `rhs` (after); undefined stands for an absent object. */
export function compare(lhs: Json | undefined, rhs: Json | undefined, shape: Shape, ctx: WalkContext, options: CompareOptions = {}): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  visit(lhs, rhs, shape, [], out, ctx, options.creating === true);
  return out;
}

function visit(
  lhs: Json | undefined,
  rhs: Json | undefined,
  shape: Shape,
  path: PathElement[],
  out: Comparison,
  ctx: WalkContext,
  creating: boolean,
): void {
  checkDepth(path);
  // A null where a container belongs walks as an empty container.
  const kinds = [lhs, rhs].flatMap((v) => (v === undefined || v === null ? [] : [nodeKind(shape, v, path, ctx)]));
  const kind = kinds.includes('leaf') || kinds.length === 0 ? 'leaf' : kinds[0];
  // Both sides empty or null: a leaf, which keeps the empty/null distinction.
  if (kind === 'leaf' || (isEmptyish(lhs) && isEmptyish(rhs))) {
    if (lhs === undefined) {
      if (rhs !== undefined) out.added.insert(path);
    } else if (rhs === undefined) out.removed.insert(path);
    else if (!deepEqual(lhs, rhs)) out.modified.insert(path);
    return;
  }
  if (kind === 'fields') {
    const l = asObject(lhs);
    const r = asObject(rhs);
    const names = new Set([...Object.keys(l), ...Object.keys(r)]);
    for (const name of names) {
      const lv = Object.hasOwn(l, name) ? l[name] : undefined;
      const rv = Object.hasOwn(r, name) ? r[name] : undefined;
      visit(lv, rv, childShape(shape, name, path, ctx), [...path, { field: name }], out, ctx, creating);
    }
  } else if (shape.k === 'set' || shape.k === 'keyed') {
    const itemShape = shape.k === 'set' ? shape.items : shape.item;
    const l = indexItems(shape, Array.isArray(lhs) ? lhs : [], path, ctx);
    const r = indexItems(shape, Array.isArray(rhs) ? rhs : [], path, ctx);
    const rByText = new Map(r.map((item) => [item.text, item]));
    const lTexts = new Set(l.map((item) => item.text));
    for (const item of l) visit(item.value, rByText.get(item.text)?.value, itemShape, [...path, item.pe], out, ctx, creating);
    for (const item of r) if (!lTexts.has(item.text)) visit(undefined, item.value, itemShape, [...path, item.pe], out, ctx, creating);
  }
  const last = path[path.length - 1];
  const zeroStruct = creating && shape.k === 'struct' && last !== undefined && 'field' in last;
  if (lhs === undefined && !zeroStruct) out.added.insert(path);
  else if (rhs === undefined) out.removed.insert(path);
}
