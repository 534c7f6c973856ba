/**
 * A set of field paths, stored as a trie: at each level some elements are
 * members (the path ending there is in the set) and some have children. This
 * is what one managedFields entry owns; `toFieldsV1` / `fromFieldsV1` are the
 * wire form.
 */
import type { Json, JsonObject } from '../objects.ts';
import { isPlainObject } from '../objects.ts';
import { compareElements, parseElement, serializeElement, type Path, type PathElement } from './path-element.ts';

interface Child {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

export class FieldSet {
  private readonly members = new Map<string, PathElement>();
  private readonly children = new Map<string, Child>();

  /** Adds a path; the empty path is not representable and is ignored. */
  insert(path: Path): void {
    let node: FieldSet = this;
    for (let i = 0; i < path.length; i++) {
      const pe = path[i] as PathElement;
      const text = serializeElement(pe);
      if (i === path.length - 1) {
        node.members.set(text, pe);
      } else {
        node = node.descend(pe, text);
      }
    }
  }

  /** insert, with `texts[i]` the serialized form of `path[i]` already at hand. */
  insertSerialized(path: Path, texts: readonly string[]): void {
    let node: FieldSet = this;
    const end = path.length - 1;
    for (let i = 0; i < end; i++) node = node.descend(path[i] as PathElement, texts[i] as string);
    if (end >= 0) node.members.set(texts[end] as string, path[end] as PathElement);
  }

  private descend(pe: PathElement, text: string): FieldSet {
    let child = this.children.get(text);
    if (child === undefined) {
      child = { pe, set: new FieldSet() };
      this.children.set(text, child);
    }
    return child.set;
  }

  has(path: Path): boolean {
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length && node; i++) {
      const text = serializeElement(path[i] as PathElement);
      if (i === path.length - 1) return node.members.has(text);
      node = node.children.get(text)?.set;
    }
    return false;
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(serializeElement(pe));
  }

  /** The paths below `pe`, relative to it (empty when none). */
  childSet(pe: PathElement): FieldSet | undefined {
    return this.children.get(serializeElement(pe))?.set;
  }

  /** Calls `fn` for each element that has paths below it. */
  forEachChild(fn: (pe: PathElement, set: FieldSet) => void): void {
    for (const child of this.children.values()) fn(child.pe, child.set);
  }

  /** Calls `fn` for each element whose path ends here. */
  forEachMember(fn: (pe: PathElement) => void): void {
    for (const pe of this.members.values()) fn(pe);
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const child of this.children.values()) if (!child.set.isEmpty()) return false;
    return true;
  }

  union(other: FieldSet): FieldSet {
    const out = this.copy();
    out.addAll(other);
    return out;
  }

  private addAll(other: FieldSet): void {
    for (const [text, pe] of other.members) this.members.set(text, pe);
    for (const [text, child] of other.children) this.descend(child.pe, text).addAll(child.set);
  }

  copy(): FieldSet {
    const out = new FieldSet();
    out.addAll(this);
    return out;
  }

  /** Paths in this set and not in `other` (path by path: a member removed keeps its children). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [text, pe] of this.members) if (!other.members.has(text)) out.members.set(text, pe);
    for (const [text, child] of this.children) {
      const theirs = other.children.get(text);
      const rest = theirs ? child.set.difference(theirs.set) : child.set.copy();
      if (!rest.isEmpty()) out.children.set(text, { pe: child.pe, set: rest });
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [text, pe] of this.members) if (other.members.has(text)) out.members.set(text, pe);
    for (const [text, child] of this.children) {
      const theirs = other.children.get(text);
      if (!theirs) continue;
      const both = child.set.intersection(theirs.set);
      if (!both.isEmpty()) out.children.set(text, { pe: child.pe, set: both });
    }
    return out;
  }

  /** This set without `prefix` and everything below it. */
  withoutSubtree(prefix: Path): FieldSet {
    if (prefix.length === 0) return new FieldSet();
    const out = this.copy();
    let node: FieldSet | undefined = out;
    for (let i = 0; i < prefix.length - 1 && node; i++) node = node.children.get(serializeElement(prefix[i] as PathElement))?.set;
    if (node) {
      const text = serializeElement(prefix[prefix.length - 1] as PathElement);
      node.members.delete(text);
      node.children.delete(text);
    }
    return out;
  }

  /** Only `prefix` and what lies below it. */
  onlySubtree(prefix: Path): FieldSet {
    return this.difference(this.withoutSubtree(prefix));
  }

  /** Every member path, in set order. */
  paths(): Path[] {
    const out: Path[] = [];
    const walk = (set: FieldSet, prefix: PathElement[]): void => {
      for (const { pe, member, child } of set.sortedEntries()) {
        const path = [...prefix, pe];
        if (member) out.push(path);
        if (child) walk(child, path);
      }
    };
    walk(this, []);
    return out;
  }

  private sortedEntries(): { text: string; pe: PathElement; member: boolean; child: FieldSet | undefined }[] {
    const entries = new Map<string, { text: string; pe: PathElement; member: boolean; child: FieldSet | undefined }>();
    for (const [text, pe] of this.members) entries.set(text, { text, pe, member: true, child: undefined });
    for (const [text, c] of this.children) {
      if (c.set.isEmpty()) continue;
      const seen = entries.get(text);
      entries.set(text, { text, pe: c.pe, member: seen !== undefined, child: c.set });
    }
    return [...entries.values()].sort((a, b) => compareElements(a.pe, b.pe));
  }

  /** The fieldsV1 object: elements in order, `"."` last where a path is both a member and a parent. */
  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    for (const { text, member, child } of this.sortedEntries()) {
      if (!child) {
        out[text] = {};
        continue;
      }
      const inner = child.toFieldsV1();
      if (member) inner['.'] = {};
      out[text] = inner;
    }
    return out;
  }

  /** Reads a fieldsV1 object; throws on malformed input. Unknown element prefixes are skipped. */
  static fromFieldsV1(json: Json): FieldSet {
    if (!isPlainObject(json)) throw new Error('fieldsV1 must be an object');
    const set = new FieldSet();
    set.read(json, 0);
    return set;
  }

  private read(json: JsonObject, depth: number): void {
    if (depth > 1000) throw new Error('fieldsV1 is nested too deeply');
    for (const [text, inner] of Object.entries(json)) {
      if (text === '.') continue;
      const pe = parseElement(text);
      if (pe === undefined) continue;
      if (!isPlainObject(inner)) throw new Error(`fieldsV1 entry ${JSON.stringify(text)} must be an object`);
      const keys = Object.keys(inner);
      if (keys.length === 0 || keys.includes('.')) this.members.set(serializeElement(pe), pe);
      if (keys.some((k) => k !== '.')) this.descend(pe, serializeElement(pe)).read(inner, depth + 1);
    }
  }
}
