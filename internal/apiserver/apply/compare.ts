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
  visit(lhs, rhs, shape, { elements: [], texts: [] }, out, ctx, options.creating === true);
  return out;
}

/**
 * The path being visited, grown and shrunk in place as the walk goes down and back up
 * (nothing keeps it), with each element's serialized form beside it so that recording
 * a path never serializes its elements again.
 */
interface WalkPath {
  readonly elements: PathElement[];
  readonly texts: string[];
}

function visit(lhs: Json | undefined, rhs: Json | undefined, shape: Shape, path: WalkPath, out: Comparison, ctx: WalkContext, creating: boolean): void {
  const at = path.elements;
  checkDepth(at);
  // Equal on both sides: nothing below is added, modified or removed. (A strict walk goes
  // on, as it must still check every value against the schema.)
  if (!ctx.strict && lhs !== undefined && rhs !== undefined && deepEqual(lhs, rhs)) return;
  // A null where a container belongs walks as an empty container.
  const left = lhs === undefined || lhs === null ? undefined : nodeKind(shape, lhs, at, ctx);
  const right = rhs === undefined || rhs === null ? undefined : nodeKind(shape, rhs, at, ctx);
  const kind = left === 'leaf' || right === 'leaf' || (left === undefined && right === undefined) ? 'leaf' : (left ?? right);
  // Both sides empty or null: a leaf, which keeps the empty/null distinction.
  if (kind === 'leaf' || (isEmptyish(lhs) && isEmptyish(rhs))) {
    if (lhs === undefined) {
      if (rhs !== undefined) out.added.insertSerialized(at, path.texts);
    } else if (rhs === undefined) out.removed.insertSerialized(at, path.texts);
    else if (!deepEqual(lhs, rhs)) out.modified.insertSerialized(at, path.texts);
    return;
  }
  if (kind === 'fields') {
    const l = asObject(lhs);
    const r = asObject(rhs);
    // Names of the left side in order, then those only the right side has.
    for (const name of Object.keys(l)) field(l[name], Object.hasOwn(r, name) ? r[name] : undefined, name, shape, path, out, ctx, creating);
    for (const name of Object.keys(r)) if (!Object.hasOwn(l, name)) field(undefined, r[name], name, shape, path, out, ctx, creating);
  } else if (shape.k === 'set' || shape.k === 'keyed') {
    const itemShape = shape.k === 'set' ? shape.items : shape.item;
    const l = indexItems(shape, Array.isArray(lhs) ? lhs : [], at, ctx);
    const r = indexItems(shape, Array.isArray(rhs) ? rhs : [], at, ctx);
    const rByText = new Map(r.map((item) => [item.text, item]));
    const lTexts = new Set(l.map((item) => item.text));
    for (const item of l) below(item.value, rByText.get(item.text)?.value, itemShape, item.pe, item.text, path, out, ctx, creating);
    for (const item of r) if (!lTexts.has(item.text)) below(undefined, item.value, itemShape, item.pe, item.text, path, out, ctx, creating);
  }
  const last = at[at.length - 1];
  const zeroStruct = creating && shape.k === 'struct' && last !== undefined && 'field' in last;
  if (lhs === undefined && !zeroStruct) out.added.insertSerialized(at, path.texts);
  else if (rhs === undefined) out.removed.insertSerialized(at, path.texts);
}

function field(lhs: Json | undefined, rhs: Json | undefined, name: string, shape: Shape, path: WalkPath, out: Comparison, ctx: WalkContext, creating: boolean): void {
  const child = childShape(shape, name, path.elements, ctx);
  below(lhs, rhs, child, { field: name }, `f:${name}`, path, out, ctx, creating);
}

/** Visits one step down: `pe` (serialized as `text`) appended to the path while it is walked. */
function below(lhs: Json | undefined, rhs: Json | undefined, shape: Shape, pe: PathElement, text: string, path: WalkPath, out: Comparison, ctx: WalkContext, creating: boolean): void {
  path.elements.push(pe);
  path.texts.push(text);
  visit(lhs, rhs, shape, path, out, ctx, creating);
  path.elements.pop();
  path.texts.pop();
}
