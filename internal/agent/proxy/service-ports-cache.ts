/**
 * The ServicePort model of every Service, recomputed only for Services whose object or
 * slices changed (by resourceVersion), so a sync after one endpoint change reads one
 * Service, not all of them.
 */
import type { KubeObject } from '../../apiserver/objects.ts';
import { objectKey } from '../../client/index.ts';
import { servicePortsOf } from './model.ts';
import type { ServicePort } from './types.ts';

interface Entry {
  version: string;
  ports: ServicePort[];
}

export class ServicePortsCache {
  readonly #entries = new Map<string, Entry>();

  /** The ports of `services`, with `slicesOf(key)` giving the slices of the Service `namespace/name`. */
  ports(services: readonly KubeObject[], slicesOf: (serviceKey: string) => readonly KubeObject[]): ServicePort[] {
    const seen = new Set<string>();
    const result: ServicePort[] = [];
    for (const service of services) {
      const key = objectKey(service);
      seen.add(key);
      const slices = slicesOf(key);
      const version = [service.metadata.resourceVersion ?? '', ...slices.map((s) => `${s.metadata.name ?? ''}@${s.metadata.resourceVersion ?? ''}`).sort()].join('|');
      let entry = this.#entries.get(key);
      if (entry === undefined || entry.version !== version) {
        entry = { version, ports: servicePortsOf(service, slices) };
        this.#entries.set(key, entry);
      }
      result.push(...entry.ports);
    }
    for (const key of this.#entries.keys()) if (!seen.has(key)) this.#entries.delete(key);
    return result;
  }
}
