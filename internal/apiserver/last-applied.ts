/**
 * Moving from client-side to server-side apply, as upstream's last-applied manager
 * allows: a conflict with the client-side apply manager is not a conflict when the
 * object's last-applied-configuration already set the field to the value now applied
 * (the same user applying the same thing, only by the other method).
 */
import type { Conflict } from './apply/index.ts';
import type { Path } from './apply/index.ts';
import { jsonEqual } from '../api/validation/field.ts';
import { isPlainObject, type Json, type JsonObject, type KubeObject } from './objects.ts';

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
const clientSideManagers = new Set(['kubectl-client-side-apply', 'before-first-apply']);

/** Whether every conflict can be taken over because last-applied already said the same. */
export function conflictsMatchLastApplied(current: KubeObject, applied: JsonObject, conflicts: readonly Conflict[]): boolean {
  const text = current.metadata.annotations?.[lastAppliedAnnotation];
  if (text === undefined || conflicts.length === 0) return false;
  let lastApplied: Json;
  try {
    lastApplied = JSON.parse(text) as Json;
  } catch {
    return false;
  }
  return conflicts.every((c) => {
    if (!clientSideManagers.has(c.entry.manager)) return false;
    const before = valueAt(lastApplied, c.path);
    return before !== undefined && jsonEqual(before, valueAt(applied, c.path));
  });
}

function valueAt(root: Json, path: Path): Json | undefined {
  let at: Json | undefined = root;
  for (const element of path) {
    if (at === undefined) return undefined;
    if ('field' in element) {
      at = isPlainObject(at) && Object.hasOwn(at, element.field) ? at[element.field] : undefined;
    } else if ('key' in element) {
      at = Array.isArray(at) ? at.find((item) => isPlainObject(item) && element.key.every(([name, value]) => keyMatches(item[name], name, value))) : undefined;
    } else if ('value' in element) {
      at = Array.isArray(at) ? at.find((item) => JSON.stringify(item) === JSON.stringify(element.value)) : undefined;
    } else {
      at = Array.isArray(at) ? at[element.index] : undefined;
    }
  }
  return at;
}

/** Port lists key on protocol too, which manifests usually leave to its default. */
function keyMatches(actual: Json | undefined, name: string, wanted: Json): boolean {
  if (actual === undefined && name === 'protocol') return wanted === 'TCP';
  return JSON.stringify(actual) === JSON.stringify(wanted);
}
