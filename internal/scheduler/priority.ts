/**
 * Pod priority. The API server stores spec.priority only for pods without a
 * priorityClassName (as 0); a pod naming a class gets the class's value here, from the
 * PriorityClass objects or the two built-in system classes, 0 when the class is unknown.
 */
import type { Pod } from './types.ts';

/** The values of the PriorityClasses Kubernetes always has. */
export const systemPriorityClasses: ReadonlyMap<string, number> = new Map([
  ['system-node-critical', 2_000_001_000],
  ['system-cluster-critical', 2_000_000_000],
]);

/** The known PriorityClasses by name. */
export class PriorityClasses {
  readonly #values = new Map<string, number>();

  set(name: string, value: number): void {
    this.#values.set(name, value);
  }

  delete(name: string): void {
    this.#values.delete(name);
  }

  /** The pod's priority: spec.priority when set, else its class's value, else 0. */
  priorityOf(pod: Pod): number {
    const spec = pod.spec;
    if (typeof spec?.priority === 'number') return spec.priority;
    const name = spec?.priorityClassName;
    if (!name) return 0;
    return this.#values.get(name) ?? systemPriorityClasses.get(name) ?? 0;
  }
}
