/** Small helpers over parsed JSON values shared by the patch formats. */
import type { Json, JsonObject } from '../objects.ts';
import { malformedPatch } from './errors.ts';

/**
 * Deepest nesting a patch document may have. Real objects stay far below it; the cap
 * keeps the recursive merges well inside the JavaScript stack.
 */
export const maxPatchDepth = 1000;

/** A JSON object: not null, not an array. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON primitive, compared by value when lists are merged. */
export function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Throws 400 when `value` nests objects or arrays deeper than `maxPatchDepth`; iterative, so any depth is safe to measure. */
export function assertPatchDepth(value: unknown): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const top = stack.pop();
    if (top === undefined) break;
    const [node, depth] = top;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > maxPatchDepth) {
      throw malformedPatch(`the patch is nested more than ${maxPatchDepth} levels deep`);
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
}

/** An own property of a parsed object; never reaches into the prototype (`__proto__`, `constructor`). */
export function getOwn(object: JsonObject, key: string): Json | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Sets an own data property, also for the key `__proto__`, which plain assignment would treat as the prototype. */
export function setOwn(object: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

/** A deep copy, so results never share structure with the caller's input. */
export function cloneJson<T extends Json>(value: T): T {
  return structuredClone(value);
}

/** Short text of a value for error messages, cut so hostile input cannot blow them up. */
export function describe(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** The JSON type name of a value, for "expected X, got Y" messages. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}
