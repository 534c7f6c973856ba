/**
 * The fields a value sets: every leaf, every map entry and every list item
 * (an item is also a member of the set, which fieldsV1 shows as `"."`).
 * Struct fields that only lead to other fields are not members on their own.
 */
import type { Json } from '../objects.ts';
import { FieldSet } from './field-set.ts';
import type { Path, PathElement } from './path-element.ts';
import type { Shape } from './shape.ts';
import { checkDepth, childShape, entriesAreMembers, indexItems, nodeKind, type WalkContext } from './walk.ts';

/** The field set of `value`; in strict mode throws TypedError where it does not fit `shape`. */
export function toFieldSet(value: Json, shape: Shape, ctx: WalkContext): FieldSet {
  const set = new FieldSet();
  visit(value, shape, [], set, ctx);
  return set;
}

function visit(value: Json, shape: Shape, path: PathElement[], set: FieldSet, ctx: WalkContext): void {
  checkDepth(path);
  const kind = nodeKind(shape, value, path, ctx);
  if (kind === 'leaf') {
    // A null where a struct, map or list belongs sets nothing.
    const container = shape.k === 'struct' || shape.k === 'map' || shape.k === 'set' || shape.k === 'keyed';
    if (!(value === null && container)) set.insert(path);
    return;
  }
  if (kind === 'fields' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [name, child] of Object.entries(value)) {
      const childPath = [...path, { field: name }];
      visit(child, childShape(shape, name, path, ctx), childPath, set, ctx);
      if (entriesAreMembers(shape, name, ctx)) set.insert(childPath);
    }
    return;
  }
  if (kind === 'items' && Array.isArray(value) && (shape.k === 'set' || shape.k === 'keyed')) {
    const itemShape = shape.k === 'set' ? shape.items : shape.item;
    for (const item of indexItems(shape, value, path, ctx)) {
      const itemPath = [...path, item.pe];
      visit(item.value, itemShape, itemPath, set, ctx);
      set.insert(itemPath);
    }
  }
}

/**
 * `set` plus, as members, the declared struct fields it passes through, so
 * removing a set drops a struct field its owner no longer sets even when the
 * field was recorded only through its children.
 */
export function withNamedFieldsAsMembers(set: FieldSet, shape: Shape, ctx: WalkContext): FieldSet {
  const out = set.copy();
  addNamed(set, shape, out, [], ctx);
  return out;
}

function addNamed(set: FieldSet, shape: Shape, out: FieldSet, path: Path, ctx: WalkContext): void {
  if (path.length > 2 * 512) return;
  const mark = (pe: PathElement): void => {
    if ('field' in pe && shape.k === 'struct' && ctx.shapes.field(shape.def, pe.field) !== undefined) out.insert([...path, pe]);
  };
  set.forEachMember(mark);
  set.forEachChild((pe, child) => {
    mark(pe);
    let next: Shape | undefined;
    if ('field' in pe) next = shape.k === 'struct' || shape.k === 'map' ? childShape(shape, pe.field, path, { ...ctx, strict: false }) : undefined;
    else if (shape.k === 'set') next = shape.items;
    else if (shape.k === 'keyed') next = shape.item;
    if (next !== undefined) addNamed(child, next, out, [...path, pe], ctx);
  });
}
