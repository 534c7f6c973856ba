/**
 * How apply sees a value of a given type: a leaf replaced as a whole, a struct
 * or map merged key by key, or a list merged by item identity (keys or value).
 * Also turns list items into their path elements.
 */
import type { FieldDef, TypeDef, TypeRef } from '../../api/schema/model.ts';
import { definitionNamed } from '../../api/schema/registry.ts';
import type { Json } from '../objects.ts';
import { isPlainObject } from '../objects.ts';
import { keyElement, pathString, type Path, type PathElement } from './path-element.ts';

export type ScalarType = 'string' | 'int32' | 'int64' | 'double' | 'boolean' | 'bytes' | 'quantity' | 'intOrString' | 'time' | 'microTime';

export type Shape =
  | { readonly k: 'scalar'; readonly t: ScalarType }
  /** Atomic list, atomic map or struct, free-form JSON: owned and replaced as one. */
  | { readonly k: 'atomic'; readonly json: 'array' | 'object' | 'any' }
  | { readonly k: 'struct'; readonly def: TypeDef }
  | { readonly k: 'map'; readonly values: Shape }
  | { readonly k: 'set'; readonly items: Shape }
  | { readonly k: 'keyed'; readonly keys: readonly string[]; readonly item: Shape; readonly defaults: ReadonlyMap<string, Json> }
  /** No schema: objects are granular maps, everything else a leaf. */
  | { readonly k: 'deduced' };

export type Resolver = (name: string) => TypeDef | undefined;

export const DEDUCED: Shape = { k: 'deduced' };
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** A thrown schema mismatch, located at a path (`.spec.replicas`). */
export class TypedError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

/**
 * The Shapes of a resolver, shared: shapes depend only on the (fixed) definitions, so
 * every request reuses the ones computed before instead of working them out again.
 */
export function shapesOf(resolve: Resolver = definitionNamed): Shapes {
  let shapes = shared.get(resolve);
  if (shapes === undefined) {
    shapes = new Shapes(resolve);
    shared.set(resolve, shapes);
  }
  return shapes;
}

const shared = new WeakMap<Resolver, Shapes>();

export class Shapes {
  private readonly resolve: Resolver;
  private readonly cache = new Map<TypeRef, Shape>();
  constructor(resolve: Resolver = definitionNamed) {
    this.resolve = resolve;
  }

  ofDef(def: TypeDef | undefined): Shape {
    if (def === undefined) return DEDUCED;
    return def.mapType === 'atomic' ? { k: 'atomic', json: 'object' } : { k: 'struct', def };
  }

  of(ref: TypeRef): Shape {
    let shape = this.cache.get(ref);
    if (shape === undefined) {
      shape = this.compute(ref);
      this.cache.set(ref, shape);
    }
    return shape;
  }

  /** The shape of a struct field, or undefined when the struct does not declare it. */
  field(def: TypeDef, name: string): Shape | undefined {
    const f: FieldDef | undefined = Object.hasOwn(def.fields, name) ? def.fields[name] : undefined;
    return f === undefined ? undefined : this.of(f.type);
  }

  private compute(ref: TypeRef): Shape {
    switch (ref.t) {
      case 'raw':
        return { k: 'atomic', json: 'any' };
      case 'ref': {
        return this.ofDef(this.lookup(ref.name));
      }
      case 'map':
        return ref.mapType === 'atomic' ? { k: 'atomic', json: 'object' } : { k: 'map', values: this.of(ref.values) };
      case 'array':
        return this.list(ref);
      default:
        return { k: 'scalar', t: ref.t };
    }
  }

  private lookup(name: string): TypeDef | undefined {
    return this.resolve(name) ?? fallbacks.get(name);
  }

  private list(ref: Extract<TypeRef, { t: 'array' }>): Shape {
    const item = this.of(ref.items);
    let listType = ref.listType;
    let keys = ref.mapKeys ?? [];
    // Without x-kubernetes-list-type, a patch merge key (or merge strategy on
    // scalars) makes the list associative, as the OpenAPI converter does.
    if (listType === undefined && ref.mergeKey !== undefined) {
      listType = 'map';
      keys = [ref.mergeKey];
    } else if (listType === undefined && ref.strategy?.split(',').includes('merge') && item.k === 'scalar') {
      listType = 'set';
    }
    if (listType === 'set') return { k: 'set', items: item };
    const itemDef = ref.items.t === 'ref' ? this.lookup(ref.items.name) : undefined;
    if (listType === 'map' && keys.length > 0 && itemDef !== undefined) {
      const defaults = new Map<string, Json>();
      for (const key of keys) {
        const d = itemDef.fields[key]?.default;
        if (d !== undefined) defaults.set(key, d);
      }
      return { k: 'keyed', keys, item, defaults };
    }
    return { k: 'atomic', json: 'array' };
  }
}

/** The path element of a list item (the list at `path`); throws TypedError for items a keyed list or set cannot identify. */
export function itemElement(shape: Extract<Shape, { k: 'set' | 'keyed' }>, item: Json, path: Path, index: number): PathElement {
  if (shape.k === 'set') {
    if (isPlainObject(item) || Array.isArray(item)) throw new TypedError(pathString(path), `element ${index}: expected a scalar set item`);
    return { value: item };
  }
  if (!isPlainObject(item)) throw new TypedError(pathString(path), `element ${index}: associative list with keys has an element that is not a map`);
  const fields: [string, Json][] = [];
  for (const key of shape.keys) {
    const v = Object.hasOwn(item, key) ? item[key] : shape.defaults.get(key);
    if (v === undefined) {
      throw new TypedError(
        pathString(path),
        `element ${index}: associative list with keys has an element that omits key field ${JSON.stringify(key)} (and doesn't have default value)`,
      );
    }
    if (isPlainObject(v) || Array.isArray(v)) throw new TypedError(pathString(path), `element ${index}: key field ${JSON.stringify(key)} must be a scalar`);
    fields.push([key, v]);
  }
  return keyElement(fields);
}

// Used only until the ObjectMeta definition is registered: the apply-relevant
// part of its schema (granular label/annotation maps, finalizers as a set,
// owner references keyed by uid).
const metaStr: TypeRef = { t: 'string' };
const ownerReference: TypeDef = {
  name: 'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference',
  description: '',
  mapType: 'atomic',
  fields: { uid: { type: metaStr, description: '' } },
};
const objectMetaFallback: TypeDef = {
  name: OBJECT_META,
  description: '',
  fields: Object.fromEntries(
    (
      [
        ['name', metaStr],
        ['generateName', metaStr],
        ['namespace', metaStr],
        ['selfLink', metaStr],
        ['uid', metaStr],
        ['resourceVersion', metaStr],
        ['generation', { t: 'int64' }],
        ['creationTimestamp', { t: 'time' }],
        ['deletionTimestamp', { t: 'time' }],
        ['deletionGracePeriodSeconds', { t: 'int64' }],
        ['labels', { t: 'map', values: metaStr }],
        ['annotations', { t: 'map', values: metaStr }],
        ['finalizers', { t: 'array', items: metaStr, listType: 'set' }],
        ['ownerReferences', { t: 'array', items: { t: 'ref', name: ownerReference.name }, listType: 'map', mapKeys: ['uid'] }],
        ['managedFields', { t: 'array', items: { t: 'raw' }, listType: 'atomic' }],
      ] as [string, TypeRef][]
    ).map(([name, type]) => [name, { type, description: '' }]),
  ),
};
const fallbacks = new Map([objectMetaFallback, ownerReference].map((d) => [d.name, d]));
