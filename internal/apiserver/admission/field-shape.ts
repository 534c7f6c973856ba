/**
 * Checks a decoded object against the type model, as Kubernetes' decoder does: values
 * of the wrong JSON type are errors in any case; fields the type does not have are
 * collected so the caller can refuse them (fieldValidation=Strict), warn or drop them.
 */
import type { TypeDef, TypeRef } from '../../api/schema/model.ts';
import { definitionNamed } from '../../api/schema/registry.ts';
import { isPlainObject } from '../objects.ts';

export interface ShapeProblems {
  /** Paths of fields the type does not define, e.g. `spec.template.spec.containers[0].foo`. */
  unknown: string[];
  /** Values of the wrong JSON type: path and what was expected. */
  wrongType: Array<{ path: string; expected: string; got: string }>;
}

/** Stop collecting after this many problems: enough to report, bounded for hostile input. */
const maxProblems = 50;

/** Walks `object` (a top-level kind) against `def`. */
export function checkShape(def: TypeDef, object: unknown): ShapeProblems {
  const problems: ShapeProblems = { unknown: [], wrongType: [] };
  walkStruct(def, object, '', problems, 0);
  return problems;
}

/** Removes the given unknown field paths from `object` (fieldValidation=Ignore/Warn keep only known fields). */
export function dropFields(object: unknown, paths: readonly string[]): void {
  for (const path of paths) {
    const steps = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : (m[1] ?? '')));
    let at: unknown = object;
    for (const step of steps.slice(0, -1)) {
      at = Array.isArray(at) && typeof step === 'number' ? at[step] : isPlainObject(at) && typeof step === 'string' ? at[step] : undefined;
    }
    const last = steps.at(-1);
    if (isPlainObject(at) && typeof last === 'string') delete at[last];
  }
}

function full(problems: ShapeProblems): boolean {
  return problems.unknown.length + problems.wrongType.length >= maxProblems;
}

function walkStruct(def: TypeDef, value: unknown, path: string, problems: ShapeProblems, depth: number): void {
  if (value === null || full(problems)) return;
  if (!isPlainObject(value)) {
    problems.wrongType.push({ path: path || '.', expected: 'object', got: jsonType(value) });
    return;
  }
  for (const [name, child] of Object.entries(value)) {
    // Own properties only: "constructor" or "__proto__" in a body are unknown fields, not Object's.
    const field = Object.hasOwn(def.fields, name) ? def.fields[name] : undefined;
    const childPath = path === '' ? name : `${path}.${name}`;
    if (field === undefined) {
      problems.unknown.push(childPath);
      if (full(problems)) return;
      continue;
    }
    walkType(field.type, child, childPath, problems, depth + 1);
  }
}

function walkType(type: TypeRef, value: unknown, path: string, problems: ShapeProblems, depth: number): void {
  if (value === null || full(problems) || depth > 100) return;
  const wrong = (expected: string): void => {
    problems.wrongType.push({ path, expected, got: jsonType(value) });
  };
  switch (type.t) {
    case 'string':
    case 'time':
    case 'microTime':
    case 'bytes':
      if (typeof value !== 'string') wrong('string');
      return;
    case 'int32':
    case 'int64':
      if (typeof value !== 'number' || !Number.isInteger(value)) wrong(type.t);
      else if (type.t === 'int32' && (value > 2147483647 || value < -2147483648)) wrong('int32');
      return;
    case 'double':
      if (typeof value !== 'number') wrong('number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') wrong('boolean');
      return;
    case 'quantity':
    case 'intOrString':
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) wrong('string or number');
      return;
    case 'raw':
      return;
    case 'ref': {
      const def = definitionNamed(type.name);
      if (def !== undefined) walkStruct(def, value, path, problems, depth);
      return;
    }
    case 'array':
      if (!Array.isArray(value)) return wrong('array');
      value.forEach((item, index) => walkType(type.items, item, `${path}[${index}]`, problems, depth + 1));
      return;
    case 'map':
      if (!isPlainObject(value)) return wrong('object');
      for (const [key, item] of Object.entries(value)) walkType(type.values, item, `${path}.${key}`, problems, depth + 1);
      return;
  }
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}
