/**
 * One informer per (resource, namespace, selectors) shared by every controller of
 * a process, as client-go's SharedInformerFactory: one list and one watch feed
 * all handlers and one cache.
 */
import type { KubeObject } from '../apiserver/objects.ts';
import type { ApiClient } from './api-client.ts';
import { Informer, type InformerOptions } from './informer.ts';
import { resourceSpecOfKind, type ResourceSpec } from './resource.ts';

/** What tells two informers apart; the rest of the options come from the factory. */
export interface InformerScope {
  namespace?: string | null;
  labelSelector?: string;
  fieldSelector?: string;
}

type SharedOptions = Omit<InformerOptions<KubeObject>, keyof InformerScope | 'store'>;

/** Hands out shared informers; `start(signal)` runs them all until the signal aborts. */
export class InformerFactory {
  readonly #api: ApiClient;
  readonly #options: SharedOptions;
  readonly #informers = new Map<string, Informer>();
  readonly #runs: Promise<void>[] = [];
  #signal: AbortSignal | undefined;

  constructor(api: ApiClient, options: SharedOptions = {}) {
    this.#api = api;
    this.#options = options;
  }

  /**
   * The shared informer of a resource spec or built-in kind name. Informers asked
   * for after `start` are started at once.
   */
  informer<T extends KubeObject = KubeObject>(resource: ResourceSpec | string, scope: InformerScope = {}): Informer<T> {
    const spec = typeof resource === 'string' ? resourceSpecOfKind(resource) : resource;
    const key = JSON.stringify([spec.group, spec.version, spec.plural, scope.namespace ?? null, scope.labelSelector ?? '', scope.fieldSelector ?? '']);
    let informer = this.#informers.get(key);
    if (informer === undefined) {
      informer = new Informer(this.#api.resource(spec), { ...this.#options, ...scope });
      this.#informers.set(key, informer);
      if (this.#signal !== undefined) this.#runs.push(informer.run(this.#signal));
    }
    // The cache holds whatever the server sends for this resource; T only names it.
    return informer as unknown as Informer<T>;
  }

  /** Runs every informer until `signal` aborts; a second call is an error. */
  start(signal: AbortSignal): void {
    if (this.#signal !== undefined) throw new Error('Cannot start an informer factory twice');
    this.#signal = signal;
    for (const informer of this.#informers.values()) this.#runs.push(informer.run(signal));
  }

  /** Resolves true once every informer made so far has synced, false if `signal` aborts first. */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.#informers.values()].map((informer) => informer.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** Resolves once every started informer has stopped. */
  async stopped(): Promise<void> {
    await Promise.all(this.#runs);
  }
}
